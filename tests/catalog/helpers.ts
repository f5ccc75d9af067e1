import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../gateway/app.ts';
import { generateApiKey } from '../../gateway/auth/api-key.ts';
import { loadConfig } from '../../gateway/config.ts';
import { createLogger } from '../../gateway/logger.ts';
import type { CatalogOptions } from '../../gateway/plugins/catalog.ts';
import { bearer } from '../helpers/app.ts';
import { TEST_AUDIT_KEY } from '../helpers/audit-key.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { TEST_BROKERS } from '../helpers/kafka.ts';
import { TEST_SECRET_KEY } from '../helpers/secret-key.ts';

interface TestContext {
  teardown(fn: () => unknown): void;
}

/** A clock the test moves by hand. */
export function manualClock(start = new Date()): { now: () => Date; advance(ms: number): void; set(at: Date): void } {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(ms) {
      current += ms;
    },
    set(at) {
      current = at.getTime();
    },
  };
}

/**
 * The gateway on the real broker and a fresh database (or `databaseUrl`, to start a second instance on it), with
 * catalogue options such as a clock; closed when the test ends.
 */
export async function buildCatalogApp(
  t: TestContext,
  catalog: CatalogOptions = {},
  options: { databaseUrl?: string; adminKey?: string } = {},
): Promise<{ app: FastifyInstance; adminKey: string; databaseUrl: string }> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase(t));
  const adminKey = options.adminKey ?? generateApiKey();
  const config = loadConfig({ DATABASE_URL: databaseUrl, DX_ADMIN_TOKEN: adminKey, DX_SECRET_KEY: TEST_SECRET_KEY, DX_AUDIT_KEY: TEST_AUDIT_KEY, LOG_LEVEL: 'warn', DX_REGISTER_RESOURCES: 'none' });
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const app = await buildApp({ config, database: { url: databaseUrl, poolSize: 4 }, kafkaBrokers: TEST_BROKERS, logger: createLogger(config.LOG_LEVEL, sink), catalog });
  t.teardown(() => app.close());
  return { app, adminKey, databaseUrl };
}

type Item = { name: string; canonicalField?: string | null; dataType: string; sensitivity: number; masking: string; shareable: boolean };

/** A valid department resource body; override what the test is about. */
export function departmentResource(sequence: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const items: Item[] = [
    { name: '学校名称', dataType: 'string', sensitivity: 1, masking: 'none', shareable: true },
    { name: '办学许可证号', dataType: 'string', sensitivity: 2, masking: 'none', shareable: true },
  ];
  return {
    code: `301001/${String(sequence).padStart(6, '0')}`,
    name: `部门资源${sequence}`,
    kind: 'department',
    summary: '部门自建系统的业务数据。',
    keywords: [],
    format: 'database',
    items,
    sharing: { type: 'unconditional', methods: ['interface'] },
    open: { open: false },
    updateCycle: 'monthly',
    ...overrides,
  };
}

export async function createResource(app: FastifyInstance, key: string, body: Record<string, unknown>): Promise<Record<string, any>> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(key), payload: body });
  if (response.statusCode !== 201) throw new Error(`create ${String(body['code'])}: ${response.statusCode} ${response.body}`);
  return response.json();
}

export async function searchCatalog(app: FastifyInstance, key: string, query: string): Promise<Record<string, any>> {
  const response = await app.inject({ url: `/api/v1/catalog/resources?${query}`, headers: bearer(key) });
  if (response.statusCode !== 200) throw new Error(`search ${query}: ${response.statusCode} ${response.body}`);
  return response.json();
}
