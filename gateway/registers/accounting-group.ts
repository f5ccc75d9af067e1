import type pg from 'pg';
import type { AuditEntryInput, AuditLog } from '../audit/audit-log.ts';
import type { LookupRecord } from './usage.ts';

/** One query's account: its lookup (entity hashes distinct) and the hourly limit of its subscription. */
export interface AccountingRequest {
  lookup: LookupRecord;
  /** Distinct entities the subscription may look up in the current hour. */
  limit: number;
}

/** Counted and recorded; or refused by the limit, with the distinct entities it would have made, nothing counted. */
export type AccountingOutcome = { allowed: true } | { allowed: false; entities: number };

const WINDOW = "date_trunc('hour', now())";

/**
 * Writes the account of a group of queries in the open transaction of `client`, in their order: each is counted into
 * its subscription's current hour (refused when that would pass its limit), and each counted one gets an audit entry
 * per entity (action `register.lookup`) and its rows in register_lookups. A few statements whatever the group's size.
 *
 * The hour's counter rows of the group's subscriptions are locked first, in the order of their ids (so two instances
 * cannot deadlock), then the audit chain head: queries of one subscription are counted one after the other, within
 * the group here and across groups and instances by the row lock.
 */
export async function accountGroup(client: pg.ClientBase, audit: Pick<AuditLog, 'recordMany'>, requests: readonly AccountingRequest[]): Promise<AccountingOutcome[]> {
  const subscriptions = [...new Set(requests.map((request) => request.lookup.subscriptionId))].sort();
  await client.query(`INSERT INTO register_window_counts (subscription_id, window_start) SELECT s, ${WINDOW} FROM unnest($1::uuid[]) AS s ORDER BY s ON CONFLICT DO NOTHING`, [subscriptions]);
  const { rows: counters } = await client.query<{ subscription: string; entities: number }>(
    `SELECT subscription_id::text AS subscription, entities FROM register_window_counts WHERE subscription_id = ANY($1::uuid[]) AND window_start = ${WINDOW} ORDER BY subscription_id FOR UPDATE`,
    [subscriptions],
  );
  const asked = requests.flatMap((request) => request.lookup.entityHashes.map((hash) => [request.lookup.subscriptionId, hash] as const));
  const { rows: known } = await client.query<{ subscription: string; hash: string }>(
    `SELECT w.subscription_id::text AS subscription, w.entity_hash AS hash FROM register_window_entities w
     JOIN unnest($1::uuid[], $2::text[]) AS u(s, h) ON w.subscription_id = u.s AND w.entity_hash = u.h WHERE w.window_start = ${WINDOW}`,
    [asked.map(([subscription]) => subscription), asked.map(([, hash]) => hash)],
  );
  const counted = new Map(counters.map((row) => [row.subscription, row.entities]));
  const seen = new Map(subscriptions.map((subscription) => [subscription, new Set<string>()]));
  for (const row of known) seen.get(row.subscription)?.add(row.hash);

  const fresh: [string, string][] = [];
  const outcomes = requests.map(({ lookup, limit }): AccountingOutcome => {
    const hour = seen.get(lookup.subscriptionId) as Set<string>;
    const added = lookup.entityHashes.filter((hash) => !hour.has(hash));
    const entities = (counted.get(lookup.subscriptionId) ?? 0) + added.length;
    if (entities > limit) return { allowed: false, entities };
    for (const hash of added) {
      hour.add(hash);
      fresh.push([lookup.subscriptionId, hash]);
    }
    counted.set(lookup.subscriptionId, entities);
    return { allowed: true };
  });
  if (fresh.length > 0) {
    await client.query(`INSERT INTO register_window_entities (subscription_id, window_start, entity_hash) SELECT s, ${WINDOW}, h FROM unnest($1::uuid[], $2::text[]) AS u(s, h)`, [
      fresh.map(([subscription]) => subscription),
      fresh.map(([, hash]) => hash),
    ]);
    await client.query(`UPDATE register_window_counts c SET entities = u.n FROM unnest($1::uuid[], $2::int[]) AS u(s, n) WHERE c.subscription_id = u.s AND c.window_start = ${WINDOW}`, [
      [...counted.keys()],
      [...counted.values()],
    ]);
  }

  const lookups = requests.filter((_, index) => outcomes[index]?.allowed).map((request) => request.lookup);
  const perEntity = lookups.flatMap((lookup) => lookup.entityHashes.map((hash) => ({ lookup, hash })));
  if (perEntity.length === 0) return outcomes;
  const entries = await audit.recordMany(perEntity.map(({ lookup, hash }) => auditInput(lookup, hash)), client);
  const column = <T>(pick: (lookup: LookupRecord, hash: string) => T) => perEntity.map(({ lookup, hash }) => pick(lookup, hash));
  await client.query(
    `INSERT INTO register_lookups (resource_id, subscription_id, integrator_id, entity_hash, form, operator, purpose, case_number, fields, audit_sequence, on_behalf_of)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::bigint[], $11::jsonb[])`,
    [
      column((lookup) => lookup.resourceId),
      column((lookup) => lookup.subscriptionId),
      column((lookup) => lookup.principal.id),
      column((_, hash) => hash),
      column((lookup) => lookup.form),
      column((lookup) => lookup.accounting.operator),
      column((lookup) => lookup.accounting.purpose),
      column((lookup) => lookup.accounting.caseNumber ?? null),
      column((lookup) => JSON.stringify(lookup.fields)),
      entries.map((entry) => entry.sequence),
      column((lookup) => (lookup.accounting.onBehalfOf ? JSON.stringify(lookup.accounting.onBehalfOf) : null)),
    ],
  );
  return outcomes;
}

function auditInput(lookup: LookupRecord, hash: string): AuditEntryInput {
  const { accounting } = lookup;
  return {
    principal: lookup.principal,
    action: 'register.lookup',
    object: { type: 'register-entity', id: hash },
    details: { resourceId: lookup.resourceId, subscriptionId: lookup.subscriptionId, form: lookup.form, operator: accounting.operator, purpose: accounting.purpose, caseNumber: accounting.caseNumber ?? null, fields: lookup.fields, ...(accounting.onBehalfOf ? { federated: accounting.onBehalfOf } : {}) },
  };
}
