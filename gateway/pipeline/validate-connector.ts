import cron from 'node-cron';
import type { ConnectorTypeRegistry } from '../../connectors/registry.ts';
import type { ConfigProblem } from '../../connectors/types.ts';
import { findCanonicalSchema } from '../../schemas/canonical.ts';
import { resolveDropFolder } from './drop-folder.ts';
import { checkMapping } from './mapping/check.ts';
import type { MappingSpec } from './mapping/spec.ts';

export interface ConnectorDraft {
  type: string;
  schemaName: string;
  schedule?: string | undefined;
  config: Record<string, unknown>;
  mapping: MappingSpec;
  options?: { exactlyOnce?: boolean | undefined } | undefined;
}

/**
 * Every problem of a connector definition at once, each naming its field, before anything is stored. Folders on the
 * gateway host (`x-directory` fields) must lie in the owning department's folder of the drop root.
 */
export async function validateConnector(types: ConnectorTypeRegistry, draft: ConnectorDraft, drops: { root: string; departmentCode: string }): Promise<ConfigProblem[]> {
  const definition = types.get(draft.type);
  if (!definition) return [{ path: 'type', message: `is not a connector type (types: ${types.list().map((d) => d.type).join(', ')})` }];
  const problems: ConfigProblem[] = [...types.validateConfig(draft.type, draft.config)];
  for (const { path, value } of types.directories(draft.type, draft.config)) {
    await resolveDropFolder(drops.root, drops.departmentCode, value).catch((err: Error) => problems.push({ path, message: err.message }));
  }
  if (definition.kind === 'pull') {
    if (draft.schedule === undefined) problems.push({ path: 'schedule', message: 'is required for a pull connector' });
    else if (!cron.validate(draft.schedule)) problems.push({ path: 'schedule', message: `"${draft.schedule}" is not a valid cron expression` });
  } else {
    if (draft.schedule !== undefined) problems.push({ path: 'schedule', message: 'is only for pull connectors; push connectors receive records' });
    if (draft.options?.exactlyOnce) problems.push({ path: 'options.exactlyOnce', message: 'is only for pull connectors; a push is answered once its records are acknowledged' });
  }
  const schema = findCanonicalSchema(draft.schemaName);
  if (!schema) problems.push({ path: 'schema', message: 'is not a canonical schema' });
  else problems.push(...checkMapping(draft.mapping, schema));
  return problems;
}
