import t from 'tap';
import { bearer, buildTestApp } from '../helpers/app.ts';

t.test('the data office creates, lists, gets, disables and re-enables principals', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/principals',
    headers: bearer(adminKey),
    payload: { kind: 'department', name: '市场监督管理局', departmentCode: 'SCJG' },
  });
  t.equal(created.statusCode, 201);
  const department = created.json();
  t.match(department, { kind: 'department', name: '市场监督管理局', departmentCode: 'SCJG', disabledAt: null });

  const list = await app.inject({ url: '/api/v1/principals?kind=department', headers: bearer(adminKey) });
  t.same(list.json().items.map((p: { id: string }) => p.id), [department.id]);
  t.equal(list.json().total, 1);

  const fetched = await app.inject({ url: `/api/v1/principals/${department.id}`, headers: bearer(adminKey) });
  t.same(fetched.json(), department);

  const disabled = await app.inject({ method: 'POST', url: `/api/v1/principals/${department.id}/disable`, headers: bearer(adminKey) });
  t.type(disabled.json().disabledAt, 'string');
  const enabled = await app.inject({ method: 'POST', url: `/api/v1/principals/${department.id}/enable`, headers: bearer(adminKey) });
  t.equal(enabled.json().disabledAt, null);
});

t.test('a bad principal is refused with every failing field named', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/principals',
    headers: bearer(adminKey),
    payload: { kind: 'vendor', name: '', colour: 'red' },
  });
  t.equal(response.statusCode, 400);
  const body = response.json();
  t.equal(body.code, 'DX_ERR_REQUEST_INVALID');
  t.same(body.details.map((d: { path: string }) => d.path).sort(), ['colour', 'kind', 'name']);
});

t.test('a department needs its department code and other kinds may not have one', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const missing = await app.inject({ method: 'POST', url: '/api/v1/principals', headers: bearer(adminKey), payload: { kind: 'department', name: '公安局' } });
  t.equal(missing.statusCode, 400);
  t.equal(missing.json().details[0].path, 'departmentCode');
  const extra = await app.inject({ method: 'POST', url: '/api/v1/principals', headers: bearer(adminKey), payload: { kind: 'integrator', name: '一网通办', departmentCode: 'X1' } });
  t.equal(extra.statusCode, 400);
  t.equal(extra.json().details[0].path, 'departmentCode');
});

t.test('a second principal with the same name is a conflict', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const payload = { kind: 'integrator', name: '一网通办平台' };
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/principals', headers: bearer(adminKey), payload })).statusCode, 201);
  const again = await app.inject({ method: 'POST', url: '/api/v1/principals', headers: bearer(adminKey), payload });
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'DX_ERR_PRINCIPAL_EXISTS');
});

t.test('an unknown principal id answers 404 and a malformed one 400', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const unknown = await app.inject({ url: '/api/v1/principals/00000000-0000-4000-8000-000000000000', headers: bearer(adminKey) });
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json().code, 'DX_ERR_PRINCIPAL_NOT_FOUND');
  const malformed = await app.inject({ url: '/api/v1/principals/not-a-uuid', headers: bearer(adminKey) });
  t.equal(malformed.statusCode, 400);
});

t.test('the data office cannot disable itself', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const me = (await app.inject({ url: '/api/v1/me', headers: bearer(adminKey) })).json();
  const response = await app.inject({ method: 'POST', url: `/api/v1/principals/${me.id}/disable`, headers: bearer(adminKey) });
  t.equal(response.statusCode, 409);
});
