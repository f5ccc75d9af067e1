import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { canonicalJson } from '../../gateway/audit/canonical-json.ts';
import { projectPath } from '../../project-root.ts';
import { bearer, buildTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_AUDIT_KEY } from '../helpers/audit-key.ts';
import { createDepartment, createIntegrator } from '../helpers/department.ts';
import { exportText, tamper, type ExportLine } from './audit-helpers.ts';

const run = promisify(execFile);

/** The script of docs/audit-recipe.md, exactly as the page shows it. */
function recipe(): string {
  const page = readFileSync(projectPath('docs', 'audit-recipe.md'), 'utf8');
  const block = /<!-- audit-recipe:begin -->\n```js\n([\s\S]*?)```\n<!-- audit-recipe:end -->/.exec(page);
  if (!block?.[1]) throw new Error('docs/audit-recipe.md has no audit-recipe block');
  return block[1];
}

interface Outcome {
  code: number;
  output: string;
}

/** Runs the recipe with Node on `text` saved as a file, as an auditor would. */
async function verifyWithRecipe(t: { teardown(fn: () => unknown): void }, text: string, key = TEST_AUDIT_KEY, previousKeys?: string): Promise<Outcome> {
  const folder = mkdtempSync(join(tmpdir(), 'dx-audit-recipe-'));
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));
  writeFileSync(join(folder, 'verify-audit-export.mjs'), recipe());
  writeFileSync(join(folder, 'audit.ndjson'), text);
  try {
    const { stdout } = await run(process.execPath, ['verify-audit-export.mjs', 'audit.ndjson'], { cwd: folder, env: { PATH: process.env.PATH ?? '', AUDIT_KEY: key, ...(previousKeys === undefined ? {} : { AUDIT_KEY_PREVIOUS: previousKeys }) } });
    return { code: 0, output: stdout };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: `${failed.stdout}${failed.stderr}` };
  }
}

async function appWithHistory(t: Parameters<typeof buildTestApp>[0]): Promise<TestApp> {
  const testApp = await buildTestApp(t);
  await createDepartment(testApp.app, testApp.adminKey, 'GAJ', '公安局');
  await createIntegrator(testApp.app, testApp.adminKey, '一网通办');
  await createDepartment(testApp.app, testApp.adminKey, 'MZJ', '民政局');
  return testApp;
}

const lines = (text: string) => text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
const ndjson = (items: unknown[]) => items.map((item) => `${JSON.stringify(item)}\n`).join('');

t.test('the recipe of docs/audit-recipe.md verifies a real export of the gateway', async (t) => {
  const { app, adminKey } = await appWithHistory(t);
  const text = await exportText(app, adminKey);
  const exported = lines(text);
  const head = exported.at(-1);
  t.ok(exported.length > 4, 'the export holds the entries and a head line');
  t.same(Object.keys(head), ['head', 'next']);
  t.equal(head.next, null);
  t.equal(exported.at(-2).action, 'audit.export', 'the export holds the record of itself');
  const outcome = await verifyWithRecipe(t, text);
  t.equal(outcome.code, 0, outcome.output);
  t.match(outcome.output, new RegExp(`^OK: ${head.head.sequence} entries`));
});

