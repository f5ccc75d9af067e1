import t, { type Test } from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { getCanonicalSchema } from '../../schemas/canonical.ts';
import { registryKey } from '../../gateway/routes/registry/auth.ts';
import { bearer, buildTestApp, type TestApp } from '../helpers/app.ts';

const MEDIA_TYPE = 'application/vnd.schemaregistry.v1+json';

function basic(user: string, password: string): { authorization: string } {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

/** A Confluent-style client of the gateway's registry, authenticated with `key` as a Basic auth password. */
function client(testApp: TestApp, key = testApp.adminKey) {
  const headers = { ...basic('kafka-client', key), 'content-type': MEDIA_TYPE, accept: MEDIA_TYPE };
  const send = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<LightMyRequestResponse> =>
    testApp.app.inject({ method, url: `/registry${url}`, headers, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
  return {
    get: (url: string) => send('GET', url),
    post: (url: string, body: unknown) => send('POST', url, body),
    put: (url: string, body: unknown) => send('PUT', url, body),
    del: (url: string) => send('DELETE', url),
    register: (subject: string, schema: unknown, schemaType?: string) =>
      send('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(schema), ...(schemaType ? { schemaType } : {}) }),
  };
}

async function principalKey(testApp: TestApp, payload: Record<string, unknown>): Promise<string> {
  const { app, adminKey } = testApp;
  const principal = (await app.inject({ method: 'POST', url: '/api/v1/principals', headers: bearer(adminKey), payload })).json();
  return (await app.inject({ method: 'POST', url: `/api/v1/principals/${principal.id}/keys`, headers: bearer(adminKey), payload: {} })).json().key;
}

function record(name: string, ...fields: object[]) {
  return { type: 'record', name, namespace: 'test', fields: [{ name: 'a', type: 'string' }, ...fields] };
}

const V1 = record('R');
const WITH_DEFAULT = record('R', { name: 'b', type: 'string', default: '' });
const WITHOUT_DEFAULT = record('R', { name: 'b', type: 'string' });

function confluentError(t: Test, response: LightMyRequestResponse, status: number, errorCode: number): void {
  t.equal(response.statusCode, status, `status ${status}: ${response.body}`);
  t.equal(response.json().error_code, errorCode);
  t.type(response.json().message, 'string');
}

t.test('a registered schema is served by version, as latest, by id and in the subject list', async (t) => {
  const testApp = await buildTestApp(t);
  const registry = client(testApp);
  const registered = await registry.register('orders-value', V1);
  t.equal(registered.statusCode, 200);
  const { id } = registered.json();
  t.type(id, 'number');

  t.ok((await registry.get('/subjects')).json().includes('orders-value'));
  t.same((await registry.get('/subjects/orders-value/versions')).json(), [1]);
  const version = (await registry.get('/subjects/orders-value/versions/1')).json();
  t.same(version, { subject: 'orders-value', id, version: 1, schema: JSON.stringify(V1) });
  t.same((await registry.get('/subjects/orders-value/versions/latest')).json(), version);
  t.same((await registry.get('/subjects/orders-value/versions/-1')).json(), version);
  t.same((await registry.get('/subjects/orders-value/versions/latest/schema')).json(), V1);
  t.same((await registry.get(`/schemas/ids/${id}`)).json(), { schema: JSON.stringify(V1) });
  t.same((await registry.get(`/schemas/ids/${id}/schema`)).json(), V1);
  t.same((await registry.get(`/schemas/ids/${id}/versions`)).json(), [{ subject: 'orders-value', version: 1 }]);
});

t.test('registering the same schema twice answers the same id and adds no version', async (t) => {
  const registry = client(await buildTestApp(t));
  const first = (await registry.register('orders-value', V1)).json();
  const again = await registry.post('/subjects/orders-value/versions', { schema: JSON.stringify({ fields: V1.fields, namespace: 'test', name: 'R', type: 'record' }) });
  t.same(again.json(), first, 'key order does not make a different schema');
  t.same((await registry.get('/subjects/orders-value/versions')).json(), [1]);
});

t.test('an identical schema under two subjects keeps one id', async (t) => {
  const registry = client(await buildTestApp(t));
  const { id } = (await registry.register('orders-value', V1)).json();
  t.equal((await registry.register('archive-value', V1)).json().id, id);
  t.same((await registry.get(`/schemas/ids/${id}/versions`)).json(), [{ subject: 'archive-value', version: 1 }, { subject: 'orders-value', version: 1 }]);
  t.same((await registry.get(`/schemas/ids/${id}/subjects`)).json(), ['archive-value', 'orders-value']);
});

t.test('the canonical person schema is registered at start and its id serves its .avsc', async (t) => {
  const registry = client(await buildTestApp(t));
  const person = getCanonicalSchema('population.person');
  const latest = (await registry.get(`/subjects/${person.subject}/versions/latest`)).json();
  t.same(JSON.parse(latest.schema), person.avroSchema);
  t.same((await registry.get(`/schemas/ids/${latest.id}/schema`)).json(), person.avroSchema);
});

t.test('under the default BACKWARD a field without default is refused with 409 and one with a default is accepted', async (t) => {
  const registry = client(await buildTestApp(t));
  t.same((await registry.get('/config')).json(), { compatibilityLevel: 'BACKWARD' });
  await registry.register('orders-value', V1);
  const refused = await registry.register('orders-value', WITHOUT_DEFAULT);
  confluentError(t, refused, 409, 409);
  t.match(refused.json().message, /incompatible.*version 1/);
  t.equal((await registry.register('orders-value', WITH_DEFAULT)).statusCode, 200);
  t.same((await registry.get('/subjects/orders-value/versions')).json(), [1, 2]);
});

t.test('under FORWARD adding a field without default is accepted but removing a field old readers need is refused', async (t) => {
  const registry = client(await buildTestApp(t));
  t.same((await registry.put('/config/orders-value', { compatibility: 'FORWARD' })).json(), { compatibility: 'FORWARD' });
  await registry.register('orders-value', V1);
  t.equal((await registry.register('orders-value', WITHOUT_DEFAULT)).statusCode, 200);
  confluentError(t, await registry.register('orders-value', record('R', { name: 'c', type: 'string', default: '' })), 409, 409);
});

t.test('under FULL a change must be readable both ways', async (t) => {
  const registry = client(await buildTestApp(t));
  await registry.put('/config/orders-value', { compatibility: 'FULL' });
  await registry.register('orders-value', V1);
  confluentError(t, await registry.register('orders-value', WITHOUT_DEFAULT), 409, 409);
  t.equal((await registry.register('orders-value', WITH_DEFAULT)).statusCode, 200);
});

t.test('transitive levels catch an incompatibility with version 1 that the plain levels miss', async (t) => {
  const registry = client(await buildTestApp(t));
  // BACKWARD: v3 reads v2 (which has b) but not v1 (which lacks b, and v3 gives no default).
  // FORWARD: v2 still reads v3 (it has a default for b) but v1 does not (it needs b).
  // FULL: v3 and v2 read each other, v3 cannot read v1.
  const cases = [
    { level: 'BACKWARD', versions: [V1, WITH_DEFAULT, WITHOUT_DEFAULT] },
    { level: 'FORWARD', versions: [WITHOUT_DEFAULT, WITH_DEFAULT, V1] },
    { level: 'FULL', versions: [V1, WITH_DEFAULT, WITHOUT_DEFAULT] },
  ];
  for (const { level, versions } of cases) {
    const [first, second, third] = versions;
    for (const [subject, compatibility] of [[`plain-${level}`, level], [`transitive-${level}`, `${level}_TRANSITIVE`]]) {
      await registry.put(`/config/${subject}`, { compatibility });
      t.equal((await registry.register(subject!, first)).statusCode, 200);
      t.equal((await registry.register(subject!, second)).statusCode, 200);
    }
    t.equal((await registry.register(`plain-${level}`, third)).statusCode, 200, `${level} accepts version 3`);
    const refused = await registry.register(`transitive-${level}`, third);
    confluentError(t, refused, 409, 409);
    t.match(refused.json().message, /version 1:/, `${level}_TRANSITIVE names version 1`);
    t.notMatch(refused.json().message, /version 2:/);
  }
});

t.test('NONE accepts any change', async (t) => {
  const registry = client(await buildTestApp(t));
  await registry.put('/config/orders-value', { compatibility: 'NONE' });
  await registry.register('orders-value', V1);
  t.equal((await registry.register('orders-value', WITHOUT_DEFAULT)).statusCode, 200);
  t.equal((await registry.register('orders-value', 'string')).statusCode, 200);
  t.same((await registry.get('/subjects/orders-value/versions')).json(), [1, 2, 3]);
});

t.test('a subject level overrides the global one until it is deleted', async (t) => {
  const registry = client(await buildTestApp(t));
  t.same((await registry.put('/config', { compatibility: 'NONE' })).json(), { compatibility: 'NONE' });
  t.same((await registry.get('/config')).json(), { compatibilityLevel: 'NONE' });
  confluentError(t, await registry.get('/config/strict-value'), 404, 40408);
  t.same((await registry.get('/config/strict-value?defaultToGlobal=true')).json(), { compatibilityLevel: 'NONE' });
  await registry.put('/config/strict-value', { compatibility: 'BACKWARD' });
  t.same((await registry.get('/config/strict-value')).json(), { compatibilityLevel: 'BACKWARD' });

  for (const subject of ['strict-value', 'loose-value']) await registry.register(subject, V1);
  confluentError(t, await registry.register('strict-value', WITHOUT_DEFAULT), 409, 409);
  t.equal((await registry.register('loose-value', WITHOUT_DEFAULT)).statusCode, 200, 'the global NONE applies elsewhere');

  t.same((await registry.del('/config/strict-value')).json(), { compatibilityLevel: 'BACKWARD' });
  t.equal((await registry.register('strict-value', WITHOUT_DEFAULT)).statusCode, 200, 'the global level applies again');
  confluentError(t, await registry.del('/config/strict-value'), 404, 40401);
});

t.test('an unknown compatibility level is refused with 42203', async (t) => {
  const registry = client(await buildTestApp(t));
  confluentError(t, await registry.put('/config', { compatibility: 'SOMETIMES' }), 422, 42203);
  confluentError(t, await registry.put('/config/orders-value', { compatibility: 'SOMETIMES' }), 422, 42203);
  t.same((await registry.put('/config', { compatibility: 'full_transitive' })).json(), { compatibility: 'FULL_TRANSITIVE' }, 'case does not matter');
});

t.test('an invalid Avro schema is refused with 42201', async (t) => {
  const registry = client(await buildTestApp(t));
  confluentError(t, await registry.register('orders-value', record('R', { name: 'b', type: 'strin' })), 422, 42201);
  confluentError(t, await registry.post('/subjects/orders-value/versions', { schema: '{not json' }), 422, 42201);
  confluentError(t, await registry.register('orders-value', V1, 'PROTOBUF'), 422, 42201);
  confluentError(t, await registry.post('/subjects/orders-value/versions', { schema: JSON.stringify(V1), references: [{ name: 'x', subject: 'y', version: 1 }] }), 422, 42201);
  confluentError(t, await registry.get('/subjects/orders-value/versions'), 404, 40401);
});

t.test('unknown subjects, versions and ids answer 40401, 40402 and 40403, a malformed version 42202', async (t) => {
  const registry = client(await buildTestApp(t));
  confluentError(t, await registry.get('/subjects/nothing-value/versions'), 404, 40401);
  confluentError(t, await registry.get('/subjects/nothing-value/versions/latest'), 404, 40401);
  await registry.register('orders-value', V1);
  confluentError(t, await registry.get('/subjects/orders-value/versions/7'), 404, 40402);
  confluentError(t, await registry.get('/subjects/orders-value/versions/first'), 422, 42202);
  confluentError(t, await registry.get('/schemas/ids/99999'), 404, 40403);
  confluentError(t, await registry.get('/schemas/ids/99999/versions'), 404, 40403);
  confluentError(t, await registry.get('/no-such-resource'), 404, 404);
});

t.test('looking a schema up under a subject finds its version, or 40403 when the subject lacks it', async (t) => {
  const registry = client(await buildTestApp(t));
  const { id } = (await registry.register('orders-value', V1)).json();
  await registry.register('orders-value', WITH_DEFAULT);
  t.same((await registry.post('/subjects/orders-value', { schema: JSON.stringify(V1) })).json(), { subject: 'orders-value', id, version: 1, schema: JSON.stringify(V1) });
  confluentError(t, await registry.post('/subjects/orders-value', { schema: JSON.stringify(WITHOUT_DEFAULT) }), 404, 40403);
  confluentError(t, await registry.post('/subjects/nothing-value', { schema: JSON.stringify(V1) }), 404, 40401);
});

t.test('the compatibility endpoint answers is_compatible without registering anything', async (t) => {
  const registry = client(await buildTestApp(t));
  await registry.register('orders-value', V1);
  t.same((await registry.post('/compatibility/subjects/orders-value/versions/latest', { schema: JSON.stringify(WITH_DEFAULT) })).json(), { is_compatible: true });
  t.same((await registry.post('/compatibility/subjects/orders-value/versions/1', { schema: JSON.stringify(WITHOUT_DEFAULT) })).json(), { is_compatible: false });
  const verbose = (await registry.post('/compatibility/subjects/orders-value/versions/latest?verbose=true', { schema: JSON.stringify(WITHOUT_DEFAULT) })).json();
  t.equal(verbose.is_compatible, false);
  t.match(verbose.messages, [/version 1: new schema cannot read old data/]);
  t.same((await registry.post('/compatibility/subjects/orders-value/versions', { schema: JSON.stringify(WITH_DEFAULT) })).json(), { is_compatible: true });
  confluentError(t, await registry.post('/compatibility/subjects/orders-value/versions/9', { schema: JSON.stringify(V1) }), 404, 40402);
  t.same((await registry.get('/subjects/orders-value/versions')).json(), [1]);
});

t.test('a soft-deleted version is hidden, kept for ?deleted=true, and only then can be deleted permanently', async (t) => {
  const registry = client(await buildTestApp(t));
  const { id } = (await registry.register('orders-value', V1)).json();
  await registry.register('orders-value', WITH_DEFAULT);
  confluentError(t, await registry.del('/subjects/orders-value/versions/1?permanent=true'), 404, 40407);
  t.equal((await registry.del('/subjects/orders-value/versions/1')).json(), 1);
  t.same((await registry.get('/subjects/orders-value/versions')).json(), [2]);
  t.same((await registry.get('/subjects/orders-value/versions?deleted=true')).json(), [1, 2]);
  confluentError(t, await registry.get('/subjects/orders-value/versions/1'), 404, 40402);
  t.equal((await registry.get('/subjects/orders-value/versions/1?deleted=true')).json().id, id);
  confluentError(t, await registry.del('/subjects/orders-value/versions/1'), 404, 40406);
  t.equal((await registry.del('/subjects/orders-value/versions/1?permanent=true')).json(), 1);
  t.same((await registry.get('/subjects/orders-value/versions?deleted=true')).json(), [2]);
  t.equal((await registry.get(`/schemas/ids/${id}`)).statusCode, 200, 'the id still resolves: messages on Kafka carry it');
});

t.test('a soft-deleted subject disappears from the list and a permanent delete needs the soft one first', async (t) => {
  const registry = client(await buildTestApp(t));
  await registry.register('orders-value', V1);
  await registry.register('orders-value', WITH_DEFAULT);
  confluentError(t, await registry.del('/subjects/orders-value?permanent=true'), 404, 40405);
  t.same((await registry.del('/subjects/orders-value')).json(), [1, 2]);
  t.notOk((await registry.get('/subjects')).json().includes('orders-value'));
  t.ok((await registry.get('/subjects?deleted=true')).json().includes('orders-value'));
  confluentError(t, await registry.get('/subjects/orders-value/versions'), 404, 40401);
  confluentError(t, await registry.del('/subjects/orders-value'), 404, 40404);
  t.same((await registry.del('/subjects/orders-value?permanent=true')).json(), [1, 2]);
  t.notOk((await registry.get('/subjects?deleted=true')).json().includes('orders-value'));
  confluentError(t, await registry.del('/subjects/orders-value'), 404, 40401);
  t.equal((await registry.register('orders-value', WITHOUT_DEFAULT)).statusCode, 200, 'a permanently deleted subject starts afresh');
  t.same((await registry.get('/subjects/orders-value/versions')).json(), [1]);
});

t.test('JSON schemas register with schemaType JSON and follow the JSON compatibility rule', async (t) => {
  const registry = client(await buildTestApp(t));
  const v1 = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] };
  const optional = { ...v1, properties: { ...v1.properties, b: { type: 'integer' } } };
  const required = { ...optional, required: ['a', 'b'] };
  const { id } = (await registry.register('events-value', v1, 'JSON')).json();
  t.same((await registry.get(`/schemas/ids/${id}`)).json(), { schema: JSON.stringify(v1), schemaType: 'JSON' });
  t.equal((await registry.get('/subjects/events-value/versions/1')).json().schemaType, 'JSON');
  t.equal((await registry.register('events-value', optional, 'JSON')).statusCode, 200);
  const refused = await registry.register('events-value', required, 'JSON');
  confluentError(t, refused, 409, 409);
  t.match(refused.json().message, /\/b: newly required/);
  t.same((await registry.get('/schemas/types')).json(), ['AVRO', 'JSON']);
});

t.test('Basic auth with the key as password works, and so does Bearer', async (t) => {
  const testApp = await buildTestApp(t);
  for (const headers of [basic('anyone', testApp.adminKey), basic(testApp.adminKey, ''), bearer(testApp.adminKey)]) {
    t.equal((await testApp.app.inject({ url: '/registry/subjects', headers })).statusCode, 200, headers.authorization.split(' ')[0] ?? '');
  }
});

t.test('a request without a key or with a wrong one gets 401 in the Confluent shape', async (t) => {
  const { app } = await buildTestApp(t);
  const none = await app.inject({ url: '/registry/subjects' });
  confluentError(t, none, 401, 40101);
  t.match(none.headers['www-authenticate'], /^Basic/);
  confluentError(t, await app.inject({ url: '/registry/subjects', headers: basic('user', 'dx_wrong') }), 401, 40101);
  confluentError(t, await app.inject({ url: '/registry/no-such-resource' }), 401, 40101);
});

t.test('a department reads the registry but cannot register, delete or change compatibility', async (t) => {
  const testApp = await buildTestApp(t);
  await client(testApp).register('orders-value', V1);
  const department = client(testApp, await principalKey(testApp, { kind: 'department', name: '人社局', departmentCode: 'RSJ' }));
  t.equal((await department.get('/subjects/orders-value/versions/latest')).statusCode, 200);
  t.equal((await department.post('/compatibility/subjects/orders-value/versions/latest', { schema: JSON.stringify(V1) })).statusCode, 200);
  confluentError(t, await department.register('orders-value', WITH_DEFAULT), 403, 40301);
  confluentError(t, await department.del('/subjects/orders-value/versions/1'), 403, 40301);
  confluentError(t, await department.del('/subjects/orders-value'), 403, 40301);
  confluentError(t, await department.put('/config', { compatibility: 'NONE' }), 403, 40301);
  confluentError(t, await department.put('/config/orders-value', { compatibility: 'NONE' }), 403, 40301);
  t.same((await department.get('/subjects/orders-value/versions')).json(), [1], 'nothing changed');
});

t.test('the registry answers in its media type, or plain JSON for a client asking only for that', async (t) => {
  const testApp = await buildTestApp(t);
  const key = bearer(testApp.adminKey);
  const vendor = await testApp.app.inject({ url: '/registry/subjects', headers: key });
  t.match(vendor.headers['content-type'], MEDIA_TYPE);
  const plain = await testApp.app.inject({ url: '/registry/subjects', headers: { ...key, accept: 'application/json' } });
  t.match(plain.headers['content-type'], /^application\/json/);
  const posted = await testApp.app.inject({
    method: 'POST',
    url: '/registry/subjects/orders-value/versions',
    headers: { ...key, 'content-type': 'application/json' },
    payload: { schema: JSON.stringify(V1) },
  });
  t.equal(posted.statusCode, 200, 'plain JSON bodies are accepted too');
  const javaClient = await testApp.app.inject({
    method: 'POST',
    url: '/registry/subjects/orders-value/versions?normalize=false',
    headers: { ...basic('client', testApp.adminKey), 'content-type': MEDIA_TYPE },
    payload: JSON.stringify({ schema: JSON.stringify(V1), schemaType: null, references: [], metadata: null, ruleSet: null }),
  });
  t.equal(javaClient.statusCode, 200, `the fields a Java client leaves unset do not matter: ${javaClient.body}`);
});

t.test('the key is the Basic password, or the user name when there is no password', async (t) => {
  const encode = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
  t.equal(registryKey(encode('user:dx_key')), 'dx_key');
  t.equal(registryKey(encode('dx_key:')), 'dx_key');
  t.equal(registryKey(encode('dx_key')), 'dx_key');
  t.equal(registryKey(encode('user:dx:key')), 'dx:key', 'only the first colon separates');
  t.equal(registryKey('Bearer dx_key'), 'dx_key');
  t.equal(registryKey(encode(':')), undefined);
  t.equal(registryKey(undefined), undefined);
  t.equal(registryKey('Digest abc'), undefined);
});
