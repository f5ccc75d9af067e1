import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../plugins/db.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { SEALED_FOR } from '../security/sealed-for.ts';

const SECRET_NAME = 'subscription-secret';

/** Per-subscription keys, derived from the gateway's secret so none of them is stored. */
export interface SubscriptionSecrets {
  /** The key of the subscription's pseudonyms (masking rule `pseudonym`). */
  pseudonymKey(subscriptionId: string): Buffer;
  /** The secret the subscription's webhook batches are signed with; shown to the integrator once, at creation. */
  webhookSecret(subscriptionId: string): string;
}

export function deriveSecrets(master: string): SubscriptionSecrets {
  const derive = (label: string, subscriptionId: string) => createHmac('sha256', master).update(`${label}\u0000${subscriptionId}`).digest();
  return {
    pseudonymKey: (subscriptionId) => derive('dx-pseudonym', subscriptionId),
    webhookSecret: (subscriptionId) => `whsec_${derive('dx-webhook', subscriptionId).toString('base64url')}`,
  };
}

/**
 * The configured secret (DX_SUBSCRIPTION_SECRET), or else the one generated on the first start and kept in
 * `gateway_secrets`, sealed with the gateway's secret key; instances starting together agree on one. A secret kept
 * in clear by an older version, or sealed with a previous key, is sealed again (compare-and-set, so once).
 */
export async function loadSubscriptionSecret(db: Db, configured: string | undefined, box: SecretBox): Promise<{ secret: string; source: 'config' | 'database' }> {
  if (configured !== undefined) return { secret: configured, source: 'config' };
  const context = SEALED_FOR.gatewaySecret(SECRET_NAME);
  await db.query('INSERT INTO gateway_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [SECRET_NAME, box.seal(randomBytes(32).toString('base64url'), context)]);
  const { rows } = await db.query<{ value: string }>('SELECT value FROM gateway_secrets WHERE name = $1', [SECRET_NAME]);
  const stored = (rows[0] as { value: string }).value;
  const secret = box.reveal(stored, context);
  if (!box.isSealed(stored) || !box.isCurrent(stored)) {
    await db.query('UPDATE gateway_secrets SET value = $2 WHERE name = $1 AND value = $3', [SECRET_NAME, box.seal(secret, context), stored]);
  }
  return { secret, source: 'database' };
}
