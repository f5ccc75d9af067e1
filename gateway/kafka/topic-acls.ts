import kafkajs, { type AclEntry } from 'kafkajs';
import type { KafkaAdmin } from './client.ts';

// Not found by Node's named-export detection of the CommonJS module.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

/** Read the topic (read and describe), and use consumer groups whose names start with the topic's name. */
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
export async function hasAuthorizer(admin: KafkaAdmin): Promise<boolean> {
  try {
    await admin.describeAcls({
      resourceType: AclResourceTypes.TOPIC,
      resourceName: 'dx-authorizer-probe',
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

/** Lets `principal` read `topic` and use consumer groups prefixed with its name. */
export async function allowTopicRead(admin: KafkaAdmin, topic: string, principal: string): Promise<void> {
  await admin.createAcls({ acl: entriesFor(topic, principal) });
}

/** Removes what `allowTopicRead` granted. */
export async function removeTopicReadAcls(admin: KafkaAdmin, topic: string, principal: string): Promise<void> {
  await admin.deleteAcls({ filters: entriesFor(topic, principal) });
}
