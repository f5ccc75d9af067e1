import { randomBytes } from 'node:crypto';
import t from 'tap';
import { BASE_RESOURCES, baseResourceDocument } from '../../catalog/base-resources.ts';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { getCanonicalSchema } from '../../schemas/canonical.ts';
import { bearer } from '../helpers/app.ts';
import { createDepartment, createIntegrator } from '../helpers/department.ts';
import { freshTopicName } from '../helpers/kafka.ts';
import { buildGateway } from '../subscriptions/world.ts';
import { ACCOUNTING } from './query-world.ts';
import { enableRegister, registerEntries, waitFor } from './register-world.ts';

const FIELDS = ['licence_number', 'licence_name', 'licence_type_code', 'holder_name', 'holder_code', 'holder_code_type', 'valid_until', 'status'];

t.test('the licence holder search answers the valid licences of a holder under the projection', async (t) => {
  const { app, adminKey } = await buildGateway(t, { env: { DX_SCHEDULER_HEARTBEAT_MS: '300', DX_REGISTER_RESOURCES: 'none' } });
  const [provider, integrator] = await Promise.all([createDepartment(app, adminKey, 'ZZJ', '市证照管理中心'), createIntegrator(app, adminKey, '政务服务窗口')]);
  const topic = freshTopicName('licences');
  const base = BASE_RESOURCES.find((resource) => resource.schema === 'licence.licence');
  const document = baseResourceDocument(base as NonNullable<typeof base>, '2026-12-01');
  const code = `301${randomBytes(2).readUInt16BE(0) % 1000}`.padEnd(6, '0');
  const created = await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(adminKey), payload: { ...document, code: `${code}/000001`, kind: 'department', providerCode: provider.code, providerName: '市证照管理中心', topic } });
  t.equal(created.statusCode, 201, created.body);
  const resourceId = created.json().id as string;
  const fields = Object.keys(getCanonicalSchema('licence.licence').jsonSchema.properties);
  const connector = await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(provider.key), payload: { name: '证照推送', type: 'http-push', schema: 'licence.licence', topic, config: {}, mapping: { fields: Object.fromEntries(fields.map((field) => [field, field])) } } });
  t.equal(connector.statusCode, 201, connector.body);

  const fixtures = createFixtureGenerator({ seed: 20 });
  const holder = fixtures.person();
  const mine = { holder_name: holder.name, holder_code: holder.id_number, holder_code_type: '111' };
  const valid = { ...fixtures.licence(), ...mine, status: '1', valid_from: '2020-01-01', valid_until: null };
  const cancelled = { ...fixtures.licence(), ...mine, status: '2', valid_from: '2020-01-01', valid_until: null };
  const expired = { ...fixtures.licence(), ...mine, status: '1', valid_from: '2010-01-01', valid_until: '2015-01-01' };
  const another = { ...fixtures.licence(), holder_name: '李四', holder_code: fixtures.person().id_number, holder_code_type: '111', status: '1', valid_until: null };
  const pushed = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.json().id}`, headers: bearer(provider.key), payload: [valid, cancelled, expired, another] });
  t.equal(pushed.json().accepted, 4, pushed.body);
  await enableRegister(app, resourceId);
  await app.registers.runtime.refresh();
  await waitFor('4 licences', async () => (await registerEntries(app, resourceId)).size === 4);

  const subscription = await app.inject({ method: 'POST', url: '/api/v1/subscriptions', headers: bearer(integrator.key), payload: { resourceId, purpose: '办件免交证照复印件', legalBasis: '国办发〔2019〕…', fields: FIELDS, delivery: { mode: 'query' } } });
  t.equal(subscription.statusCode, 201, subscription.body);
  const url = `/api/v1/subscriptions/${subscription.json().id}/licences`;
  const found = await app.inject({ method: 'POST', url, headers: bearer(integrator.key), payload: { holderCodeType: '111', holderCode: holder.id_number.toLowerCase(), ...ACCOUNTING } });
  t.equal(found.statusCode, 200, found.body);
  const licences = found.json().licences as { record: Record<string, unknown> }[];
  t.equal(licences.length, 1, 'only the valid licence: not the cancelled, nor the expired one, nor another holder’s');
  t.equal(licences[0]?.record.licence_number, valid.licence_number);
  t.equal(licences[0]?.record.holder_code, `${holder.id_number.slice(0, 6)}***********${holder.id_number.slice(17)}`, 'the holder code masked partially, as its item says');
  t.notOk('issuing_authority_name' in (licences[0]?.record ?? {}), 'fields not subscribed are not answered');

  const ofType = await app.inject({ method: 'POST', url, headers: bearer(integrator.key), payload: { holderCodeType: '111', holderCode: holder.id_number, licenceTypeCode: '11100000000013338W001', ...ACCOUNTING } });
  t.same(ofType.json().licences, [], 'another licence type: none');
  const malformed = await app.inject({ method: 'POST', url, headers: bearer(integrator.key), payload: { holderCodeType: '111', holderCode: '110105194912310021', ...ACCOUNTING } });
  t.equal(malformed.statusCode, 400);
  t.equal(malformed.json().details[0].path, 'holderCode');

  const usage = await app.inject({ method: 'GET', url: `/api/v1/catalog/resources/${resourceId}/register/usage?key=${holder.id_number}`, headers: bearer(provider.key) });
  t.equal(usage.json().items.length, 2, 'the holder searches are found by the holder code');
});
