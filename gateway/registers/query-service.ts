import type { Principal } from '../auth/principal.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { dxError, type ErrorDetail } from '../errors.ts';
import { cleanText } from '../pipeline/mapping/normalise.ts';
import { projectionFor } from '../subscriptions/delivered-record.ts';
import { deliverableContext, type ReadyContext } from '../subscriptions/delivery.ts';
import { keyFieldOf } from '../subscriptions/delivered-record.ts';
import { projectKey, projectRecord, type Projection } from '../subscriptions/masking.ts';
import { effectiveStatus } from '../subscriptions/model.ts';
import type { SubscriptionSecrets } from '../subscriptions/secrets.ts';
import type { SubscriptionStore } from '../subscriptions/store.ts';
import { dateInShanghai } from '../subscriptions/working-days.ts';
import type { AccountingBatcher } from './accounting-batcher.ts';
import type { EntityHasher } from './entity-hash.ts';
import { checkKey, checkKeys, holderCodeField } from './keys.ts';
import type { RegisterStore, StoredEntry } from './store.ts';
import type { Accounting, LookupForm, Usage } from './usage.ts';

export const MAX_BATCH = 100;
export const VERDICTS = ['match', 'mismatch', 'unknown'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface QueryDependencies {
  registers: RegisterStore;
  usage: Usage;
  /** Writes each query's account in a group commit (gateway/registers/accounting-batcher.ts). */
  accounting: AccountingBatcher;
  audit: Pick<AuditLog, 'record'>;
  hasher: EntityHasher;
  subscriptions: { store: SubscriptionStore; secrets: SubscriptionSecrets; clock: () => Date };
  /** DX_REGISTER_LOOKUPS_PER_HOUR. */
  lookupsPerHour: number;
}

/** A query subscription ready to be answered: active, of a resource with a register. */
interface Target {
  principal: Principal;
  context: ReadyContext;
  projection: Projection;
  resourceId: string;
}

export interface AnsweredEntry {
  key: string | null;
  record: Record<string, unknown>;
  updatedAt: string;
}

function refuse(problems: ErrorDetail[]): void {
  if (problems.length > 0) throw dxError('DX_ERR_REQUEST_INVALID', { message: problems.map((p) => `${p.path} ${p.message}`).join('; '), details: problems });
}

const comparable = (value: unknown) => cleanText(typeof value === 'string' ? value : JSON.stringify(value)).toUpperCase();

/** Licences valid on `today`: current (status 1, or none given) and within their validity dates. */
function isValidLicence(record: Record<string, unknown>, today: string): boolean {
  const status = record['status'];
  const from = record['valid_from'];
  const until = record['valid_until'];
  return (status === null || status === undefined || status === '1') && (typeof from !== 'string' || from <= today) && (typeof until !== 'string' || until >= today);
}

/**
 * The lookup and verification interface of registers. Each query is answered under the subscription's projection
 * and masking (gateway/subscriptions/masking.ts, as every delivery), after its account is written: one audit entry
 * and one lookup row per entity, in one transaction, refused with 429 past the subscription's hourly limit.
 */
export function createQueryService(deps: QueryDependencies) {
  const { subscriptions } = deps;

  async function target(principal: Principal, subscriptionId: string): Promise<Target> {
    const context = await deliverableContext(subscriptions, subscriptionId, 'query');
    if (!context) {
      const subscription = await subscriptions.store.get(subscriptionId);
      if (subscription && subscription.deliveryMode !== 'query') throw dxError('DX_ERR_SUBSCRIPTION_STATE', { message: `The subscription delivers by ${subscription.deliveryMode}, not query` });
      throw dxError('DX_ERR_SUBSCRIPTION_INACTIVE', { details: [{ message: `the subscription is ${subscription ? effectiveStatus(subscription, subscriptions.clock()) : 'gone'}` }] });
    }
    const resourceId = context.subscription.resourceId;
    if (!(await deps.registers.enabled(resourceId))) throw dxError('DX_ERR_REGISTER_NOT_ENABLED');
    return { principal, context, projection: projectionFor(context, subscriptions.secrets), resourceId };
  }

  async function account(query: Target, form: LookupForm, fields: readonly string[], accounting: Accounting, entities: readonly string[]): Promise<void> {
    const hashes = [...new Set(entities.map((entity) => deps.hasher.hash(entity)))];
    const { subscription } = query.context;
    const limit = subscription.queryDistinctPerHour ?? deps.lookupsPerHour;
    const outcome = await deps.accounting.account({ lookup: { resourceId: query.resourceId, subscriptionId: subscription.id, principal: query.principal, form, fields, accounting, entityHashes: hashes }, limit });
    if (outcome.allowed) return;
    const refused = outcome.entities;
    await deps.usage.alert(subscription.id, limit);
    await deps.audit.record({ principal: query.principal, action: 'register.lookup.refused', object: { type: 'subscription', id: subscription.id }, details: { limit, distinct: refused, form } });
    throw dxError('DX_ERR_REGISTER_LOOKUPS_LIMITED', { details: [{ path: 'keys', message: `would make ${refused} distinct entities this hour; the limit is ${limit}` }] });
  }

  const answered = (query: Target, entry: StoredEntry): AnsweredEntry => ({
    key: projectKey(query.projection, entry.key),
    record: projectRecord(query.projection, entry.record),
    updatedAt: entry.updatedAt,
  });

  const keyField = (query: Target) => keyFieldOf(query.context.resource.schemaSubject);
  const delivered = (query: Target) => query.projection.fields.map((entry) => entry.field);

  return {
    lookupsPerHour: deps.lookupsPerHour,

    /** Current records of up to MAX_BATCH keys; a key never there and one deleted both answer `found: false`. */
    async lookup(principal: Principal, subscriptionId: string, input: readonly string[], accounting: Accounting) {
      const query = await target(principal, subscriptionId);
      const { keys, problems } = checkKeys(keyField(query), input.map((value, index) => ({ path: `keys[${index}]`, value })));
      refuse(problems);
      await account(query, 'lookup', delivered(query), accounting, keys);
      const entries = new Map((await deps.registers.entries(query.resourceId, keys)).map((entry) => [entry.key, entry]));
      return keys.map((key) => {
        const entry = entries.get(key);
        return entry ? { found: true as const, ...answered(query, entry) } : { found: false as const, key: projectKey(query.projection, key) };
      });
    },

    /**
     * Per claimed field, whether it matches the current record: never the stored value. A field may be claimed when
     * the subscription reads it, or when its catalogue item is `verifiable`.
     */
    async verify(principal: Principal, subscriptionId: string, input: string, claims: Readonly<Record<string, string>>, accounting: Accounting) {
      const query = await target(principal, subscriptionId);
      const check = checkKey(keyField(query), input);
      const readable = new Set(delivered(query));
      const verifiable = new Set(query.context.resource.items.flatMap((item) => (item.canonicalField !== null && item.verifiable === true ? [item.canonicalField] : [])));
      const problems: ErrorDetail[] = 'problem' in check ? [{ path: 'key', message: check.problem }] : [];
      const fields = Object.keys(claims);
      if (fields.length === 0) problems.push({ path: 'claims', message: 'must name at least one field' });
      for (const field of fields) {
        if (!readable.has(field) && !verifiable.has(field)) problems.push({ path: `claims.${field}`, message: `is neither a field of the subscription nor a verifiable item of resource ${query.context.subscription.resourceCode}` });
      }
      refuse(problems);
      const key = (check as { key: string }).key;
      await account(query, 'verify', fields, accounting, [key]);
      const entry = (await deps.registers.entries(query.resourceId, [key]))[0];
      const verdicts: Record<string, Verdict> = {};
      for (const field of fields) {
        const stored = entry?.record[field];
        verdicts[field] = stored === null || stored === undefined ? 'unknown' : comparable(stored) === comparable(claims[field]) ? 'match' : 'mismatch';
      }
      return { found: entry !== undefined, fields: verdicts };
    },

    /** The valid licences of one holder (e-licence registers), optionally of one licence type. */
    async holder(principal: Principal, subscriptionId: string, holder: { codeType: string; code: string; licenceTypeCode?: string | undefined }, accounting: Accounting) {
      const query = await target(principal, subscriptionId);
      if (keyField(query) !== 'licence_number') throw dxError('DX_ERR_REQUEST_INVALID', { message: 'Holder search is for e-licence registers', details: [{ path: 'holderCode', message: `resource ${query.context.subscription.resourceCode} is not an e-licence register` }] });
      const check = checkKey(holderCodeField(holder.codeType), holder.code);
      if ('problem' in check) refuse([{ path: 'holderCode', message: check.problem }]);
      const code = (check as { key: string }).key;
      await account(query, 'holder', delivered(query), accounting, [code]);
      const today = dateInShanghai(subscriptions.clock());
      const entries = await deps.registers.byHolder(query.resourceId, { codeType: holder.codeType, code, licenceTypeCode: holder.licenceTypeCode });
      return { licences: entries.filter((entry) => isValidLicence(entry.record, today)).map((entry) => answered(query, entry)) };
    },
  };
}

export type QueryService = ReturnType<typeof createQueryService>;
