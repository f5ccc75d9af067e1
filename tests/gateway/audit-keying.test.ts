import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { loadAuditKey } from '../../gateway/audit/audit-key.ts';
import { canonicalJson } from '../../gateway/audit/canonical-json.ts';
import { ConfigError, loadConfig } from '../../gateway/config.ts';
import { createLogger } from '../../gateway/logger.ts';
import { bearer, buildTestApp } from '../helpers/app.ts';
import { TEST_AUDIT_KEY } from '../helpers/audit-key.ts';
import { ADMIN_DATABASE_URL } from '../helpers/database.ts';
import { TEST_SECRET_KEY } from '../helpers/secret-key.ts';
import { createDepartment } from '../helpers/department.ts';
import { auditRows, tamper, verifyReport } from '../security/audit-helpers.ts';

function folder(t: { teardown(fn: () => unknown): void }): string {
  const path = mkdtempSync(join(tmpdir(), 'dx-audit-key-'));
  t.teardown(() => rmSync(path, { recursive: true, force: true }));
  return path;
}

function capturingLogger() {
  const lines: string[] = [];
  const logger = createLogger('info', new Writable({ write: (chunk: Buffer, _encoding, done) => { lines.push(chunk.toString('utf8')); done(); } }));
  return { logger, lines };
}

t.test('with DATABASE_URL and no audit key the configuration is refused, naming DX_AUDIT_KEY', async (t) => {
  const error = t.throws(() => loadConfig({ DATABASE_URL: ADMIN_DATABASE_URL, DX_SECRET_KEY: TEST_SECRET_KEY })) as ConfigError;
  t.type(error, ConfigError);
  t.match(error.message, /DX_AUDIT_KEY \(or DX_AUDIT_KEY_FILE\) must be set with DATABASE_URL/);
  t.throws(() => loadConfig({ DATABASE_URL: ADMIN_DATABASE_URL, DX_SECRET_KEY: TEST_SECRET_KEY, DX_AUDIT_KEY: TEST_AUDIT_KEY, DX_AUDIT_KEY_FILE: '/run/secrets/audit' }), /set only one/);
  t.throws(() => loadConfig({ DX_AUDIT_KEY: 'too-short' }), /DX_AUDIT_KEY/);
  t.ok(loadConfig({ DATABASE_URL: ADMIN_DATABASE_URL, DX_SECRET_KEY: TEST_SECRET_KEY, DX_AUDIT_KEY: TEST_AUDIT_KEY }));
});

