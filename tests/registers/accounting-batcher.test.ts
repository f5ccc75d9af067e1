import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import t from 'tap';
import { createAuditLog } from '../../gateway/audit/audit-log.ts';
import type { Db } from '../../gateway/plugins/db.ts';
import type { AccountingRequest } from '../../gateway/registers/accounting-group.ts';
import { createAccountingBatcher } from '../../gateway/registers/accounting-batcher.ts';
import { createMigratedDatabase } from '../helpers/database.ts';
import { TEST_AUDIT_KEY } from '../helpers/audit-key.ts';

const AUDIT_KEY = Buffer.from(TEST_AUDIT_KEY);
const silent = pino({ level: 'silent' });

/** An integrator, a resource and `count` query subscriptions of it, as rows: what the accounting refers to. */
async function subscriptions(db: Db, count: number): Promise<{ integrator: string; resource: string; ids: string[] }> {
  const integrator = (await db.query<{ id: string }>(`INSERT INTO principals (kind, name) VALUES ('integrator', $1) RETURNING id`, [`integrator-${randomBytes(3).toString('hex')}`])).rows[0]?.id as string;
  const resource = (
    await db.query<{ id: string }>(
      `INSERT INTO catalog_resources (code, name, kind, provider_code, provider_name, summary, format, items, sharing, open, update_cycle, publish_date, revision)
       VALUES ($1, 'persons', 'base', 'P', 'provider', 'persons', 'database', '[]', '{}', '{}', 'daily', '2026-12-01', 1) RETURNING id`,
      [`301777/${randomBytes(3).toString('hex')}`],
    )
  ).rows[0]?.id as string;
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO subscriptions (integrator_id, resource_id, sharing_type, purpose, legal_basis, requested_fields, approved_fields, delivery_mode, status)
     SELECT $1, $2, 'unconditional', 'test', 'test', '[]', '[]', 'query', 'active' FROM generate_series(1, $3) RETURNING id`,
    [integrator, resource, count],
  );
  return { integrator, resource, ids: rows.map((row) => row.id) };
}

function request(world: { integrator: string; resource: string }, subscriptionId: string, hashes: string[], limit = 1000, operator = 'clerk-1'): AccountingRequest {
  return {
    lookup: { resourceId: world.resource, subscriptionId, principal: { id: world.integrator, kind: 'integrator' } as never, form: 'lookup', fields: ['name'], accounting: { purpose: 'test', operator }, entityHashes: hashes },
    limit,
  };
}

const hash = (n: number) => n.toString(16).padStart(64, '0');

t.test('queries arriving together are written in one group: their entries in arrival order, consecutive, and the chain verifies', async (t) => {
  const db = await createMigratedDatabase(t);
  const audit = createAuditLog(db, AUDIT_KEY);
  await audit.record({ principal: null, action: 'test.before' });
  const world = await subscriptions(db, 2);
  const batcher = createAccountingBatcher({ db, audit, log: silent });
  const requests = Array.from({ length: 30 }, (_, i) => request(world, world.ids[i % 2] as string, [hash(2 * i), hash(2 * i + 1)], 1000, `clerk-${i}`));
  const outcomes = await Promise.all(requests.map((r) => batcher.account(r)));
  t.ok(outcomes.every((outcome) => outcome.allowed));

  const { rows } = await db.query<{ sequence: string; operator: string; object_id: string; recorded_at: Date }>(
    `SELECT sequence, details->>'operator' AS operator, object_id, recorded_at FROM audit_log WHERE action = 'register.lookup' ORDER BY sequence`,
  );
  t.same(rows.map((row) => Number(row.sequence)), Array.from({ length: 60 }, (_, i) => i + 2), 'consecutive after the entry before');
  t.same(rows.map((row) => [row.operator, row.object_id]), requests.flatMap((r) => r.lookup.entityHashes.map((h) => [r.lookup.accounting.operator, h])), 'in arrival order, each entity in its order');
  t.equal(new Set(rows.map((row) => row.recorded_at.getTime())).size, 1, 'one group: one head read');
  const lookups = await db.query<{ n: number; mismatched: number }>(
    `SELECT count(*)::int AS n, count(*) FILTER (WHERE a.object_id <> l.entity_hash)::int AS mismatched FROM register_lookups l JOIN audit_log a ON a.sequence = l.audit_sequence`,
  );
  t.same(lookups.rows[0], { n: 60, mismatched: 0 }, 'each lookup row names its own audit entry');

  await audit.record({ principal: null, action: 'test.after' });
  const report = await audit.verify(7);
  t.same([report.ok, report.checked], [true, 62]);
});

t.test('a multi-entry append interleaved with single appends of other writers keeps one linear chain that verifies', async (t) => {
  const db = await createMigratedDatabase(t);
  const audit = createAuditLog(db, AUDIT_KEY);
  const writes = Array.from({ length: 12 }, (_, i) =>
    i % 3 === 0
      ? db.transaction((client) => audit.recordMany(Array.from({ length: 25 }, (_, j) => ({ principal: null, action: 'test.group', details: { i, j } })), client))
      : audit.record({ principal: null, action: 'test.single', details: { i } }),
  );
  await Promise.all(writes);
  const report = await audit.verify(10);
  t.same([report.ok, report.checked, report.head.sequence], [true, 4 * 25 + 8, 108]);
  const groups = await db.query<{ i: string; first: string; last: string }>(
    `SELECT details->>'i' AS i, min(sequence)::text AS first, max(sequence)::text AS last FROM audit_log WHERE action = 'test.group' GROUP BY 1`,
  );
  t.ok(groups.rows.every((row) => Number(row.last) - Number(row.first) === 24), 'each group is one unbroken run of entries');
});

t.test('when the group cannot be written, every query of it is refused with 503 and nothing of any of them is recorded', async (t) => {
  const db = await createMigratedDatabase(t);
  const audit = createAuditLog(db, AUDIT_KEY);
  const world = await subscriptions(db, 1);
  const subscription = world.ids[0] as string;
  await db.query(`CREATE FUNCTION refuse_entry() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$`);
  await db.query(`CREATE TRIGGER refuse_entry BEFORE INSERT ON audit_log FOR EACH ROW WHEN (NEW.details->>'operator' = 'clerk-refused') EXECUTE FUNCTION refuse_entry()`);
  const batcher = createAccountingBatcher({ db, audit, log: silent });
  const requests = Array.from({ length: 8 }, (_, i) => request(world, subscription, [hash(i)], 1000, i === 5 ? 'clerk-refused' : `clerk-${i}`));
  const settled = await Promise.allSettled(requests.map((r) => batcher.account(r)));
  t.same(settled.map((s) => s.status), Array(8).fill('rejected'), 'none answered');
  t.ok(settled.every((s) => s.status === 'rejected' && (s.reason as { code?: string }).code === 'DX_ERR_AUDIT_UNAVAILABLE' && (s.reason as { statusCode?: number }).statusCode === 503));
  for (const table of ['audit_log', 'register_lookups', 'register_window_entities']) {
    t.equal((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n, 0, `nothing in ${table}`);
  }
  t.equal((await db.query<{ n: number }>('SELECT coalesce(sum(entities), 0)::int AS n FROM register_window_counts')).rows[0]?.n, 0, 'nothing counted');

  const after = await batcher.account(request(world, subscription, [hash(100)]));
  t.same(after, { allowed: true }, 'the next group is written');
});

t.test('within one group, queries of one subscription are counted one after the other against its hourly limit', async (t) => {
  const db = await createMigratedDatabase(t);
  const audit = createAuditLog(db, AUDIT_KEY);
  const world = await subscriptions(db, 2);
  const [limited, other] = world.ids as [string, string];
  const batcher = createAccountingBatcher({ db, audit, log: silent });
  const outcomes = await Promise.all([
    batcher.account(request(world, limited, [hash(1), hash(2)], 3)),
    batcher.account(request(world, limited, [hash(2), hash(3)], 3)),
    batcher.account(request(world, other, [hash(4), hash(5), hash(6)], 3)),
    batcher.account(request(world, limited, [hash(4)], 3)),
    batcher.account(request(world, limited, [hash(1)], 3)),
  ]);
  t.same(outcomes, [{ allowed: true }, { allowed: true }, { allowed: true }, { allowed: false, entities: 4 }, { allowed: true }]);
  const counts = await db.query<{ id: string; entities: number }>('SELECT subscription_id::text AS id, entities FROM register_window_counts');
  t.same(Object.fromEntries(counts.rows.map((row) => [row.id, row.entities])), { [limited]: 3, [other]: 3 });
  t.equal((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM register_lookups WHERE subscription_id = $1`, [limited])).rows[0]?.n, 5, 'the refused query recorded nothing');
});

