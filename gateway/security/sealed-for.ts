/** The contexts values are sealed for (see SecretBox): one place, so writer and reader agree. */
export const SEALED_FOR = {
  connectorSecret: (connectorId: string, path: string) => `connector:${connectorId}:${path}`,
  rejectedSource: (connectorId: string) => `rejected-record:${connectorId}`,
  ingestAnswer: (connectorId: string, idempotencyKey: string) => `ingest-answer:${connectorId}:${idempotencyKey}`,
  gatewaySecret: (name: string) => `gateway-secret:${name}`,
};
