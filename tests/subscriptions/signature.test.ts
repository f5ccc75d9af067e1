import { createHmac } from 'node:crypto';
import t from 'tap';
import { signWebhook, verifyWebhook } from '../../gateway/subscriptions/signature.ts';

const SECRET = 'whsec_test-secret';
const BODY = '{"subscriptionId":"s","records":[]}';
const AT = new Date('2026-11-25T08:00:00Z');

t.test('the signature is t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body" under the secret>', async (t) => {
  const expected = createHmac('sha256', SECRET).update(`1795593600.${BODY}`).digest('hex');
  t.equal(signWebhook(SECRET, BODY, AT), `t=1795593600,v1=${expected}`);
});

t.test('a signature verifies against its body, and not against another body or secret', async (t) => {
  const header = signWebhook(SECRET, BODY, AT);
  t.ok(verifyWebhook(SECRET, BODY, header, { now: AT }));
  t.notOk(verifyWebhook(SECRET, `${BODY} `, header, { now: AT }));
  t.notOk(verifyWebhook('whsec_other', BODY, header, { now: AT }));
  t.notOk(verifyWebhook(SECRET, BODY, undefined, { now: AT }));
  t.notOk(verifyWebhook(SECRET, BODY, 't=abc,v1=00', { now: AT }));
});

t.test('a signature older than the tolerance is refused, so a captured request cannot be replayed', async (t) => {
  const header = signWebhook(SECRET, BODY, AT);
  t.ok(verifyWebhook(SECRET, BODY, header, { now: new Date(AT.getTime() + 299_000) }));
  t.notOk(verifyWebhook(SECRET, BODY, header, { now: new Date(AT.getTime() + 301_000) }));
});