t.test('two instances accounting at once for one subscription never pass its limit together', async (t) => {
  const db = await createMigratedDatabase(t);
  const world = await subscriptions(db, 1);
  const subscription = world.ids[0] as string;
  const instances = [0, 1].map(() => createAccountingBatcher({ db, audit: createAuditLog(db, AUDIT_KEY), log: silent, maxEntries: 4 }));
  const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => (instances[i % 2] as (typeof instances)[number]).account(request(world, subscription, [hash(i)], 25))));
  t.equal(outcomes.filter((outcome) => outcome.allowed).length, 25, 'exactly the limit allowed');
  t.equal((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM register_window_entities')).rows[0]?.n, 25);
  t.equal((await createAuditLog(db, AUDIT_KEY).verify()).ok, true);
});

t.test('the chain head advances by several entries only onto an entry of the log with its hash, and never moves back', async (t) => {
  const db = await createMigratedDatabase(t);
  const audit = createAuditLog(db, AUDIT_KEY);
  const [first, , third] = await db.transaction((client) => audit.recordMany([1, 2, 3].map((n) => ({ principal: null, action: 'test.group', details: { n } })), client));
  await t.rejects(db.query('UPDATE audit_chain_head SET sequence = 5'), /only advances/, 'not past the last entry');
  await t.rejects(db.query('UPDATE audit_chain_head SET sequence = 1, hash = $1', [first?.hash]), /only advances/, 'not back');
  await t.rejects(db.query(`INSERT INTO audit_log (sequence, recorded_at, principal_kind, action, details, chain_version, prev_hash, hash) VALUES (4, now(), 'system', 'forged', '{}', 2, $1, 'f'), (5, now(), 'system', 'forged', '{}', 2, 'f', 'g')`, [third?.hash]).then(() => db.query("UPDATE audit_chain_head SET sequence = 5, hash = 'other'")), /only advances/, 'not onto an entry under another hash');
  t.equal((await audit.head()).sequence, 3);
});
