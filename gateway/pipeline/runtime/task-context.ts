import type { ConnectorContext, PullConnectorDefinition } from '../../../connectors/types.ts';
import type { Connector } from '../connector-store.ts';
import { resolveDropFolder } from '../drop-folder.ts';
import type { RuntimeDependencies } from './dependencies.ts';

export const DEFAULT_BATCH_SIZE = 1000;

type TaskDependencies = Pick<RuntimeDependencies, 'types' | 'store' | 'log' | 'hostGuard' | 'dropRoot'>;

function pullDefinition(deps: TaskDependencies, connector: Connector): PullConnectorDefinition<any> {
  const definition = deps.types.get(connector.type);
  if (definition?.kind !== 'pull') throw new Error(`connector ${connector.id} has type ${connector.type}, which is not a pull type`);
  return definition;
}

function contextFor(deps: TaskDependencies, connector: Connector, offsets: ConnectorContext['offsets'], signal: AbortSignal): ConnectorContext {
  const log = deps.log.child({ connector: connector.id, type: connector.type });
  return {
    log: {
      debug: (object, message) => log.debug(object, message),
      info: (object, message) => log.info(object, message),
      warn: (object, message) => log.warn(object, message),
      error: (object, message) => log.error(object, message),
    },
    offsets,
    signal,
    batchSize: connector.options.batchSize ?? DEFAULT_BATCH_SIZE,
    resolveHost: (host, target) => deps.hostGuard.resolve(host, { ...target, departmentCode: connector.departmentCode }),
    resolveFolder: (path) => resolveDropFolder(deps.dropRoot, connector.departmentCode, path),
  };
}

/** A pull connector's task, from its definition, with its secrets opened and its context: where reading starts. */
export function createPullTask(deps: TaskDependencies, connector: Connector, offsets: ConnectorContext['offsets'], signal: AbortSignal) {
  return pullDefinition(deps, connector).create(deps.store.openConfig(connector), contextFor(deps, connector, offsets, signal));
}
