import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { waitFor } from '../helpers/dedicated-kafka.ts';
import { companiesCsv, registeredDrop, setupDrops, testDrop } from './file-drop-setup.ts';

const reasonOf = (folder: string, name: string) => readFileSync(join(folder, 'failed', `${name}.reason.txt`), 'utf8');

t.test('a file link x.csv -> /etc/passwd is not read: the test answer holds none of it and the link goes to failed/ with a reason', async (t) => {
  const { app, b } = await setupDrops(t);
  symlinkSync('/etc/passwd', join(b.folder, 'x.csv'));
  const id = await registeredDrop(t, app, b.key, { directory: b.folder });
  const answer = await testDrop(app, b.key, id);
  t.same(answer.records, []);
  t.notMatch(JSON.stringify(answer), /root:|\/bin\/(ba)?sh|nologin/);
  t.ok(lstatSync(join(b.folder, 'failed', 'x.csv')).isSymbolicLink(), 'the link itself was moved, not what it points to');
  t.match(reasonOf(b.folder, 'x.csv'), /x\.csv was not read: it is a symbolic link/);
  t.ok(existsSync('/etc/passwd'));
});

t.test("a file link to the other department's file is not read, while the department's own files are", async (t) => {
  const { app, a, b } = await setupDrops(t);
  const theirs = join(a.folder, 'scj-companies.csv');
  writeFileSync(theirs, companiesCsv(4, 1));
  symlinkSync(theirs, join(b.folder, 'borrowed.csv'));
  writeFileSync(join(b.folder, 'own.csv'), companiesCsv(3, 2));
  const id = await registeredDrop(t, app, b.key, { directory: b.folder });
  const answer = await testDrop(app, b.key, id);
  t.same(answer.records.map((record) => record.partition), ['own.csv', 'own.csv', 'own.csv']);
  const theirCodes = readFileSync(theirs, 'utf8').split('\n').slice(1, -1).map((line) => line.split(',')[0]!);
  for (const code of theirCodes) t.notOk(JSON.stringify(answer).includes(code), `the answer holds none of their credit codes (${code.slice(0, 4)}…)`);
  t.match(reasonOf(b.folder, 'borrowed.csv'), /symbolic link/);
  t.ok(existsSync(theirs), "their file stays in their folder");
});

t.test('a fifo is neither read nor waited on: the run ends, reads the other files, and moves the fifo to failed/ with a reason', async (t) => {
  const { app, b, attackerTopic } = await setupDrops(t);
  execFileSync('mkfifo', [join(b.folder, 'stream.csv')]);
  writeFileSync(join(b.folder, 'own.csv'), companiesCsv(3, 3));
  const id = await registeredDrop(t, app, b.key, { directory: b.folder }, { topic: await attackerTopic('file-drop-fifo') });
  await app.inject({ method: 'POST', url: `/api/v1/connectors/${id}/run`, headers: bearer(b.key) });
  const status = await waitFor(async () => (await app.inject({ url: `/api/v1/connectors/${id}/status`, headers: bearer(b.key) })).json(), (body) => body.lastRun && body.lastRun.status !== 'running', 30_000);
  t.match(status.lastRun, { status: 'succeeded', read: 3 }, status.lastRun.error ?? '');
  t.ok(lstatSync(join(b.folder, 'failed', 'stream.csv')).isFIFO());
  t.match(reasonOf(b.folder, 'stream.csv'), /stream\.csv was not read: it is a fifo/);
});

t.test("failed/ made a link to the other department's folder receives nothing, and a planted reason-file link is not written through", async (t) => {
  const { app, a, b, attackerTopic } = await setupDrops(t);
  symlinkSync(a.folder, join(b.folder, 'failed'));
  writeFileSync(join(b.folder, 'broken.csv'), '统一社会信用代码,企业名称\n"unterminated,x\n');
  const id = await registeredDrop(t, app, b.key, { directory: b.folder }, { topic: await attackerTopic('file-drop-failed-link') });
  const tested = await testDrop(app, b.key, id);
  t.equal(tested.check.ok, false, 'the test names the linked failed/');
  t.match(tested.check.message, /failed is not a folder/);
  await app.inject({ method: 'POST', url: `/api/v1/connectors/${id}/run`, headers: bearer(b.key) });
  await waitFor(async () => (await app.inject({ url: `/api/v1/connectors/${id}/status`, headers: bearer(b.key) })).json(), (body) => body.lastRun && body.lastRun.status !== 'running', 30_000);
  t.same(readdirSync(a.folder), [], "a run moved nothing into the other department's folder");
  t.ok(existsSync(join(b.folder, 'broken.csv')), 'the broken file stays until failed/ is a folder again');

  const other = join(b.folder, 'second');
  mkdirSync(join(other, 'failed'), { recursive: true });
  const victim = join(a.folder, 'victim.txt');
  writeFileSync(victim, 'theirs\n');
  symlinkSync(victim, join(other, 'failed', 'broken.csv.reason.txt'));
  writeFileSync(join(other, 'broken.csv'), '统一社会信用代码,企业名称\n"unterminated,x\n');
  const second = await registeredDrop(t, app, b.key, { directory: other });
  await testDrop(app, b.key, second);
  t.equal(readFileSync(victim, 'utf8'), 'theirs\n', 'the file behind the planted link is unchanged');
});
