import t from 'tap';
import { deriveSecrets } from '../../gateway/subscriptions/secrets.ts';

t.test('pseudonym keys and webhook secrets differ per subscription and are derived, not stored', async (t) => {
  const secrets = deriveSecrets('a configured secret of at least 32 characters');
  t.not(secrets.pseudonymKey('a').toString('hex'), secrets.pseudonymKey('b').toString('hex'));
  t.equal(secrets.webhookSecret('a'), secrets.webhookSecret('a'));
  t.not(secrets.webhookSecret('a'), secrets.webhookSecret('b'));
  t.not(deriveSecrets('another configured secret of 32 characters').webhookSecret('a'), secrets.webhookSecret('a'));
  t.match(secrets.webhookSecret('a'), /^whsec_[A-Za-z0-9_-]{43}$/);
});
