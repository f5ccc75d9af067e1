import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { answer, disputeBody, raise, raised } from '../disputes/helpers.ts';
import { buildWorld, subscribe, type World } from '../subscriptions/world.ts';

async function disputedWorld(t: Parameters<typeof buildWorld>[0]): Promise<{ world: World; subscription: Record<string, any>; dispute: Record<string, any> }> {
  const world = await buildWorld(t);
  const subscription = await subscribe(world);
  const dispute = await raised(world, disputeBody(world, world.people(1)[0]!.id_number));
  return { world, subscription, dispute };
}

t.test('only subscribers of the resource and the data office may raise a dispute', async (t) => {
  const { world, subscription } = await disputedWorld(t);
  const key = world.people(1)[0]!.id_number;

  const unsubscribed = await raise(world, disputeBody(world, key), world.otherIntegrator.key);
  t.equal(unsubscribed.statusCode, 403, 'an integrator without a subscription');
  t.match(unsubscribed.json(), { code: 'DX_ERR_DISPUTE_NOT_SUBSCRIBED', details: [{ path: 'resourceId' }] });

  const borrowed = await raise(world, disputeBody(world, key, { subscriptionId: subscription.id }), world.otherIntegrator.key);
  t.equal(borrowed.statusCode, 403, "an integrator naming another integrator's subscription");
  t.match(borrowed.json(), { code: 'DX_ERR_DISPUTE_NOT_SUBSCRIBED', details: [{ path: 'subscriptionId' }] });

  const department = await raise(world, disputeBody(world, key), world.otherDepartment.key);
  t.equal(department.statusCode, 403, 'a department');
  t.equal(department.json().code, 'DX_ERR_AUTH_FORBIDDEN');

  const notGranted = await raise(world, disputeBody(world, key, { fields: ['residential_address'] }));
  t.equal(notGranted.statusCode, 400, 'a field the subscription was not granted');
  t.match(notGranted.json(), { code: 'DX_ERR_REQUEST_INVALID', details: [{ path: 'fields[0]', message: /not granted/ }] });

  const office = await raise(world, disputeBody(world, key, { fields: ['residential_address'] }), world.adminKey);
  t.equal(office.statusCode, 201, 'the data office may, on any item');
  t.equal(office.json().subscriptionId, null);

  await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/revoke`, headers: bearer(world.integrator.key), payload: {} });
  const revoked = await raise(world, disputeBody(world, key));
  t.equal(revoked.statusCode, 403, 'an integrator whose subscription was revoked');
});

t.test('only the parties see a dispute, its attachment and the notices', async (t) => {
  const { world, subscription, dispute } = await disputedWorld(t);
  for (const [who, key] of [['another integrator', world.otherIntegrator.key], ['another department', world.otherDepartment.key]] as const) {
    const read = await world.app.inject({ url: `/api/v1/disputes/${dispute.id}`, headers: bearer(key) });
    t.equal(read.statusCode, 404, `${who} reads it`);
    t.equal(read.json().code, 'DX_ERR_DISPUTE_NOT_FOUND');
    t.equal((await world.app.inject({ url: `/api/v1/disputes/${dispute.id}/attachment`, headers: bearer(key) })).statusCode, 404, `${who} downloads its attachment`);
    t.equal((await world.app.inject({ url: '/api/v1/disputes', headers: bearer(key) })).json().total, 0, `${who} lists it`);
  }
  const notices = await world.app.inject({ url: `/api/v1/subscriptions/${subscription.id}/disputes`, headers: bearer(world.otherIntegrator.key) });
  t.equal(notices.statusCode, 404, "another integrator reads a subscription's notices");
  for (const key of [world.integrator.key, world.provider.key, world.adminKey]) {
    t.equal((await world.app.inject({ url: `/api/v1/disputes/${dispute.id}`, headers: bearer(key) })).statusCode, 200, 'a party reads it');
  }
  const officeDispute = await raised(world, disputeBody(world, world.people(1)[0]!.id_number), world.adminKey);
  t.equal((await world.app.inject({ url: `/api/v1/disputes/${officeDispute.id}`, headers: bearer(world.integrator.key) })).statusCode, 404, "an integrator reads the office's dispute");
});

t.test('only the provider department or the data office may answer', async (t) => {
  const { world, dispute } = await disputedWorld(t);
  const byRaiser = await answer(world, dispute.id, 'confirm', world.integrator.key);
  t.equal(byRaiser.statusCode, 403, 'the integrator that raised it');
  t.equal(byRaiser.json().code, 'DX_ERR_AUTH_FORBIDDEN');
  const byOther = await answer(world, dispute.id, 'reject', world.otherDepartment.key, { reason: '不是我的数据' });
  t.equal(byOther.statusCode, 404, 'another department');
  t.equal(byOther.json().code, 'DX_ERR_DISPUTE_NOT_FOUND');
  t.equal((await world.app.inject({ url: `/api/v1/disputes/${dispute.id}`, headers: bearer(world.provider.key) })).json().status, 'open', 'nothing changed');
  const byOffice = await answer(world, dispute.id, 'reject', world.adminKey, { reason: '经核查数据无误' });
  t.equal(byOffice.statusCode, 200, 'the data office');
});