t.test('the server with DATABASE_URL and no audit key exits non-zero before touching the database', async (t) => {
  const result = spawnSync(process.execPath, ['--import=tsx', 'gateway/server.ts'], {
    env: { PATH: process.env.PATH, DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none', KAFKA_BROKERS: '127.0.0.1:1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  t.equal(result.status, 2);
  t.match(result.stderr, /DX_AUDIT_KEY \(or DX_AUDIT_KEY_FILE\) must be set with DATABASE_URL/);
});

t.test('the key is read from DX_AUDIT_KEY_FILE; a missing or short file is refused', async (t) => {
  const dir = folder(t);
  const file = join(dir, 'audit-key');
  writeFileSync(file, `  ${TEST_AUDIT_KEY}\n`);
  const { logger } = capturingLogger();
  const config = (env: Record<string, string>) => loadConfig({ DATABASE_URL: ADMIN_DATABASE_URL, DX_SECRET_KEY: TEST_SECRET_KEY, ...env });
  t.same(loadAuditKey(config({ DX_AUDIT_KEY_FILE: file }), logger), Buffer.from(TEST_AUDIT_KEY), 'surrounding whitespace is ignored');
  t.throws(() => loadAuditKey(config({ DX_AUDIT_KEY_FILE: join(dir, 'absent') }), logger), /DX_AUDIT_KEY_FILE: cannot read/);
  writeFileSync(file, 'short\n');
  t.throws(() => loadAuditKey(config({ DX_AUDIT_KEY_FILE: file }), logger), /at least 32 characters/);
});

t.test('with the embedded database a key is generated into DATA_DIR once, readable by its owner only, with a warning', async (t) => {
  const dataDir = join(folder(t), 'data');
  const { logger, lines } = capturingLogger();
  const config = loadConfig({ DATA_DIR: dataDir });
  const first = loadAuditKey(config, logger);
  const second = loadAuditKey(config, logger);
  t.ok(first.length >= 32);
  t.same(second, first, 'the next start reads the same key');
  t.equal(readFileSync(join(dataDir, 'audit-key'), 'utf8').trim(), first.toString('utf8'));
  t.equal(statSync(join(dataDir, 'audit-key')).mode & 0o777, 0o600);
  t.match(lines.join(''), /DX_AUDIT_KEY unset: the audit chain is keyed with a key kept in DATA_DIR/);
});

t.test('an install with unkeyed entries keeps them verifiable and keys every entry from its next start on', async (t) => {
  const first = await buildTestApp(t);
  let prev = '0'.repeat(64);
  const statements: [string, unknown[]][] = [];
  for (let sequence = 1; sequence <= 3; sequence++) {
    const fields = { sequence, recorded_at: new Date(Date.UTC(2026, 0, sequence)).toISOString(), principal_id: null, principal_kind: 'system', action: 'connector.update', object_type: 'connector', object_id: `c-${sequence}`, details: { changed: ['schedule'] } };
    const hash = createHash('sha256').update(Buffer.from(prev, 'hex')).update(canonicalJson(fields), 'utf8').digest('hex');
    statements.push([
      `INSERT INTO audit_log (sequence, recorded_at, principal_id, principal_kind, action, object_type, object_id, details, chain_version, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10)`,
      [sequence, fields.recorded_at, null, 'system', fields.action, fields.object_type, fields.object_id, JSON.stringify(fields.details), prev, hash],
    ]);
    prev = hash;
  }
  // What an install of the unkeyed version holds after migration 0012: version 1 entries, no keying point.
  await tamper(t, first.databaseUrl, ...statements, ['UPDATE audit_chain_head SET sequence = 3, hash = $1, keyed_from = NULL', [prev]]);

  const restarted = await buildTestApp(t, { instanceOf: first });
  t.match(restarted.logs.join(''), /the entries written so far are unkeyed/);
  const rows = await auditRows(t, first.databaseUrl);
  t.match(rows.at(-1), { sequence: 4, action: 'audit.chain.keyed', chain_version: 2, prev_hash: prev, details: { unkeyedEntries: 3 } });
  await createDepartment(restarted.app, restarted.adminKey, 'GAJ', '公安局');
  const after = await auditRows(t, first.databaseUrl);
  t.ok(after.length > 4);
  t.same(after.map((row) => row.chain_version), [1, 1, 1, ...after.slice(3).map(() => 2)], 'every entry from the keying point on is keyed');
  t.same(await verifyReport(restarted.app, restarted.adminKey), { ok: true, checked: after.length, head: { sequence: after.length, hash: after.at(-1)?.hash } });

  const again = await buildTestApp(t, { instanceOf: first });
  t.equal((await auditRows(t, first.databaseUrl)).length, after.length, 'a chain already keyed gets no second keying entry');
  t.notMatch(again.logs.join(''), /unkeyed/);
});

t.test('a gateway started with another key than the chain was keyed with says so at start, and verify fails', async (t) => {
  const first = await buildTestApp(t);
  await createDepartment(first.app, first.adminKey, 'GAJ', '公安局');
  const other = await buildTestApp(t, { instanceOf: first, env: { DX_AUDIT_KEY: 'another-audit-key-0123456789abcdefghij' } });
  t.match(other.logs.join(''), /DX_AUDIT_KEY does not verify the newest entry/);
  const report = await other.app.inject({ url: '/api/v1/audit/verify', headers: bearer(other.adminKey) });
  t.match(report.json(), { ok: false, firstBrokenAt: { sequence: 1, reason: "hash does not match the entry's fields" } });
});
