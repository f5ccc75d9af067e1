import type { ConnectorTypeRegistry } from '../../connectors/registry.ts';
import type { Db } from '../plugins/db.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { createBatchCommitter } from './commit.ts';
import { createConfigurationStore } from './store/configuration.ts';
import { createOffsetStore } from './store/offsets.ts';
import { createQuarantine } from './store/quarantine.ts';
import { createRunStore } from './store/runs.ts';

export type { Connector, ConnectorOptions, NewConnector } from './store/configuration.ts';
export type { RunRecord, Totals } from './store/runs.ts';
export type { BatchCommit, RejectedRecord } from './batch.ts';

/** What the gateway keeps of connectors: their configuration, runs, offsets and quarantine, and the batch commit. */
export function createConnectorStore(db: Db, sealing: { box: SecretBox; types: ConnectorTypeRegistry }) {
  return {
    ...createConfigurationStore(db, sealing),
    ...createRunStore(db),
    ...createOffsetStore(db),
    ...createQuarantine(db, sealing.box),
    commitBatch: createBatchCommitter(db, sealing.box),
  };
}

export type ConnectorStore = ReturnType<typeof createConnectorStore>;
