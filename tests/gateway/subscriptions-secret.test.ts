import t from 'tap';
import { loadSubscriptionSecret } from '../../gateway/subscriptions/secrets.ts';
import { createMigratedDatabase } from '../helpers/database.ts';
import { testSecretBox } from '../helpers/secret-key.ts';

t.test('without DX_SUBSCRIPTION_SECRET one secret is generated, kept in the database and read by every later start', async (t) => {
  const db = await createMigratedDatabase(t);
  const box = testSecretBox();
  const [first, second] = await Promise.all([loadSubscriptionSecret(db, undefined, box), loadSubscriptionSecret(db, undefined, box)]);
  t.equal(first.source, 'database');
  t.equal(first.secret, second.secret, 'instances starting together agree');
  t.ok(first.secret.length >= 32);
  t.equal((await loadSubscriptionSecret(db, undefined, box)).secret, first.secret, 'a restart reads the same one');
  t.same(await loadSubscriptionSecret(db, 'a configured secret of at least 32 characters', box), { secret: 'a configured secret of at least 32 characters', source: 'config' });
});
