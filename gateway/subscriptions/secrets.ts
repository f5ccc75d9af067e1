import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../plugins/db.ts';

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
 * `gateway_secrets`; instances starting together agree on one.
 */
export async function loadSubscriptionSecret(db: Db, configured: string | undefined): Promise<{ secret: string; source: 'config' | 'database' }> {
  if (configured !== undefined) return { secret: configured, source: 'config' };
  await db.query('INSERT INTO gateway_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [SECRET_NAME, randomBytes(32).toString('base64url')]);
  const { rows } = await db.query<{ value: string }>('SELECT value FROM gateway_secrets WHERE name = $1', [SECRET_NAME]);
  return { secret: (rows[0] as { value: string }).value, source: 'database' };
}
