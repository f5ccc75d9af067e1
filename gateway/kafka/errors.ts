// kafkajs gives up on a down broker with these; the broker may be back by the next attempt.
const TRANSIENT = new Set(['KafkaJSNumberOfRetriesExceeded', 'KafkaJSConnectionError', 'KafkaJSRequestTimeoutError', 'KafkaJSBrokerNotFound', 'KafkaJSConnectionClosedError']);

/** A fault of the Kafka client that another attempt may not meet (the broker down or unreachable). */
export function isRetriableKafkaError(error: Error): boolean {
  return TRANSIENT.has(error.name);
}

/** Any error raised by the Kafka client: the broker could not take the request. */
export function isKafkaError(error: unknown): boolean {
  return error instanceof Error && error.name.startsWith('KafkaJS');
}
