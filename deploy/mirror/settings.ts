import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import type { ClusterSettings } from './plan.ts';

const ENV_SCHEMA = Type.Object({
  DX_MIRROR_GATEWAY_URL: Type.String({ format: 'uri', description: "The owner gateway's base URL, whose mirror plan is applied" }),
  DX_MIRROR_API_KEY: Type.Optional(Type.String({ minLength: 1, description: "A data office key of that gateway (or DX_MIRROR_API_KEY_FILE)" })),
  DX_MIRROR_API_KEY_FILE: Type.Optional(Type.String({ minLength: 1, description: 'File holding DX_MIRROR_API_KEY' })),
  DX_MIRROR_CLUSTERS_FILE: Type.String({ minLength: 1, description: 'JSON file: cluster alias (instance id) to { bootstrapServers, properties }' }),
  DX_MIRROR_DIR: Type.String({ minLength: 1, default: '.data/mirror', description: "Folder of mm2.properties and MirrorMaker's log" }),
  DX_MIRROR_POLL_MS: Type.Integer({ minimum: 1000, default: 10_000, description: 'How often the plan is read' }),
  DX_MIRROR_HEAP: Type.String({ pattern: '^[0-9]+[mg]$', default: '256m', description: "MirrorMaker's Java heap" }),
});

const CLUSTERS_SCHEMA = Type.Record(
  Type.String({ pattern: '^[0-9]{6}(-[a-z0-9-]+)?$' }),
  Type.Object({
    bootstrapServers: Type.Array(Type.String({ pattern: '^[^,\\s]+:[0-9]+$' }), { minItems: 1 }),
    properties: Type.Optional(Type.Record(Type.String({ pattern: '^[a-z][a-z0-9.]*$' }), Type.String())),
  }, { additionalProperties: false }),
  { additionalProperties: false, description: 'Cluster alias (an instance id) to how MirrorMaker reaches the cluster' },
);

const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, strict: false });
ajv.addFormat('uri', /^https?:\/\/[^\s]+$/);
const validateEnv = ajv.compile<Static<typeof ENV_SCHEMA>>(ENV_SCHEMA);
const validateClusters = ajv.compile<Record<string, ClusterSettings>>(CLUSTERS_SCHEMA);

export interface MirrorSettings {
  gatewayUrl: string;
  apiKey: string;
  clusters: Record<string, ClusterSettings>;
  dir: string;
  pollMs: number;
  heap: string;
}

export class MirrorSettingsError extends Error {}

function problemsOf(errors: typeof validateEnv.errors, where: string): string[] {
  return (errors ?? []).map((error) => {
    const named = error.params.missingProperty ?? error.params.additionalProperty;
    return `${where}${error.instancePath} ${error.message ?? 'is invalid'}${named === undefined ? '' : `: ${String(named)}`}`;
  });
}

/** The supervisor's settings from the environment and files: secrets never come from the command line. */
export function readMirrorSettings(env: NodeJS.ProcessEnv): MirrorSettings {
  const values: Record<string, unknown> = Object.fromEntries(Object.keys(ENV_SCHEMA.properties).flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])));
  if (!validateEnv(values)) throw new MirrorSettingsError(`Invalid mirror settings:\n${problemsOf(validateEnv.errors, 'env').join('\n')}`);
  if ((values.DX_MIRROR_API_KEY === undefined) === (values.DX_MIRROR_API_KEY_FILE === undefined)) throw new MirrorSettingsError('Set exactly one of DX_MIRROR_API_KEY and DX_MIRROR_API_KEY_FILE');
  const apiKey = values.DX_MIRROR_API_KEY ?? readFileSync(values.DX_MIRROR_API_KEY_FILE as string, 'utf8').trim();
  let clusters: unknown;
  try {
    clusters = JSON.parse(readFileSync(values.DX_MIRROR_CLUSTERS_FILE, 'utf8'));
  } catch (err) {
    throw new MirrorSettingsError(`DX_MIRROR_CLUSTERS_FILE (${values.DX_MIRROR_CLUSTERS_FILE}) is no readable JSON: ${(err as Error).message}`);
  }
  if (!validateClusters(clusters)) throw new MirrorSettingsError(`Invalid clusters file ${values.DX_MIRROR_CLUSTERS_FILE}:\n${problemsOf(validateClusters.errors, 'clusters').join('\n')}`);
  return { gatewayUrl: values.DX_MIRROR_GATEWAY_URL, apiKey, clusters, dir: values.DX_MIRROR_DIR, pollMs: values.DX_MIRROR_POLL_MS, heap: values.DX_MIRROR_HEAP };
}
