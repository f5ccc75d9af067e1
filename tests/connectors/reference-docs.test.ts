import { readFileSync } from 'node:fs';
import t from 'tap';
import { CONNECTOR_DEFINITIONS } from '../../connectors/registry.ts';
import { renderReferenceDoc } from '../../connectors/reference-doc.ts';

t.test('the reference page of every connector type is current with its definition', async (t) => {
  for (const definition of CONNECTOR_DEFINITIONS) {
    const page = readFileSync(new URL(`../../docs/connectors/${definition.type}.md`, import.meta.url), 'utf8');
    t.equal(page, renderReferenceDoc(definition), `docs/connectors/${definition.type}.md (regenerate with npm run docs:connectors)`);
  }
});

t.test('every config field of every connector type is described', async (t) => {
  const undescribed = (schema: Record<string, any>, prefix: string): string[] =>
    Object.entries(schema.properties ?? {}).flatMap(([name, property]: [string, any]) => [
      ...(property.description ? [] : [`${prefix}${name}`]),
      ...(property.properties ? undescribed(property, `${prefix}${name}.`) : []),
    ]);
  for (const definition of CONNECTOR_DEFINITIONS) t.same(undescribed(definition.configSchema, ''), [], definition.type);
});
