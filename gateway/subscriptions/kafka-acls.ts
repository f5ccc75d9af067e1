import type { KafkaAdmin } from '../kafka/client.ts';
import { hasAuthorizer, removeTopicReadAcls } from '../kafka/topic-acls.ts';

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
