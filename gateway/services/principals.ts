import type { Principal } from '../auth/principal.ts';
import type { ApiKeyRecord, NewPrincipal, PrincipalStore } from '../auth/principal-store.ts';
import type { Db } from '../db/database.ts';
import { translatingUniqueViolations } from '../db/errors.ts';
import { auditedTransaction, type AuditAppender } from './audited.ts';

type Actor = Principal | null;

const NAME_TAKEN = { principals_name_key: { code: 'DX_ERR_PRINCIPAL_EXISTS', detail: { path: 'name', message: 'is taken' } } } as const;

/**
 * Principals and their API keys: every change and its audit entry in one transaction. A disable or a revocation
 * takes effect on this instance's key cache once committed.
 */
export function createPrincipalService(deps: { db: Db; audit: AuditAppender; store: PrincipalStore }) {
  const { db, audit, store } = deps;

  async function revoking<T>(work: Parameters<typeof auditedTransaction<T>>[2]): Promise<T> {
    try {
      return await auditedTransaction(db, audit, work);
    } finally {
      store.forgetLookups();
    }
  }

  return {
    create(input: NewPrincipal, actor: Actor): Promise<Principal> {
      return translatingUniqueViolations(
        () => auditedTransaction(db, audit, async (client) => {
          const principal = await store.create(input, actor?.id ?? null, client);
          const details = { kind: input.kind, name: principal.name, departmentCode: principal.departmentCode };
          return { result: principal, entry: { principal: actor, action: 'principal.create', object: { type: 'principal', id: principal.id }, details } };
        }),
        NAME_TAKEN,
      );
    },

    /** Undefined when there is no such principal. */
    setDisabled(id: string, disabled: boolean, actor: Actor): Promise<Principal | undefined> {
      return revoking(async (client) => {
        const principal = await store.setDisabled(id, disabled, client);
        const entry = principal ? { principal: actor, action: `principal.${disabled ? 'disable' : 'enable'}`, object: { type: 'principal', id: principal.id } } : null;
        return { result: principal, entry };
      });
    },

    /** The new key is in the answer only: it is never stored nor audited. */
    issueKey(principalId: string, options: { label?: string | undefined; expiresAt?: string | undefined }, actor: Actor): Promise<{ key: string; record: ApiKeyRecord }> {
      return auditedTransaction(db, audit, async (client) => {
        const issued = await store.issueKey(principalId, options, client);
        const { record } = issued;
        const details = { principalId: record.principalId, label: record.label, expiresAt: record.expiresAt };
        return { result: issued, entry: { principal: actor, action: 'key.issue', object: { type: 'api_key', id: record.id }, details } };
      });
    },

    /** Undefined when the principal has no such key. */
    revokeKey(principalId: string, keyId: string, actor: Actor): Promise<ApiKeyRecord | undefined> {
      return revoking(async (client) => {
        const record = await store.revokeKey(principalId, keyId, client);
        const entry = record ? { principal: actor, action: 'key.revoke', object: { type: 'api_key', id: record.id }, details: { principalId: record.principalId } } : null;
        return { result: record, entry };
      });
    },
  };
}

export type PrincipalService = ReturnType<typeof createPrincipalService>;
