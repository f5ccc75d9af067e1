import t from 'tap';
import { auditKeyId, entryHash, KEYED } from '../../gateway/audit/chain.ts';
import { loadConfig } from '../../gateway/config.ts';
import { bearer, buildTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_AUDIT_KEY } from '../helpers/audit-key.ts';
import { createDepartment } from '../helpers/department.ts';
import { auditRows, tamper, verifyReport } from '../security/audit-helpers.ts';

const OLD_KEY = TEST_AUDIT_KEY;
const NEW_KEY = 'rotated-audit-key-0123456789abcdefghijklmn';
const ROTATED_ENV = { DX_AUDIT_KEY: NEW_KEY, DX_AUDIT_KEY_PREVIOUS: `unused-former-key-0123456789abcdefghijkl,${OLD_KEY}` };

/** A gateway that wrote entries under the old key, and a second instance on its database started with the new one. */
async function rotated(t: Parameters<typeof buildTestApp>[0]): Promise<{ first: TestApp; second: TestApp; rotationAt: number }> {
  const first = await buildTestApp(t);
  await createDepartment(first.app, first.adminKey, 'GAJ', '公安局');
  const before = await auditRows(t, first.databaseUrl);
  const second = await buildTestApp(t, { instanceOf: first, env: ROTATED_ENV });
  return { first, second, rotationAt: before.length + 1 };
}

t.test('a start with a new DX_AUDIT_KEY and the old one in DX_AUDIT_KEY_PREVIOUS records the rotation point under the new key', async (t) => {
  const { first, second, rotationAt } = await rotated(t);
  t.match(second.logs.join(''), /audit chain: rotated to the new DX_AUDIT_KEY/);
  t.notMatch(second.logs.join(''), /does not verify the newest entry/);
  const rows = await auditRows(t, first.databaseUrl);
  const rotation = rows.at(-1);
  t.match(rotation, { sequence: rotationAt, action: 'audit.chain.rotated', chain_version: 2, details: { previousKeyId: auditKeyId(Buffer.from(OLD_KEY)), keyId: auditKeyId(Buffer.from(NEW_KEY)) } });
  const { chain_version: _version, prev_hash: prevHash, hash, ...fields } = rotation!;
  t.equal(entryHash(KEYED, Buffer.from(NEW_KEY), prevHash, fields), hash, 'the rotation entry is the first made with the new key');
  t.notMatch(JSON.stringify(rows), new RegExp(`${OLD_KEY}|${NEW_KEY}`), 'no key is written to the log');

  await createDepartment(second.app, second.adminKey, 'MZJ', '民政局');
  const after = await auditRows(t, first.databaseUrl);
  const last = after.at(-1)!;
  const { chain_version: _v, prev_hash: lastPrev, hash: lastHash, ...lastFields } = last;
  t.equal(entryHash(KEYED, Buffer.from(NEW_KEY), lastPrev, lastFields), lastHash, 'later entries use the new key');
  t.same(await verifyReport(second.app, second.adminKey), { ok: true, checked: after.length, head: { sequence: after.length, hash: lastHash } }, 'entries before the point verify with the previous key, after it with the new one');

  const third = await buildTestApp(t, { instanceOf: first, env: ROTATED_ENV });
  t.equal((await auditRows(t, first.databaseUrl)).length, after.length, 'a chain already rotated to the key gets no second rotation entry');
  t.notMatch(third.logs.join(''), /rotated to the new/);
});

t.test('an instance still running with the previous key after the rotation refuses to append instead of breaking the chain', async (t) => {
  const { first, second } = await rotated(t);
  const refused = await first.app.inject({ method: 'POST', url: '/api/v1/principals', headers: bearer(first.adminKey), payload: { kind: 'department', name: '民政局', departmentCode: 'MZJ' } });
  t.equal(refused.statusCode, 503);
  t.equal(refused.json().code, 'DX_ERR_AUDIT_UNAVAILABLE');
  t.match(first.logs.join(''), /appended with key [0-9a-f]{16} since a rotation/);
  t.equal((await verifyReport(second.app, second.adminKey)).ok, true);
});

