import type { KafkaAdmin } from '../kafka/client.ts';
import { allowTopicRead, hasAuthorizer, removeTopicReadAcls } from '../kafka/topic-acls.ts';

export type AclOutcome = 'applied' | 'removed' | 'no-authorizer';

/**
 * The Kafka principal an integrator's own client authenticates as. The cluster operator creates the SASL user (or
 * maps the client certificate) under this name when the integrator is onboarded.
 */
export function kafkaPrincipalOf(integratorId: string): string {
  return `User:integrator-${integratorId}`;
}

/** Lets the integrator read its subscription topic; without an authorizer every client may, and nothing is set. */
export async function grantTopicRead(admin: KafkaAdmin, topic: string, principal: string): Promise<AclOutcome> {
  if (!(await hasAuthorizer(admin))) return 'no-authorizer';
  await allowTopicRead(admin, topic, principal);
  return 'applied';
}

export async function removeTopicRead(admin: KafkaAdmin, topic: string, principal: string): Promise<AclOutcome> {
  if (!(await hasAuthorizer(admin))) return 'no-authorizer';
  await removeTopicReadAcls(admin, topic, principal);
  return 'removed';
}
