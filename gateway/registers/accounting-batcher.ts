import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.ts';
import { DxError, dxError } from '../errors.ts';
import type { Db } from '../plugins/db.ts';
import { accountGroup, type AccountingOutcome, type AccountingRequest } from './accounting-group.ts';

/** Audit entries one group commit writes at most (a batch of 100 keys is 100 of them). */
export const MAX_GROUP_ENTRIES = 2000;

interface Waiting {
  request: AccountingRequest;
  resolve(outcome: AccountingOutcome): void;
  reject(error: unknown): void;
}

/**
 * Group commit of the lookups' accounting (decision 0031). Queries arriving while a group is being written wait and
 * form the next group, written in one transaction (gateway/registers/accounting-group.ts): one lock of the audit
 * chain head for all of them. Each query's promise settles only after its group's commit, or rejects with
 * DX_ERR_AUDIT_UNAVAILABLE, with every other query of the group, when the group cannot be written: none of them may
 * then be answered. One group is written at a time per process; groups of several instances take turns at the locks.
 */
export function createAccountingBatcher(deps: { db: Db; audit: Pick<AuditLog, 'recordMany'>; log: Pick<Logger, 'error'>; maxEntries?: number }) {
  const maxEntries = deps.maxEntries ?? MAX_GROUP_ENTRIES;
  const queue: Waiting[] = [];
  let writing = false;

  function nextGroup(): Waiting[] {
    let entries = 0;
    let taken = 0;
    while (taken < queue.length && (taken === 0 || entries + (queue[taken] as Waiting).request.lookup.entityHashes.length <= maxEntries)) {
      entries += (queue[taken] as Waiting).request.lookup.entityHashes.length;
      taken++;
    }
    return queue.splice(0, taken);
  }

  async function write(): Promise<void> {
    while (queue.length > 0) {
      const group = nextGroup();
      try {
        const outcomes = await deps.db.transaction((client) => accountGroup(client, deps.audit, group.map((waiting) => waiting.request)));
        group.forEach((waiting, index) => waiting.resolve(outcomes[index] as AccountingOutcome));
      } catch (err) {
        deps.log.error({ err, queries: group.length }, 'register lookups: the accounting of a group could not be written; every query of it refused');
        const refusal = err instanceof DxError ? err : dxError('DX_ERR_AUDIT_UNAVAILABLE', { cause: err });
        for (const waiting of group) waiting.reject(refusal);
      }
    }
    writing = false;
  }

  return {
    /** Counts and records one query's account in the next group commit; settles after that commit. */
    account(request: AccountingRequest): Promise<AccountingOutcome> {
      return new Promise((resolve, reject) => {
        queue.push({ request, resolve, reject });
        if (writing) return;
        writing = true;
        // Started on the next turn of the event loop, so that the queries that arrive together form one group.
        setImmediate(() => void write());
      });
    },
  };
}

export type AccountingBatcher = ReturnType<typeof createAccountingBatcher>;
