import autocannon from 'autocannon';
import { getCanonicalSchema } from '../schemas/canonical.ts';
import { createFixtureGenerator } from '../schemas/fixtures/index.ts';
import { call, createDatabase, departmentKey, freshTopic, newAdminKey } from './context.ts';
import { startBenchGateway } from './gateway-process.ts';
import { topicResourceBody } from '../tests/helpers/resource.ts';

export interface PushResult {
  requests: number;
  recordsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** Batched POSTs of `batchSize` records from autocannon against an http-push connector. */
export async function measurePush(brokers: string[], options: { batchSize: number; connections: number; seconds: number; partitions: number }): Promise<PushResult> {
  const database = await createDatabase();
  const adminKey = newAdminKey();
  const gateway = await startBenchGateway({ DATABASE_URL: database.url, KAFKA_BROKERS: brokers.join(','), DX_ADMIN_TOKEN: adminKey, KAFKA_TOPIC_PARTITIONS: String(options.partitions) });
  try {
    const key = await departmentKey(gateway.url, adminKey, 'BENCH');
    const topic = freshTopic('push');
    await call(gateway.url, adminKey, 'POST', '/api/v1/catalog/resources', topicResourceBody('BENCH', topic));
    const connector = await call(gateway.url, key, 'POST', '/api/v1/connectors', {
      name: 'bench push',
      type: 'http-push',
      schema: 'population.person',
      topic,
      config: { maxRecordsPerRequest: options.batchSize },
      mapping: { fields: Object.fromEntries(Object.keys(getCanonicalSchema('population.person').jsonSchema.properties).map((field) => [field, field])) },
    });
    const fixtures = createFixtureGenerator({ seed: 99 });
    const body = JSON.stringify(Array.from({ length: options.batchSize }, () => fixtures.person()));
    const path = `/api/v1/ingest/${connector.id}`;
    await call(gateway.url, key, 'POST', path, JSON.parse(body));
    const result = await autocannon({
      url: `${gateway.url}${path}`,
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
      connections: options.connections,
      duration: options.seconds,
    });
    const ok = result['2xx'];
    return {
      requests: ok,
      recordsPerSecond: (ok * options.batchSize) / options.seconds,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      errors: result.non2xx + result.errors + result.timeouts,
    };
  } finally {
    await gateway.stop();
    await database.drop();
  }
}
