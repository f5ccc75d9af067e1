import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../gateway/app.ts';
import { generateApiKey } from '../../gateway/auth/api-key.ts';
import { loadConfig } from '../../gateway/config.ts';
import { createLogger } from '../../gateway/logger.ts';
import { TEST_AUDIT_KEY } from './audit-key.ts';
import { createTestDatabase } from './database.ts';
import { TEST_BROKERS } from './kafka.ts';
import { TEST_SECRET_KEY } from './secret-key.ts';

export const TEST_ALLOWED_HOSTS = '127.0.0.0/8,::1';

export interface TestApp {
  app: FastifyInstance;
  /** The data office key the app was bootstrapped with. */
  adminKey: string;
  databaseUrl: string;
  /** Every log line the app wrote, as raw JSON text. */
  logs: string[];
}

interface TestContext {
  teardown(fn: () => unknown): void;
}

/**
 * Builds the gateway on a fresh database of the real PostgreSQL and the real test broker (or, with `instanceOf`, a
 * second instance on that gateway's database); closed when the test ends.
 */
export async function buildTestApp(
  t: TestContext,
  options: { brokers?: string[]; env?: Record<string, string>; adminDatabaseUrl?: string; instanceOf?: TestApp; hostResolver?: (host: string) => Promise<string[]> } = {},
): Promise<TestApp> {
  const databaseUrl = options.instanceOf?.databaseUrl ?? (await createTestDatabase(t, options.adminDatabaseUrl));
  const adminKey = options.instanceOf?.adminKey ?? generateApiKey();
  // The sources and receivers of the tests run on this machine; a production start allows no loopback by default.
  const config = loadConfig({ DATABASE_URL: databaseUrl, DX_ADMIN_TOKEN: adminKey, DX_SECRET_KEY: TEST_SECRET_KEY, DX_AUDIT_KEY: TEST_AUDIT_KEY, LOG_LEVEL: 'info', DX_ALLOWED_HOSTS: TEST_ALLOWED_HOSTS, DX_REGISTER_RESOURCES: 'none', ...options.env });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const app = await buildApp({
    config,
    database: { url: databaseUrl, poolSize: 4 },
    kafkaBrokers: options.brokers ?? TEST_BROKERS,
    logger: createLogger(config.LOG_LEVEL, sink),
    ...(options.hostResolver ? { hostResolver: options.hostResolver } : {}),
  });
  t.teardown(() => app.close());
  return { app, adminKey, databaseUrl, logs };
}

export function bearer(key: string): { authorization: string } {
  return { authorization: `Bearer ${key}` };
}
