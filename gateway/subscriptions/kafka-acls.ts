import type { KafkaAdmin } from '../kafka/client.ts';
import type { Logger } from 'pino';
import { allowTopicRead, hasAuthorizer, removeTopicReadAcls } from '../kafka/topic-acls.ts';
import type { KafkaAccess } from './kafka-access.ts';

export type AclOutcome = 'removed' | 'no-authorizer';

/**
 * The Kafka principal an integrator's own client authenticates as. The cluster operator creates the SASL user (or
 * maps the client certificate) under this name when the integrator is onboarded.
 */
export function kafkaPrincipalOf(integratorId: string): string {
  return `User:integrator-${integratorId}`;
}

/** Removes the integrator's read access to its subscription topic (granted by the projector). */
export async function removeTopicRead(admin: KafkaAdmin, topic: string, principal: string): Promise<AclOutcome> {
  if (!(await hasAuthorizer(admin))) return 'no-authorizer';
  await removeTopicReadAcls(admin, topic, principal);
  return 'removed';
}

/**
 * A topic's protection, as `delivery.acl` shows it: `applied` (the integrator's principal alone may read it; set
 * once), `failed` (setting the ACLs failed: nobody but super users reads it, retried at the next start),
 * `no-authorizer` (every client may read it: DX_ALLOW_UNSECURED_KAFKA allowed that) or `refused` (no authorizer
 * and no such permission: nothing is delivered; judged again at every start). `current` is the state stored.
 */
export async function grantTopicRead(deps: { admin: KafkaAdmin; access: KafkaAccess; log: Logger }, current: string | null, topic: string, principal: string): Promise<string> {
  if (current === 'applied') return 'applied';
  const access = await deps.access.state();
  if (access === 'unsecured-refused') return 'refused';
  if (access === 'unsecured-allowed') return 'no-authorizer';
  try {
    await allowTopicRead(deps.admin, topic, principal);
    return 'applied';
  } catch (err) {
    deps.log.warn({ err, topic }, 'could not set the ACLs of the topic');
    return 'failed';
  }
}
