import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { createIntegrator } from '../helpers/department.ts';
import { buildGateway } from '../subscriptions/world.ts';
import { buildLicenceRegister, LICENCE_FIELDS } from './licence-world.ts';
import { ACCOUNTING } from './query-world.ts';

t.test('the licence holder search answers the valid licences of a holder under the projection', async (t) => {
  const { app, adminKey } = await buildGateway(t, { env: { DX_SCHEDULER_HEARTBEAT_MS: '300' } });
  const integrator = await createIntegrator(app, adminKey, '政务服务窗口');
  const { resourceId, provider, holder, licences } = await buildLicenceRegister(app, adminKey);

  const subscription = await app.inject({ method: 'POST', url: '/api/v1/subscriptions', headers: bearer(integrator.key), payload: { resourceId, purpose: '办件免交证照复印件', legalBasis: '国办发〔2019〕…', fields: LICENCE_FIELDS, delivery: { mode: 'query' } } });
  t.equal(subscription.statusCode, 201, subscription.body);
  const url = `/api/v1/subscriptions/${subscription.json().id}/licences`;
  const found = await app.inject({ method: 'POST', url, headers: bearer(integrator.key), payload: { holderCodeType: '111', holderCode: holder.id_number.toLowerCase(), ...ACCOUNTING } });
  t.equal(found.statusCode, 200, found.body);
  const answered = found.json().licences as { record: Record<string, unknown> }[];
  t.equal(answered.length, 1, 'only the valid licence: not the cancelled, nor the expired one, nor another holder’s');
  t.equal(answered[0]?.record.licence_number, licences.valid.licence_number);
  t.equal(answered[0]?.record.holder_code, `${holder.id_number.slice(0, 6)}***********${holder.id_number.slice(17)}`, 'the holder code masked partially, as its item says');
  t.notOk('issuing_authority_name' in (answered[0]?.record ?? {}), 'fields not subscribed are not answered');

  const ofType = await app.inject({ method: 'POST', url, headers: bearer(integrator.key), payload: { holderCodeType: '111', holderCode: holder.id_number, licenceTypeCode: '11100000000013338W001', ...ACCOUNTING } });
  t.same(ofType.json().licences, [], 'another licence type: none');
  const malformed = await app.inject({ method: 'POST', url, headers: bearer(integrator.key), payload: { holderCodeType: '111', holderCode: '110105194912310021', ...ACCOUNTING } });
  t.equal(malformed.statusCode, 400);
  t.equal(malformed.json().details[0].path, 'holderCode');

  const usage = await app.inject({ method: 'GET', url: `/api/v1/catalog/resources/${resourceId}/register/usage?key=${holder.id_number}`, headers: bearer(provider.key) });
  t.equal(usage.json().items.length, 2, 'the holder searches are found by the holder code');
});
