import { createHash, createHmac } from 'node:crypto';
import t from 'tap';
import { canonicalJson } from '../../gateway/audit/canonical-json.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_AUDIT_KEY } from '../helpers/audit-key.ts';
import { createDepartment } from '../helpers/department.ts';
import { auditRows, tamper, verifyReport, type ExportLine } from './audit-helpers.ts';

/** A gateway whose log holds `count` entries, made through the API (one department each). */
async function appWithEntries(t: Parameters<typeof buildTestApp>[0], count: number): Promise<TestApp> {
  const testApp = await buildTestApp(t);
  for (let i = 0; i < count; i++) await createDepartment(testApp.app, testApp.adminKey, `D${String(i).padStart(2, '0')}`, `部门${i}`);
  return testApp;
}

const fieldsOf = ({ chain_version: _version, prev_hash: _prev, hash: _hash, ...fields }: ExportLine) => fields;
const sha256 = (prevHash: string, entry: ExportLine) => createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(canonicalJson(fieldsOf(entry)), 'utf8').digest('hex');
const hmac = (key: string, prevHash: string, entry: ExportLine) => createHmac('sha256', key).update(Buffer.from(prevHash, 'hex')).update(canonicalJson(fieldsOf(entry)), 'utf8').digest('hex');

t.test('a row altered in the database, with its hash recomputed without the key, is reported by verify', async (t) => {
  const { app, adminKey, databaseUrl } = await appWithEntries(t, 5);
  const rows = await auditRows(t, databaseUrl);
  const target = rows[2] as ExportLine;
  const altered = { ...target, details: { ...target.details, name: '伪造的部门' } };
  for (const [how, forged] of [['SHA-256', sha256(target.prev_hash, altered)], ['another key', hmac('an-insiders-guess-at-the-key-0123456789', target.prev_hash, altered)]] as const) {
    await tamper(t, databaseUrl, [`UPDATE audit_log SET details = $1, hash = $2 WHERE sequence = 3`, [JSON.stringify(altered.details), forged]]);
    t.same((await verifyReport(app, adminKey)).firstBrokenAt, { sequence: 3, reason: "hash does not match the entry's fields" }, how);
  }
});

t.test('a row inserted beyond the chain head is reported by verify, even with a correct link and key', async (t) => {
  const { app, adminKey, databaseUrl } = await appWithEntries(t, 3);
  const rows = await auditRows(t, databaseUrl);
  const last = rows.at(-1) as ExportLine;
  const extra = { ...last, sequence: last.sequence + 1, action: 'principal.create', details: { name: '幽灵部门' } };
  await tamper(t, databaseUrl, [
    `INSERT INTO audit_log (sequence, recorded_at, principal_id, principal_kind, action, object_type, object_id, details, chain_version, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 2, $9, $10)`,
    [extra.sequence, extra.recorded_at, extra.principal_id, extra.principal_kind, extra.action, extra.object_type, extra.object_id, JSON.stringify(extra.details), last.hash, hmac(TEST_AUDIT_KEY, last.hash, extra)],
  ]);
  const report = await verifyReport(app, adminKey);
  t.equal(report.ok, false);
  t.same(report.firstBrokenAt, { sequence: extra.sequence, reason: `entry ${extra.sequence} lies beyond the chain head (${last.sequence})` });
});

t.test('a chain rewritten as unkeyed entries, head and keying point moved to match, is reported by verify', async (t) => {
  const { app, adminKey, databaseUrl } = await appWithEntries(t, 4);
  const rows = await auditRows(t, databaseUrl);
  let prev = '0'.repeat(64);
  const statements: [string, unknown[]][] = [];
  for (const row of rows) {
    const hash = sha256(prev, row);
    statements.push(['UPDATE audit_log SET chain_version = 1, prev_hash = $1, hash = $2 WHERE sequence = $3', [prev, hash, row.sequence]]);
    prev = hash;
  }
  for (const keyedFrom of [null, rows.length + 1]) {
    await tamper(t, databaseUrl, ...statements, ['UPDATE audit_chain_head SET hash = $1, keyed_from = $2', [prev, keyedFrom]]);
    const report = await verifyReport(app, adminKey);
    t.equal(report.ok, false, `keyed_from ${keyedFrom}`);
    t.same(report.firstBrokenAt, { sequence: rows.length, reason: 'the newest entry is not keyed: the chain can have been recomputed without the key' });
  }
  await tamper(t, databaseUrl, ['UPDATE audit_chain_head SET keyed_from = 1', []]);
  t.same((await verifyReport(app, adminKey)).firstBrokenAt, { sequence: 1, reason: 'the entry is not keyed, though the chain is keyed from entry 1' });
});

t.test('a gap and a reordering made in the database are reported by verify', async (t) => {
  const { app, adminKey, databaseUrl } = await appWithEntries(t, 6);
  await tamper(t, databaseUrl, 'UPDATE audit_log SET sequence = 100 WHERE sequence = 2', 'UPDATE audit_log SET sequence = 2 WHERE sequence = 3', 'UPDATE audit_log SET sequence = 3 WHERE sequence = 100');
  t.same((await verifyReport(app, adminKey)).firstBrokenAt, { sequence: 2, reason: 'prev_hash is not the hash of the entry before' }, 'reordered');
  await tamper(t, databaseUrl, 'DELETE FROM audit_log WHERE sequence = 2');
  t.match((await verifyReport(app, adminKey)).firstBrokenAt, { sequence: 2, reason: /entry 2 is missing/ }, 'a gap');
});
