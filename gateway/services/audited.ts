import type pg from 'pg';
import type { AuditEntryInput } from '../audit/audit-log.ts';
import type { Db } from '../db/database.ts';

/** The audit log as a service needs it: `app.audit` fits (its failures are DX_ERR_AUDIT_UNAVAILABLE, 503). */
export interface AuditAppender {
  record(input: AuditEntryInput, client?: pg.ClientBase): Promise<unknown>;
}

/** What a change made, and the entry recording it; `entry` null when there is nothing to record (nothing changed). */
export interface Audited<T> {
  result: T;
  entry: AuditEntryInput | null;
}

/**
 * Runs `change` and appends the entry it returns in ONE transaction: the change commits only with its entry, and a
 * failed append rolls the change back (the caller gets the append's error, never a silent success).
 */
export function auditedTransaction<T>(db: Db, audit: AuditAppender, change: (client: pg.PoolClient) => Promise<Audited<T>>): Promise<T> {
  return db.transaction(async (client) => {
    const { result, entry } = await change(client);
    if (entry !== null) await audit.record(entry, client);
    return result;
  });
}
