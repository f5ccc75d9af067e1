import type { Principal } from '../auth/principal.ts';
import { changedFields } from '../audit/changes.ts';
import { inTransaction, type Db } from '../db/database.ts';
import { translatingUniqueViolations } from '../db/errors.ts';
import type { Connector, ConnectorStore, NewConnector } from '../pipeline/connector-store.ts';
import type { ConnectorRuntime } from '../pipeline/runtime.ts';
import type { Scheduler } from '../pipeline/scheduler.ts';
import { auditedTransaction, type AuditAppender } from './audited.ts';

export interface ConnectorServiceDependencies {
  db: Db;
  audit: AuditAppender;
  /** The connector store on `db`: the pool's, or one bound to the service's transaction. */
  storeOn(db: Db): ConnectorStore;
  runtime: Pick<ConnectorRuntime, 'test' | 'replay'>;
  scheduler: Pick<Scheduler, 'refresh'>;
}

type Actor = Principal | null;
type Editable = Pick<Connector, 'name' | 'config' | 'mapping' | 'schedule' | 'options'>;

const NAME_TAKEN = { connectors_department_code_name_key: { code: 'DX_ERR_CONNECTOR_EXISTS', detail: { path: 'name', message: 'is taken in this department' } } } as const;
const object = (connector: Pick<Connector, 'id'>) => ({ type: 'connector', id: connector.id });

/**
 * Connector workflow: every change and its audit entry in one transaction (a failed append leaves the connector
 * as it was and answers DX_ERR_AUDIT_UNAVAILABLE); the scheduler hears of the change once it is committed. Reads of
 * raw source data (tests, rejected records) and replays are audited before anything is answered or published.
 */
export function createConnectorService(deps: ConnectorServiceDependencies) {
  const { db, audit, scheduler, runtime } = deps;
  const store = deps.storeOn(db);

  async function change<T>(work: (store: ConnectorStore) => Promise<{ result: T; entry: Parameters<AuditAppender['record']>[0] | null }>): Promise<T> {
    const result = await auditedTransaction(db, audit, (client) => work(deps.storeOn(inTransaction(db, client))));
    await scheduler.refresh();
    return result;
  }

  return {
    create(input: NewConnector, actor: Actor): Promise<Connector> {
      return translatingUniqueViolations(
        () => change(async (tx) => {
          const connector = await tx.create(input, actor?.id ?? null);
          const details = { departmentCode: connector.departmentCode, name: connector.name, type: connector.type, schema: connector.schemaName, topic: connector.topic };
          return { result: connector, entry: { principal: actor, action: 'connector.create', object: object(connector), details } };
        }),
        NAME_TAKEN,
      );
    },

    /** Undefined when the connector is gone. */
    update(existing: Connector, fields: Editable, actor: Actor): Promise<Connector | undefined> {
      return translatingUniqueViolations(
        () => change(async (tx) => {
          const updated = await tx.update(existing, fields);
          const details = updated && { changed: changedFields(existing, updated, ['name', 'config', 'mapping', 'schedule', 'options']) };
          return { result: updated, entry: updated ? { principal: actor, action: 'connector.update', object: object(updated), details } : null };
        }),
        NAME_TAKEN,
      );
    },

    remove(existing: Connector, actor: Actor): Promise<void> {
      return change(async (tx) => {
        const removed = await tx.remove(existing.id);
        const details = { departmentCode: existing.departmentCode, name: existing.name };
        return { result: undefined, entry: removed ? { principal: actor, action: 'connector.delete', object: object(existing), details } : null };
      });
    },

    /** Pauses (`paused`) or resumes (`active`). */
    setState(connector: Connector, state: Connector['state'], actor: Actor): Promise<Connector | undefined> {
      return change(async (tx) => {
        const updated = await tx.setState(connector.id, state);
        return { result: updated, entry: updated ? { principal: actor, action: `connector.${state === 'paused' ? 'pause' : 'resume'}`, object: object(connector) } : null };
      });
    },

    requestRun(connector: Connector, actor: Actor): Promise<void> {
      return change(async (tx) => {
        await tx.requestRun(connector.id);
        return { result: undefined, entry: { principal: actor, action: 'connector.run', object: object(connector) } };
      });
    },

    /** Forgets the committed offsets; answers how many. */
    resetOffsets(connector: Connector, actor: Actor): Promise<number> {
      return auditedTransaction(db, audit, async (client) => {
        const cleared = await deps.storeOn(inTransaction(db, client)).resetOffsets(connector.id);
        return { result: cleared, entry: { principal: actor, action: 'connector.offsets.reset', object: object(connector), details: { cleared } } };
      });
    },

    /** Connects and maps the first records, publishing nothing; answered only once its entry is written. */
    async test(connector: Connector, limit: number, actor: Actor) {
      const result = await runtime.test(connector, limit);
      await audit.record({ principal: actor, action: 'connector.test', object: object(connector), details: { limit, check: result.check.ok, records: result.records.length } });
      return result;
    },

    /** Quarantined records; answered only once the read is written, with the ids read (never the records). */
    async rejected(connector: Connector, filter: Parameters<ConnectorStore['rejectedRecords']>[1], actor: Actor) {
      const items = await store.rejectedRecords(connector.id, filter);
      await audit.record({ principal: actor, action: 'connector.rejected.read', object: object(connector), details: { status: filter.status, after: filter.afterId, records: items.length, ids: items.map((item) => item.id) } });
      return items;
    },

    /** Publishes up to `limit` open rejected records again; nothing is replayed that the log does not show. */
    async replay(connector: Connector, limit: number, actor: Actor): Promise<{ replayed: number; published: number; rejected: number }> {
      const open = await store.rejectedRecords(connector.id, { limit, afterId: 0, status: 'open' });
      if (open.length === 0) return { replayed: 0, published: 0, rejected: 0 };
      await audit.record({ principal: actor, action: 'connector.rejected.replay', object: object(connector), details: { replayed: open.length, ids: open.map((record) => record.id) } });
      const result = await runtime.replay(connector, open);
      return { replayed: open.length, published: result.published, rejected: result.rejected.length };
    },
  };
}

export type ConnectorService = ReturnType<typeof createConnectorService>;