t.test('the recipe refuses an export with an entry changed, dropped, swapped or cut off, or checked with another key', async (t) => {
  const { app, adminKey } = await appWithHistory(t);
  const exported = lines(await exportText(app, adminKey));
  const head = exported.pop();
  const entries = exported as ExportLine[];
  const changed = entries.map((entry, index) => (index === 1 ? { ...entry, details: { ...entry.details, name: '伪造' } } : entry));
  const unkeyed = entries.map((entry, index) => {
    if (index !== entries.length - 1) return entry;
    const { chain_version: _version, prev_hash: prevHash, hash: _hash, ...fields } = { ...entry, action: 'principal.read' };
    const forged = createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(canonicalJson(fields), 'utf8').digest('hex');
    return { ...fields, chain_version: 1, prev_hash: prevHash, hash: forged };
  });
  const cases: [string, unknown[], RegExp, string?][] = [
    ['a changed entry', [...changed, head], /BROKEN at entry 2: hash does not match/],
    ['an entry rewritten as unkeyed', [...unkeyed, head], new RegExp(`BROKEN at entry ${entries.length}: an unkeyed entry after a keyed one`)],
    ['a dropped entry', [...entries.filter((_, index) => index !== 2), head], /BROKEN at entry 3: missing or out of order/],
    ['two swapped entries', [entries[0], entries[2], entries[1], ...entries.slice(3), head], /BROKEN at entry 2: missing or out of order/],
    ['entries cut off the end', [...entries.slice(0, -2), head], /the export ends at \d+, the chain head is \d+/],
    ['no head line', entries, /no head line/],
    ['another key', [...entries, head], /BROKEN at entry 1: hash does not match/, 'another-audit-key-0123456789abcdefghijkl'],
  ];
  for (const [what, items, reason, key] of cases) {
    const outcome = await verifyWithRecipe(t, ndjson(items), key);
    t.equal(outcome.code, 1, `${what}: refused`);
    t.match(outcome.output, reason, what);
  }
});

t.test('after a key rotation the recipe verifies the export with the new key and the former one, and not without the former', async (t) => {
  const first = await appWithHistory(t);
  const newKey = 'rotated-audit-key-0123456789abcdefghijklmn';
  const rotated = await buildTestApp(t, { instanceOf: first, env: { DX_AUDIT_KEY: newKey, DX_AUDIT_KEY_PREVIOUS: TEST_AUDIT_KEY } });
  await createDepartment(rotated.app, rotated.adminKey, 'SWJ', '税务局');
  const text = await exportText(rotated.app, rotated.adminKey);
  t.ok(lines(text).some((entry) => entry.action === 'audit.chain.rotated'), 'the export holds the rotation point');
  const outcome = await verifyWithRecipe(t, text, newKey, TEST_AUDIT_KEY);
  t.equal(outcome.code, 0, outcome.output);
  const without = await verifyWithRecipe(t, text, newKey);
  t.equal(without.code, 1);
  t.match(without.output, /BROKEN at entry 1: keyed with key [0-9a-f]{16}, which is neither AUDIT_KEY nor in AUDIT_KEY_PREVIOUS/);
  const oldOnly = await verifyWithRecipe(t, text, TEST_AUDIT_KEY);
  t.equal(oldOnly.code, 1, 'the former key alone does not verify what the new one made');
});

t.test('an entry altered in the database shows as broken in the next export', async (t) => {
  const { app, adminKey, databaseUrl } = await appWithHistory(t);
  await tamper(t, databaseUrl, `UPDATE audit_log SET details = jsonb_set(details, '{name}', '"改过的名字"') WHERE sequence = 2`);
  const outcome = await verifyWithRecipe(t, await exportText(app, adminKey));
  t.equal(outcome.code, 1);
  t.match(outcome.output, /BROKEN at entry 2: hash does not match/);
});

t.test('the export pages by sequence: after and limit cut it, next continues it', async (t) => {
  const { app, adminKey } = await appWithHistory(t);
  const first = lines(await exportText(app, adminKey, '?after=1&limit=2'));
  t.same(first.slice(0, -1).map((entry) => entry.sequence), [2, 3]);
  t.equal(first.at(-1).next, 3);
  const rest = lines(await exportText(app, adminKey, `?after=${first.at(-1).next}`));
  t.equal(rest[0].sequence, 4);
  t.equal(rest[0].prev_hash, first[1].hash, 'the next page links to the last entry of the one before');
  t.equal(rest.at(-1).next, null);
  const bad = await app.inject({ url: '/api/v1/audit/export?after=-1', headers: bearer(adminKey) });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().message, /after/);
});

t.test('only the data office may export the log', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'GAJ', '公安局');
  const integrator = await createIntegrator(app, adminKey, '一网通办');
  t.equal((await app.inject({ url: '/api/v1/audit/export', headers: bearer(department.key) })).statusCode, 403);
  t.equal((await app.inject({ url: '/api/v1/audit/export', headers: bearer(integrator.key) })).statusCode, 403);
  t.equal((await app.inject({ url: '/api/v1/audit/export' })).statusCode, 401);
});
