import type { ConnectorDefinition } from './types.ts';

interface Property {
  type?: string | string[];
  enum?: unknown[];
  description?: string;
  default?: unknown;
  'x-secret'?: boolean;
  'x-directory'?: boolean;
  properties?: Record<string, Property>;
  required?: string[];
}

function typeOf(property: Property): string {
  if (property.enum) return property.enum.map((value) => `\`${String(value)}\``).join(' \\| ');
  return Array.isArray(property.type) ? property.type.join(' \\| ') : (property.type ?? 'any');
}

function rows(schema: Property, prefix = ''): string[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]) => {
    const path = `${prefix}${name}`;
    const notes = [property['x-secret'] ? 'secret: never shown or logged' : '', property['x-directory'] ? 'inside DX_FILE_DROP_ROOT/{departmentCode}/' : '', property.default !== undefined ? `default \`${JSON.stringify(property.default)}\`` : '']
      .filter(Boolean)
      .join('; ');
    const description = `${(property.description ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')}${notes ? ` (${notes})` : ''}`;
    const row = `| \`${path}\` | ${typeOf(property)} | ${required.has(name) ? 'yes' : ''} | ${description} |`;
    return property.properties ? [row, ...rows(property, `${path}.`)] : [row];
  });
}

/** The reference page of a connector type, generated from its definition so the two never disagree. */
export function renderReferenceDoc(definition: ConnectorDefinition<any>): string {
  return [
    `# \`${definition.type}\` (${definition.kind})`,
    '',
    '<!-- Generated from the definition in connectors/; run `npm run docs:connectors` after changing it. -->',
    '',
    definition.summary,
    '',
    definition.description,
    '',
    '## Configuration',
    '',
    '| field | type | required | description |',
    '|---|---|---|---|',
    ...rows(definition.configSchema as Property),
    '',
    '## Examples',
    '',
    ...definition.examples.flatMap((example) => [`### ${example.summary}`, '', '```json', JSON.stringify(example.config, null, 2), '```', '']),
  ].join('\n');
}
