import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { buildWorld, subscribe } from '../subscriptions/world.ts';
import { answer, auditActions, disputeBody, eventually, raised } from './helpers.ts';

t.test('a dispute goes from the integrator to the provider and back, and links the corrected record when it arrives', async (t) => {
  const world = await buildWorld(t);
  const subscription = await subscribe(world);
  const [person] = world.people(1);
  await world.push([person!]);
  const dispute = await raised(world, disputeBody(world, person!.id_number));
  t.match(dispute, { status: 'open', subscriptionId: subscription.id, businessKey: person!.id_number, fields: ['registered_address'], overdue: false, answer: null, awaitingCorrection: false });
  t.match(dispute.answerDue, /^\d{4}-\d{2}-\d{2}$/);

  const providerList = (await world.app.inject({ url: '/api/v1/disputes', headers: bearer(world.provider.key) })).json();
  t.same(providerList.items.map((item: { id: string }) => item.id), [dispute.id], 'the provider department sees it in its list');
  const otherList = (await world.app.inject({ url: '/api/v1/disputes', headers: bearer(world.otherDepartment.key) })).json();
  t.equal(otherList.total, 0, 'another department does not');

  const confirmed = await answer(world, dispute.id, 'confirm', world.provider.key, { note: '已按迁移证更正户籍地址' });
  t.equal(confirmed.statusCode, 200, confirmed.body);
  t.match(confirmed.json(), { status: 'confirmed', answer: { reason: '已按迁移证更正户籍地址', late: false }, awaitingCorrection: true, correction: null });

  await world.push([{ ...person!, registered_address: '福建省福州市鼓楼区五四路100号' }]);
  const corrected = await eventually(async () => {
    const current = (await world.app.inject({ url: `/api/v1/disputes/${dispute.id}`, headers: bearer(world.integrator.key) })).json();
    return current.correction ? current : undefined;
  });
  t.ok(corrected, 'the dispute links to the record\'s new version');
  t.match(corrected, { awaitingCorrection: false, correction: { topic: world.topic, partition: Number, offset: String } });

  const notices = (await world.app.inject({ url: `/api/v1/subscriptions/${subscription.id}/disputes`, headers: bearer(world.integrator.key) })).json();
  t.equal(notices.total, 1, 'the subscriber is told of the confirmed dispute');
  t.match(notices.items[0], { disputeId: dispute.id, fields: ['registered_address'], note: '已按迁移证更正户籍地址', correction: { offset: corrected.correction.offset } });
  t.not(notices.items[0].key, person!.id_number, 'the key is masked as the subscription receives it');

  t.same(await auditActions(world, dispute.id), ['dispute.raise', 'dispute.confirm', 'dispute.corrected'], 'every step is audited');
  const entries = (await world.app.inject({ url: `/api/v1/audit?objectId=${dispute.id}`, headers: bearer(world.adminKey) })).body;
  t.notOk(entries.includes(person!.id_number), 'the audit log names no business key');
  t.notOk(entries.includes('QY-2026-0815'), 'nor the evidence');
});

t.test('a record pushed before the confirmation is not taken for its correction', async (t) => {
  const world = await buildWorld(t);
  await subscribe(world);
  const [person] = world.people(1);
  await world.push([person!, { ...person!, registered_address: '旧地址再次推送' }]);
  const dispute = await raised(world, disputeBody(world, person!.id_number));
  t.equal((await answer(world, dispute.id, 'confirm', world.provider.key)).statusCode, 200);
  await new Promise((resolve) => setTimeout(resolve, 4000));
  const current = (await world.app.inject({ url: `/api/v1/disputes/${dispute.id}`, headers: bearer(world.provider.key) })).json();
  t.match(current, { awaitingCorrection: true, correction: null });
});

t.test('a rejection needs its reason, and a dispute is answered once', async (t) => {
  const world = await buildWorld(t);
  await subscribe(world);
  const dispute = await raised(world, disputeBody(world, world.people(1)[0]!.id_number));
  const noReason = await answer(world, dispute.id, 'reject', world.provider.key, {});
  t.equal(noReason.statusCode, 400);
  t.match(noReason.json(), { code: 'DX_ERR_REQUEST_INVALID', details: [{ path: 'reason' }] });
  const rejected = await answer(world, dispute.id, 'reject', world.provider.key, { reason: '户籍系统记录与迁移证一致，地址无误' });
  t.equal(rejected.statusCode, 200);
  t.match(rejected.json(), { status: 'rejected', answer: { reason: '户籍系统记录与迁移证一致，地址无误' }, awaitingCorrection: false });
  const again = await answer(world, dispute.id, 'confirm', world.provider.key);
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'DX_ERR_DISPUTE_STATE');
  t.same(await auditActions(world, dispute.id), ['dispute.raise', 'dispute.reject']);
});

t.test('an attachment is kept within the cap and read back as sent; a larger one is refused naming the field', async (t) => {
  const world = await buildWorld(t, { env: { DX_DISPUTE_ATTACHMENT_MAX_BYTES: '2048' } });
  await subscribe(world);
  const key = world.people(1)[0]!.id_number;
  const file = Buffer.from(Array.from({ length: 2048 }, (_, index) => index % 251));
  const kept = await raised(world, disputeBody(world, key, { attachment: { name: '迁移证.pdf', contentType: 'application/pdf', data: file.toString('base64') } }));
  t.same(kept.attachment, { name: '迁移证.pdf', contentType: 'application/pdf', bytes: 2048 });
  const download = await world.app.inject({ url: `/api/v1/disputes/${kept.id}/attachment`, headers: bearer(world.provider.key) });
  t.equal(download.statusCode, 200);
  t.ok(download.rawPayload.equals(file), 'byte for byte');
  t.equal(download.headers['content-type'], 'application/octet-stream', 'never rendered by the browser');

  const tooLarge = await world.app.inject({ method: 'POST', url: '/api/v1/disputes', headers: bearer(world.integrator.key), payload: disputeBody(world, key, { attachment: { name: 'big.pdf', contentType: 'application/pdf', data: Buffer.alloc(2049, 1).toString('base64') } }) });
  t.equal(tooLarge.statusCode, 400);
  t.match(tooLarge.json(), { code: 'DX_ERR_REQUEST_INVALID', details: [{ path: 'attachment.data', message: /2049 bytes; at most 2048/ }] });
  const notBase64 = await world.app.inject({ method: 'POST', url: '/api/v1/disputes', headers: bearer(world.integrator.key), payload: disputeBody(world, key, { attachment: { name: 'x', contentType: 'text/plain', data: '<script>' } }) });
  t.equal(notBase64.statusCode, 400);
  t.match(JSON.stringify(notBase64.json().details), /attachment\.data/);
});
