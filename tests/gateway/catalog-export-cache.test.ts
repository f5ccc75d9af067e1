import t from 'tap';
import { buildCatalogApp, createResource, departmentResource } from '../catalog/helpers.ts';
import { bearer } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';

t.test('exports are built once per catalogue revision, and a change to the catalogue is in the next export', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const department = await createDepartment(app, adminKey, 'JYJ', '市教育局');
  await createResource(app, department.key, departmentResource(1, { name: '学校基本信息' }));
  let builds = 0;
  const list = app.catalog.repository.list.bind(app.catalog.repository);
  app.catalog.repository.list = (...args: Parameters<typeof list>) => {
    builds++;
    return list(...args);
  };
  const exportOf = (url: string) => app.inject({ url, headers: bearer(adminKey) });
  const first = await exportOf('/api/v1/catalog/export.jsonld');
  const answers = await Promise.all(Array.from({ length: 10 }, () => exportOf('/api/v1/catalog/export.jsonld')));
  t.ok(answers.every((answer) => answer.body === first.body));
  t.equal(builds, 1, 'eleven JSON-LD exports, one build');
  await exportOf('/api/v1/catalog/export.xlsx');
  await exportOf('/api/v1/catalog/export.xlsx');
  t.equal(builds, 2, 'the spreadsheet has its own entry');

  await createResource(app, department.key, departmentResource(2, { name: '教师资格信息' }));
  const changed = await exportOf('/api/v1/catalog/export.jsonld');
  t.equal(builds, 3, 'a new revision builds again');
  t.match(changed.body, /教师资格信息/);
});
