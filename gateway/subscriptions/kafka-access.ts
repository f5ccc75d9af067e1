import { dxError } from '../errors.ts';
import type { KafkaAdmin } from '../kafka/client.ts';
import { hasAuthorizer } from '../kafka/topic-acls.ts';

/** Whether kafka delivery may run: the cluster enforces ACLs, or the operator accepted one that does not. */
export type KafkaAccessState = 'secured' | 'unsecured-allowed' | 'unsecured-refused';

export interface KafkaAccess {
  state(): Promise<KafkaAccessState>;
  /**
   * Throws DX_ERR_SUBSCRIPTION_KAFKA_UNSECURED (409, path `delivery.mode`) when kafka delivery is refused, and
   * DX_ERR_KAFKA_UNAVAILABLE (503) when the cluster cannot be asked.
   */
  assertAllowed(): Promise<void>;
}

// An authorizer is configured per broker start; asking again after a minute notices a cluster reconfigured meanwhile.
const REMEMBER_MS = 60_000;

/** `allowUnsecured`: DX_ALLOW_UNSECURED_KAFKA. */
export function createKafkaAccess(admin: KafkaAdmin, allowUnsecured: boolean): KafkaAccess {
  let known: { at: number; secured: Promise<boolean> } | undefined;

  async function secured(): Promise<boolean> {
    if (known && Date.now() - known.at < REMEMBER_MS) return known.secured;
    const entry = { at: Date.now(), secured: hasAuthorizer(admin) };
    known = entry;
    entry.secured.catch(() => {
      if (known === entry) known = undefined;
    });
    return entry.secured;
  }

  async function state(): Promise<KafkaAccessState> {
    if (await secured()) return 'secured';
    return allowUnsecured ? 'unsecured-allowed' : 'unsecured-refused';
  }

  return {
    state,
    async assertAllowed() {
      const now = await state().catch((err: unknown) => {
        throw dxError('DX_ERR_KAFKA_UNAVAILABLE', { cause: err });
      });
      if (now !== 'unsecured-refused') return;
      const message = 'is kafka, and the Kafka cluster has no authorizer: every client reaching it could read every topic; ask for http or webhook delivery (the operator may set DX_ALLOW_UNSECURED_KAFKA=true on a closed network)';
      throw dxError('DX_ERR_SUBSCRIPTION_KAFKA_UNSECURED', { message: `delivery.mode ${message}`, details: [{ path: 'delivery.mode', message }] });
    },
  };
}
