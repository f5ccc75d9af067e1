import { existsSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { waitFor } from '../helpers/dedicated-kafka.ts';
import { companiesCsv, registerDrop, registeredDrop, setupDrops, testDrop } from './file-drop-setup.ts';

t.test("a department cannot watch another department's folder, nor its own folder of the drop root", async (t) => {
  const { app, root, a, b } = await setupDrops(t);
  for (const directory of [a.folder, join(root, a.code), join(a.folder, 'not-made-yet'), root]) {
    const response = await registerDrop(app, b.key, { directory });
    t.equal(response.statusCode, 400, directory);
    t.match(response.json().details, [{ path: 'config.directory', message: /must be inside the department's folder .*MZJ/ }], directory);
  }
});

t.test('a department cannot escape its folder with .. segments or an absolute path elsewhere', async (t) => {
  const { app, root, b } = await setupDrops(t);
  for (const directory of [`${root}/MZJ/../SCJ/exports`, `${root}/MZJ/exports/../../SCJ/exports`, `${root}/MZJ/exports/..`, '/etc', '/', 'MZJ/exports']) {
    const response = await registerDrop(app, b.key, { directory });
    t.equal(response.statusCode, 400, directory);
    t.match(response.json().details, [{ path: 'config.directory' }], directory);
  }
});

t.test("a folder that is a link to another department's folder or to /etc is refused, and so is a folder below such a link", async (t) => {
  const { app, a, b } = await setupDrops(t);
  symlinkSync(a.folder, join(b.folder, 'to-scj'));
  symlinkSync('/etc', join(b.folder, 'to-etc'));
  for (const directory of [join(b.folder, 'to-scj'), join(b.folder, 'to-etc'), join(b.folder, 'to-scj', 'later'), join(b.folder, 'to-etc', 'ssl')]) {
    const response = await registerDrop(app, b.key, { directory });
    t.equal(response.statusCode, 400, directory);
    t.match(response.json().details, [{ path: 'config.directory', message: /once links are resolved/ }], directory);
  }
});

t.test("a department registers folders in its own folder, including one not made yet, and the data office registers for it", async (t) => {
  const { app, adminKey, root, b } = await setupDrops(t);
  await registeredDrop(t, app, b.key, { directory: b.folder });
  await registeredDrop(t, app, b.key, { directory: join(root, b.code) });
  await registeredDrop(t, app, b.key, { directory: join(b.folder, 'made-later') });
  const byOffice = await registerDrop(app, adminKey, { directory: join(b.folder, 'by-office') }, { departmentCode: b.code });
  t.equal(byOffice.statusCode, 201, byOffice.body);
  const wrongDepartment = await registerDrop(app, adminKey, { directory: b.folder }, { departmentCode: 'SCJ' });
  t.equal(wrongDepartment.statusCode, 400, 'the office cannot file one department\'s folder under another');
});

t.test("a department cannot move its connector onto another department's folder by an update", async (t) => {
  const { app, a, b } = await setupDrops(t);
  const id = await registeredDrop(t, app, b.key, { directory: b.folder });
  const response = await app.inject({ method: 'PUT', url: `/api/v1/connectors/${id}`, headers: bearer(b.key), payload: { name: 'moved', schedule: '0 0 1 1 *', mapping: { fields: { credit_code: '统一社会信用代码', name: '企业名称' } }, config: { directory: a.folder, settleMs: 0 } } });
  t.equal(response.statusCode, 400);
  t.match(response.json().details, [{ path: 'config.directory' }]);
});

t.test("a folder swapped for a link to another department's folder after registration is refused when the task tests and runs", async (t) => {
  const { app, a, b, attackerTopic } = await setupDrops(t);
  writeFileSync(join(a.folder, 'scj-companies.csv'), companiesCsv(5));
  const swapped = join(b.folder, 'incoming');
  mkdirSync(swapped);
  const id = await registeredDrop(t, app, b.key, { directory: swapped }, { topic: await attackerTopic('file-drop-swap') });
  renameSync(swapped, join(b.folder, 'incoming.old'));
  symlinkSync(a.folder, swapped);

  const tested = await testDrop(app, b.key, id);
  t.equal(tested.check.ok, false);
  t.match(tested.check.message, /once links are resolved/);
  t.same(tested.records, []);

  await app.inject({ method: 'POST', url: `/api/v1/connectors/${id}/run`, headers: bearer(b.key) });
  const status = await waitFor(async () => (await app.inject({ url: `/api/v1/connectors/${id}/status`, headers: bearer(b.key) })).json(), (body) => body.lastRun && body.lastRun.status !== 'running', 30_000);
  t.match(status.lastRun, { status: 'failed', read: 0, error: /once links are resolved/ });
  t.ok(existsSync(join(a.folder, 'scj-companies.csv')), "the other department's file stays where it was");
  t.notOk(existsSync(join(a.folder, 'done')), 'nothing was moved in its folder');
});
