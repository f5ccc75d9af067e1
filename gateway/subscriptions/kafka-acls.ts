import kafkajs, { type AclEntry, type Admin } from 'kafkajs';

// Not found by Node's named-export detection of the CommonJS module.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

export type AclOutcome = 'applied' | 'removed' | 'no-authorizer';

/**
 * The Kafka principal an integrator's own client authenticates as. The cluster operator creates the SASL user (or
 * maps the client certificate) under this name when the integrator is onboarded.
 */
export function kafkaPrincipalOf(integratorId: string): string {
  return `User:integrator-${integratorId}`;
}

/** Read the subscription topic (read and describe), and use consumer groups named after it. */
function entriesFor(topic: string, principal: string): AclEntry[] {
  const allow = { principal, host: '*', permissionType: AclPermissionTypes.ALLOW };
  return [
    { ...allow, resourceType: AclResourceTypes.TOPIC, resourceName: topic, resourcePatternType: ResourcePatternTypes.LITERAL, operation: AclOperationTypes.READ },
    { ...allow, resourceType: AclResourceTypes.TOPIC, resourceName: topic, resourcePatternType: ResourcePatternTypes.LITERAL, operation: AclOperationTypes.DESCRIBE },
    { ...allow, resourceType: AclResourceTypes.GROUP, resourceName: topic, resourcePatternType: ResourcePatternTypes.PREFIXED, operation: AclOperationTypes.READ },
  ];
}

function isSecurityDisabled(error: unknown): boolean {
  const { type, message } = (error ?? {}) as { type?: unknown; message?: unknown };
  return type === 'SECURITY_DISABLED' || (typeof message === 'string' && /security features are disabled/i.test(message));
}

/** Whether the cluster has an authorizer: describing ACLs fails with SECURITY_DISABLED (error 54) when it has none. */
async function hasAuthorizer(admin: Admin, topic: string): Promise<boolean> {
  try {
    await admin.describeAcls({
      resourceType: AclResourceTypes.TOPIC,
      resourceName: topic,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    return true;
  } catch (err) {
    if (isSecurityDisabled(err)) return false;
    throw err;
  }
}

/** Lets the integrator read its subscription topic; without an authorizer every client may, and nothing is set. */
export async function grantTopicRead(admin: Admin, topic: string, principal: string): Promise<AclOutcome> {
  if (!(await hasAuthorizer(admin, topic))) return 'no-authorizer';
  await admin.createAcls({ acl: entriesFor(topic, principal) });
  return 'applied';
}

export async function removeTopicRead(admin: Admin, topic: string, principal: string): Promise<AclOutcome> {
  if (!(await hasAuthorizer(admin, topic))) return 'no-authorizer';
  await admin.deleteAcls({ filters: entriesFor(topic, principal) });
  return 'removed';
}
