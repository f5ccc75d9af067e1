import t from 'tap';
import { bearer, buildTestApp } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';
import { freshTopicName } from '../helpers/kafka.ts';
import { provideTopic } from '../helpers/resource.ts';

t.test('a connector renamed to a name its department already uses answers 409 naming the field, and keeps its name', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'SCJ', '市场监管局');
  const topic = freshTopicName('unique-names');
  await provideTopic(app, adminKey, 'SCJ', topic);
  const headers = bearer(department.key);
  const payload = (name: string) => ({ name, type: 'http-push', schema: 'legal-person.organisation', topic, config: { maxRecordsPerRequest: 10 }, mapping: { fields: { credit_code: '统一社会信用代码', name: '企业名称' } } });
  const first = await app.inject({ method: 'POST', url: '/api/v1/connectors', headers, payload: payload('企业登记推送') });
  const second = await app.inject({ method: 'POST', url: '/api/v1/connectors', headers, payload: payload('企业变更推送') });
  t.equal(first.statusCode, 201, first.body);
  t.equal(second.statusCode, 201, second.body);

  const again = await app.inject({ method: 'POST', url: '/api/v1/connectors', headers, payload: payload('企业登记推送') });
  t.equal(again.statusCode, 409);
  t.match(again.json(), { code: 'DX_ERR_CONNECTOR_EXISTS', details: [{ path: 'name', message: 'is taken in this department' }] });

  const { name: _name, type: _type, schema: _schema, topic: _topic, ...kept } = payload('企业登记推送');
  const renamed = await app.inject({ method: 'PUT', url: `/api/v1/connectors/${second.json().id}`, headers, payload: { name: '企业登记推送', ...kept } });
  t.equal(renamed.statusCode, 409, renamed.body);
  t.match(renamed.json(), { code: 'DX_ERR_CONNECTOR_EXISTS', details: [{ path: 'name' }] });
  t.equal((await app.inject({ url: `/api/v1/connectors/${second.json().id}`, headers })).json().name, '企业变更推送');
});

t.test('a principal name taken answers 409 naming the field', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const payload = { kind: 'integrator', name: '一网通办平台' };
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/principals', headers: bearer(adminKey), payload })).statusCode, 201);
  const again = await app.inject({ method: 'POST', url: '/api/v1/principals', headers: bearer(adminKey), payload });
  t.equal(again.statusCode, 409);
  t.match(again.json(), { code: 'DX_ERR_PRINCIPAL_EXISTS', details: [{ path: 'name', message: 'is taken' }] });
});
