import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ConfigProblem, ConnectorDefinition } from './types.ts';
import { fieldPath, fieldProblems } from '../schemas/validation-errors.ts';
import { fileDrop } from './file-drop/index.ts';
import { httpPull } from './http-pull/index.ts';
import { httpPush } from './http-push/index.ts';
import { sqlPull } from './sql-pull/index.ts';

// Definitions are heterogeneous in their config type; the registry checks configs against each schema at runtime.
type AnyDefinition = ConnectorDefinition<any>;

export const SECRET_PLACEHOLDER = '********';

export interface ConnectorTypeRegistry {
  list(): readonly AnyDefinition[];
  get(type: string): AnyDefinition | undefined;
  /** Schema and cross-field problems of a config, each naming its field (`config.<path>`); empty when valid. */
  validateConfig(type: string, config: unknown): ConfigProblem[];
  /** The values of the config's `x-directory` fields, with their paths. */
  directories(type: string, config: Record<string, unknown>): { path: string; value: string }[];
  /** The config with every secret replaced by a placeholder, for answers and logs. */
  redactSecrets(type: string, config: Record<string, unknown>): Record<string, unknown>;
  /**
   * Keeps stored secrets where an update sends the placeholder back, as long as the definition's `secretTarget` is
   * unchanged; otherwise each such secret is a problem naming its field (the update must carry it anew).
   */
  restoreSecrets(type: string, incoming: Record<string, unknown>, stored: Record<string, unknown>): { config: Record<string, unknown>; problems: ConfigProblem[] };
  /** The config with `change` applied to every secret that is a string (sealing, opening), given its path (`auth.token`). */
  mapSecrets(type: string, config: Record<string, unknown>, change: (value: string, path: string) => string): Record<string, unknown>;
}

function flaggedPaths(schema: Record<string, unknown>, flag: string, prefix: string[] = []): string[][] {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(properties).flatMap(([name, property]) => {
    const path = [...prefix, name];
    if (property[flag] === true) return [path];
    return property.type === 'object' ? flaggedPaths(property, flag, path) : [];
  });
}

function mapAt(config: Record<string, unknown>, path: string[], replace: (value: unknown) => unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined || !(head in config)) return config;
  const current = config[head];
  if (rest.length === 0) return { ...config, [head]: replace(current) };
  if (typeof current !== 'object' || current === null) return config;
  return { ...config, [head]: mapAt(current as Record<string, unknown>, rest, replace) };
}

function valueAt(config: Record<string, unknown>, path: string[]): unknown {
  return path.reduce<unknown>((value, part) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined), config);
}

export function createConnectorRegistry(definitions: readonly AnyDefinition[]): ConnectorTypeRegistry {
  const ajv = new Ajv({ allErrors: true, useDefaults: false, strict: true, allowUnionTypes: true });
  addFormats.default(ajv);
  ajv.addKeyword({ keyword: 'x-secret', schemaType: 'boolean' });
  ajv.addKeyword({ keyword: 'x-directory', schemaType: 'boolean' });
  const byType = new Map<string, { definition: AnyDefinition; validate: ValidateFunction; secrets: string[][]; directories: string[][] }>();
  for (const definition of definitions) {
    if (byType.has(definition.type)) throw new Error(`connector type ${definition.type} is registered twice`);
    const secrets = flaggedPaths(definition.configSchema, 'x-secret');
    if (secrets.length > 0 && definition.secretTarget === undefined) throw new Error(`connector type ${definition.type} has secrets but no secretTarget`);
    byType.set(definition.type, {
      definition,
      validate: ajv.compile(definition.configSchema),
      secrets,
      directories: flaggedPaths(definition.configSchema, 'x-directory'),
    });
  }

  function entry(type: string) {
    const found = byType.get(type);
    if (!found) throw new Error(`unknown connector type ${type}`);
    return found;
  }

  return {
    list: () => [...byType.values()].map(({ definition }) => definition),
    get: (type) => byType.get(type)?.definition,
    validateConfig(type, config) {
      const { definition, validate } = entry(type);
      if (!validate(config)) {
        return fieldProblems(validate.errors ?? [], 'config');
      }
      return (definition.validate?.(config) ?? []).map((problem) => ({ ...problem, path: fieldPath([problem.path], 'config') }));
    },
    directories(type, config) {
      return entry(type).directories.flatMap((path) => {
        const value = valueAt(config, path);
        return typeof value === 'string' ? [{ path: fieldPath(path, 'config'), value }] : [];
      });
    },
    redactSecrets(type, config) {
      return entry(type).secrets.reduce((redacted, path) => mapAt(redacted, path, (value) => (value === undefined ? value : SECRET_PLACEHOLDER)), config);
    },
    restoreSecrets(type, incoming, stored) {
      const { definition, secrets } = entry(type);
      const kept = secrets.filter((path) => valueAt(incoming, path) === SECRET_PLACEHOLDER && valueAt(stored, path) !== undefined);
      // A config too broken to name its target (the schema check reports why) keeps no secret either.
      const target = (config: Record<string, unknown>) => {
        try {
          return definition.secretTarget?.(config);
        } catch {
          return undefined;
        }
      };
      const moved = kept.length > 0 && (target(incoming) === undefined || target(incoming) !== target(stored));
      if (moved) {
        const problems = kept.map((path) => ({ path: fieldPath(path, 'config'), message: 'must be sent anew: the target it is sent to changed, so the stored one is not kept' }));
        return { config: incoming, problems };
      }
      const config = secrets.reduce((restored, path) => mapAt(restored, path, (value) => (value === SECRET_PLACEHOLDER ? valueAt(stored, path) : value)), incoming);
      return { config, problems: [] };
    },
    mapSecrets(type, config, change) {
      return entry(type).secrets.reduce((changed, path) => mapAt(changed, path, (value) => (typeof value === 'string' ? change(value, path.join('.')) : value)), config);
    },
  };
}

export const CONNECTOR_DEFINITIONS: readonly AnyDefinition[] = [sqlPull, httpPull, fileDrop, httpPush];
