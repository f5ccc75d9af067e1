import { randomBytes } from 'node:crypto';

/** The broker `npm test` started (or KAFKA_BROKERS when the tests run against an existing cluster). */
export const TEST_BROKERS = (process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_LOCAL_PORT ?? 9092}`).split(',');

export function freshTopicName(purpose: string): string {
  return `test.${purpose}.${randomBytes(5).toString('hex')}`;
}
