import { CONFIG_SCHEMA } from '../config.ts';
import { generatedNotice, prose, table } from './markdown-table.ts';

interface Variable {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
}

interface ConfigSchema {
  properties: Record<string, Variable>;
  required?: string[];
}

function code(value: unknown): string {
  return `\`${String(value)}\``;
}

function accepted(variable: Variable): string {
  if (variable.enum) return variable.enum.map(code).join(', ');
  const limits: string[] = [];
  if (variable.minimum !== undefined || variable.maximum !== undefined) limits.push(`${variable.minimum ?? '…'} to ${variable.maximum ?? '…'}`);
  if (variable.minLength !== undefined && variable.minLength > 1) limits.push(`at least ${variable.minLength} characters`);
  if (variable.pattern !== undefined) limits.push(`matches ${code(variable.pattern)}`);
  return [variable.type === 'boolean' ? '`true` or `false`' : (variable.type ?? 'any'), ...limits].join(', ');
}

/** The configuration reference, generated from the gateway's environment schema so the two never disagree. */
export function renderConfigurationDoc(schema: ConfigSchema = CONFIG_SCHEMA as unknown as ConfigSchema): string {
  const rows = Object.entries(schema.properties).map(([name, variable]) => [
    code(name),
    accepted(variable),
    variable.default === undefined ? 'unset' : code(variable.default),
    prose(variable.description ?? ''),
  ]);
  return [
    '# Configuration reference',
    '',
    generatedNotice('`CONFIG_SCHEMA` in gateway/config.ts'),
    '',
    'All configuration comes from environment variables, validated at start: every bad variable is named in one',
    'error and the process exits with status 2. An empty variable counts as unset. `KAFKA_SASL_MECHANISM`,',
    '`KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD` must be set together.',
    '',
    ...table(['variable', 'accepts', 'default', 'meaning'], rows),
    '',
  ].join('\n');
}