t.test('without the previous key, the entries made with it do not verify, and verify names the missing key', async (t) => {
  const { first } = await rotated(t);
  const withoutPrevious = await buildTestApp(t, { instanceOf: first, env: { DX_AUDIT_KEY: NEW_KEY } });
  t.match(await verifyReport(withoutPrevious.app, withoutPrevious.adminKey), {
    ok: false,
    firstBrokenAt: { sequence: 1, reason: `the entry is keyed with key ${auditKeyId(Buffer.from(OLD_KEY))}, which is neither DX_AUDIT_KEY nor one of DX_AUDIT_KEY_PREVIOUS` },
  });
});

t.test('a holder of the previous key cannot rotate the chain back to it and write on, nor rewrite an entry after the rotation point', async (t) => {
  const { first, second } = await rotated(t);
  const rows = await auditRows(t, first.databaseUrl);
  const head = rows.at(-1)!;
  const oldKey = Buffer.from(OLD_KEY);
  const forged = { sequence: head.sequence + 1, recorded_at: new Date().toISOString(), principal_id: null, principal_kind: 'system', action: 'audit.chain.rotated', object_type: null, object_id: null, details: { previousKeyId: auditKeyId(Buffer.from(NEW_KEY)), keyId: auditKeyId(oldKey) } };
  const forgedHash = entryHash(KEYED, oldKey, head.hash, forged);
  await tamper(
    t,
    first.databaseUrl,
    [
      `INSERT INTO audit_log (sequence, recorded_at, principal_id, principal_kind, action, object_type, object_id, details, chain_version, prev_hash, hash) VALUES ($1, $2, NULL, 'system', $3, NULL, NULL, $4, 2, $5, $6)`,
      [forged.sequence, forged.recorded_at, forged.action, JSON.stringify(forged.details), head.hash, forgedHash],
    ],
    ['UPDATE audit_chain_head SET sequence = $1, hash = $2', [forged.sequence, forgedHash]],
  );
  t.match(await verifyReport(second.app, second.adminKey), { ok: false, firstBrokenAt: { sequence: forged.sequence, reason: /the newest entries are keyed with [0-9a-f]{16}, not with DX_AUDIT_KEY/ } });

  const other = await rotated(t);
  await createDepartment(other.second.app, other.second.adminKey, 'MZJ', '民政局');
  const target = (await auditRows(t, other.first.databaseUrl)).find((row) => row.sequence === other.rotationAt + 1)!;
  const { chain_version: _version, prev_hash: prevHash, hash: _hash, ...fields } = target;
  const rewritten = { ...fields, details: { ...fields.details, name: '伪造' } };
  await tamper(t, other.first.databaseUrl, ['UPDATE audit_log SET details = $1, hash = $2 WHERE sequence = $3', [JSON.stringify(rewritten.details), entryHash(KEYED, oldKey, prevHash, rewritten), target.sequence]]);
  t.match(
    await verifyReport(other.second.app, other.second.adminKey),
    { ok: false, firstBrokenAt: { sequence: other.rotationAt + 1, reason: "hash does not match the entry's fields" } },
    'an entry after the rotation point rewritten with the previous key is found',
  );
});

t.test('DX_AUDIT_KEY_PREVIOUS takes comma-separated keys of 32 characters or more', async (t) => {
  t.ok(loadConfig({ DX_AUDIT_KEY: NEW_KEY, DX_AUDIT_KEY_PREVIOUS: ROTATED_ENV.DX_AUDIT_KEY_PREVIOUS }));
  t.throws(() => loadConfig({ DX_AUDIT_KEY: NEW_KEY, DX_AUDIT_KEY_PREVIOUS: 'short' }), /DX_AUDIT_KEY_PREVIOUS/);
});
