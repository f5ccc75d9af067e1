import { createHmac } from 'node:crypto';
import pg from 'pg';
import t from 'tap';
import { createAuditLog } from '../../gateway/audit/audit-log.ts';
import { canonicalJson } from '../../gateway/audit/canonical-json.ts';
import { createDb } from '../../gateway/plugins/db.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_AUDIT_KEY } from '../helpers/audit-key.ts';

interface Teardown {
  teardown(fn: () => unknown): void;
}

const OFFICE = { id: '7b0c4a52-3f7e-4d57-9a51-2b5f0d3c9e11', kind: 'office' as const };

async function appWithEntries(t: Teardown, count: number): Promise<TestApp> {
  const testApp = await buildTestApp(t);
  for (let i = 0; i < count; i++) {
    await testApp.app.audit.record({ principal: OFFICE, action: 'connector.update', object: { type: 'connector', id: `c-${i}` }, details: { changed: ['schedule'], run: i } });
  }
  return testApp;
}

/** A superuser session with triggers off: what someone with direct database access can do. */
async function tamper(t: Teardown, databaseUrl: string, ...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  t.teardown(() => client.end());
  await client.query('SET session_replication_role = replica');
  for (const statement of statements) await client.query(statement);
}

t.test('canonical JSON follows the RFC 8785 examples for numbers, strings, literals and member order', async (t) => {
  const input = JSON.parse('{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}');
  t.equal(canonicalJson(input), '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  const sorted = canonicalJson({ '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' });
  // Object.keys would put the integer-like "1" first, so read the member names off the text.
  t.same([...sorted.matchAll(/"([^"]*)":/g)].map((match) => JSON.parse(`"${match[1]}"`)), ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
  t.equal(canonicalJson({ b: undefined, a: [undefined] }), '{"a":[null]}');
  t.throws(() => canonicalJson({ n: Number.NaN }));
});

t.test('verify reports ok on an untouched chain, across several chunks', async (t) => {
  const { app } = await appWithEntries(t, 23);
  const report = await app.audit.verify(5);
  t.equal(report.ok, true);
  t.equal(report.checked, 23);
  t.equal(report.head.sequence, 23);
  t.equal(report.firstBrokenAt, undefined);
});

t.test('verify reports ok on an empty log', async (t) => {
  const { app } = await buildTestApp(t);
  t.same(await app.audit.verify(), { ok: true, checked: 0, head: { sequence: 0, hash: '0'.repeat(64) } });
});

t.test('an entry hash can be recomputed from its row with the audit key, as documented', async (t) => {
  const { app, databaseUrl } = await appWithEntries(t, 3);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  t.teardown(() => client.end());
  const { rows } = await client.query(
    `SELECT sequence::int AS sequence, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at,
            principal_id, principal_kind, action, object_type, object_id, details, chain_version, prev_hash, hash
       FROM audit_log ORDER BY sequence`,
  );
  let prev = '0'.repeat(64);
  for (const row of rows) {
    const { prev_hash: prevHash, hash, chain_version: version, ...fields } = row;
    t.equal(prevHash, prev, `entry ${row.sequence} links to the one before`);
    t.equal(version, 2, 'a new entry is keyed');
    const recomputed = createHmac('sha256', TEST_AUDIT_KEY).update(Buffer.from(prevHash, 'hex')).update(canonicalJson(fields), 'utf8').digest('hex');
    t.equal(recomputed, hash, `entry ${row.sequence} hash recomputes`);
    prev = hash;
  }
  t.equal(rows.length, 3);
  t.equal((await app.audit.verify()).ok, true);
});

t.test('the database refuses to update, delete or truncate audit entries', async (t) => {
  const { databaseUrl } = await appWithEntries(t, 2);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  t.teardown(() => client.end());
  await t.rejects(client.query(`UPDATE audit_log SET details = '{"changed":[]}' WHERE sequence = 1`), /append-only/);
  await t.rejects(client.query('DELETE FROM audit_log WHERE sequence = 2'), /append-only/);
  await t.rejects(client.query('TRUNCATE audit_log'), /append-only/);
  await t.rejects(client.query('UPDATE audit_chain_head SET sequence = 1'), /only advances/);
  t.equal((await client.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n, 2);
});

t.test("editing an entry's details directly in PostgreSQL is reported at that entry", async (t) => {
  const { app, databaseUrl } = await appWithEntries(t, 10);
  await tamper(t, databaseUrl, `UPDATE audit_log SET details = jsonb_set(details, '{run}', '99') WHERE sequence = 6`);
  const report = await app.audit.verify(4);
  t.equal(report.ok, false);
  t.equal(report.checked, 5);
  t.same(report.firstBrokenAt, { sequence: 6, reason: "hash does not match the entry's fields" });
});

t.test('an edited entry whose hash was recomputed with the key breaks the link of the entry after it', async (t) => {
  const { app, databaseUrl } = await appWithEntries(t, 10);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  t.teardown(() => client.end());
  const row = (await client.query('SELECT * FROM audit_log WHERE sequence = 4')).rows[0];
  const fields = {
    sequence: 4, recorded_at: row.recorded_at.toISOString(), principal_id: row.principal_id, principal_kind: row.principal_kind,
    action: 'connector.pause', object_type: row.object_type, object_id: row.object_id, details: row.details,
  };
  const forged = createHmac('sha256', TEST_AUDIT_KEY).update(Buffer.from(row.prev_hash, 'hex')).update(canonicalJson(fields), 'utf8').digest('hex');
  await tamper(t, databaseUrl, `UPDATE audit_log SET action = 'connector.pause', hash = '${forged}' WHERE sequence = 4`);
  const report = await app.audit.verify();
  t.same(report.firstBrokenAt, { sequence: 5, reason: 'prev_hash is not the hash of the entry before' });
});

t.test('deleting an entry directly in PostgreSQL is reported as the missing sequence', async (t) => {
  const { app, databaseUrl } = await appWithEntries(t, 10);
  await tamper(t, databaseUrl, 'DELETE FROM audit_log WHERE sequence = 7');
  const report = await app.audit.verify(3);
  t.equal(report.ok, false);
  t.equal(report.checked, 6);
  t.equal(report.firstBrokenAt?.sequence, 7);
  t.match(report.firstBrokenAt?.reason, /entry 7 is missing/);
});

t.test('deleting an entry and renumbering the rest is reported at the renumbered entry', async (t) => {
  const { app, databaseUrl } = await appWithEntries(t, 6);
  await tamper(t, databaseUrl, 'DELETE FROM audit_log WHERE sequence = 3', 'UPDATE audit_log SET sequence = sequence - 1 WHERE sequence > 3');
  const report = await app.audit.verify();
  t.equal(report.firstBrokenAt?.sequence, 3);
  t.equal(report.firstBrokenAt?.reason, 'prev_hash is not the hash of the entry before');
});

t.test('deleting the last entries is reported against the chain head', async (t) => {
  const { app, databaseUrl } = await appWithEntries(t, 8);
  await tamper(t, databaseUrl, 'DELETE FROM audit_log WHERE sequence >= 7');
  const report = await app.audit.verify();
  t.equal(report.ok, false);
  t.equal(report.checked, 6);
  t.equal(report.firstBrokenAt?.sequence, 7);
  t.match(report.firstBrokenAt?.reason, /entries 7 to 8 are missing from the end/);
});

t.test('swapping two entries directly in PostgreSQL is reported at the first of them', async (t) => {
  const { app, databaseUrl } = await appWithEntries(t, 10);
  await tamper(
    t,
    databaseUrl,
    'UPDATE audit_log SET sequence = 1000 WHERE sequence = 4',
    'UPDATE audit_log SET sequence = 4 WHERE sequence = 8',
    'UPDATE audit_log SET sequence = 8 WHERE sequence = 1000',
  );
  const report = await app.audit.verify();
  t.equal(report.ok, false);
  t.equal(report.checked, 3);
  t.equal(report.firstBrokenAt?.sequence, 4);
});

t.test('swapping the contents of two adjacent entries is reported at the first of them', async (t) => {
  const { app, databaseUrl } = await appWithEntries(t, 6);
  await tamper(
    t,
    databaseUrl,
    `UPDATE audit_log a SET details = b.details, object_id = b.object_id FROM audit_log b
      WHERE (a.sequence, b.sequence) IN ((2, 3), (3, 2))`,
  );
  const report = await app.audit.verify();
  t.same(report.firstBrokenAt, { sequence: 2, reason: "hash does not match the entry's fields" });
});

t.test('concurrent appends from several connections and two instances keep the chain linear and valid', async (t) => {
  const { app, databaseUrl } = await buildTestApp(t);
  const other = createDb({ url: databaseUrl, poolSize: 8 });
  t.teardown(() => other.pool.end());
  const secondInstance = createAuditLog(other, Buffer.from(TEST_AUDIT_KEY));
  const appends = Array.from({ length: 50 }, (_, i) => {
    const log = i % 2 === 0 ? app.audit : secondInstance;
    return log.record({ principal: OFFICE, action: 'ingest.push', object: { type: 'connector', id: `c-${i % 5}` }, details: { accepted: i, rejected: 0 } });
  });
  const entries = await Promise.all(appends);
  t.same(entries.map((entry) => entry.sequence).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1), 'every entry got its own sequence');
  const report = await app.audit.verify(7);
  t.equal(report.ok, true);
  t.equal(report.checked, 50);
});

t.test("an entry written in the caller's transaction disappears with its rollback and the chain stays valid", async (t) => {
  const { app } = await appWithEntries(t, 2);
  await t.rejects(
    app.db.transaction(async (client) => {
      await app.audit.record({ principal: OFFICE, action: 'principal.create', object: { type: 'principal', id: 'p-1' } }, client);
      throw new Error('the change failed');
    }),
    /the change failed/,
  );
  const committed = await app.db.transaction((client) => app.audit.record({ principal: OFFICE, action: 'principal.create', object: { type: 'principal', id: 'p-2' } }, client));
  t.equal(committed.sequence, 3);
  t.same(await app.audit.verify(), { ok: true, checked: 3, head: { sequence: 3, hash: committed.hash } });
});
