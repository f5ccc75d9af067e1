import t from 'tap';
import { loadSubscriptionSecret } from '../../gateway/subscriptions/secrets.ts';
import { createMigratedDatabase } from '../helpers/database.ts';

t.test('without DX_SUBSCRIPTION_SECRET one secret is generated, kept in the database and read by every later start', async (t) => {
  const db = await createMigratedDatabase(t);
  const [first, second] = await Promise.all([loadSubscriptionSecret(db, undefined), loadSubscriptionSecret(db, undefined)]);
  t.equal(first.source, 'database');
  t.equal(first.secret, second.secret, 'instances starting together agree');
  t.ok(first.secret.length >= 32);
  t.equal((await loadSubscriptionSecret(db, undefined)).secret, first.secret, 'a restart reads the same one');
  t.same(await loadSubscriptionSecret(db, 'a configured secret of at least 32 characters'), { secret: 'a configured secret of at least 32 characters', source: 'config' });
});
