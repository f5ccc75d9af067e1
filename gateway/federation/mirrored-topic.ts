/**
 * The name under which a peer's topic arrives in this cluster: MirrorMaker 2's DefaultReplicationPolicy prefixes
 * the source cluster's alias and a dot, and the alias of a peer's cluster is its instance id.
 */
export function mirroredTopic(ownerInstanceId: string, topic: string): string {
  return `${ownerInstanceId}.${topic}`;
}
