import { createHmac, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../gateway/app.ts';
import { generateApiKey } from '../../gateway/auth/api-key.ts';
import { loadConfig } from '../../gateway/config.ts';
import { createLogger } from '../../gateway/logger.ts';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import type { PersonRecord } from '../../schemas/records.ts';
import { bearer, TEST_ALLOWED_HOSTS } from '../helpers/app.ts';
import { TEST_SECRET_KEY } from '../helpers/secret-key.ts';
import { TEST_AUDIT_KEY } from '../helpers/audit-key.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { createDepartment, createIntegrator } from '../helpers/department.ts';
import { freshTopicName, TEST_BROKERS } from '../helpers/kafka.ts';

interface TestContext {
  teardown(fn: () => unknown): void;
}

/** The secret subscription keys derive from in these tests, so a test can compute the expected pseudonyms. */
export const TEST_SUBSCRIPTION_SECRET = 'test-subscription-secret-0123456789abcdef';
export const PROVIDER = 'HJJ';

type SharingType = 'unconditional' | 'conditional' | 'not-shared';

/**
 * The items of the test resource (population.person fields), one per masking case: id_number partial (the record
 * key), name partial, sex as is, ethnicity and registered_address pseudonymised, residential_address dropped,
 * id_card_issuing_authority not shareable; the other fields as is.
 */
export const ITEMS = [
  { name: '公民身份号码', canonicalField: 'id_number', dataType: 'string', sensitivity: 4, masking: 'partial', shareable: true },
  { name: '姓名', canonicalField: 'name', dataType: 'string', sensitivity: 3, masking: 'partial', shareable: true },
  { name: '曾用名', canonicalField: 'former_name', dataType: 'string', sensitivity: 3, masking: 'none', shareable: true },
  { name: '性别', canonicalField: 'sex', dataType: 'string', sensitivity: 2, masking: 'none', shareable: true },
  { name: '民族', canonicalField: 'ethnicity', dataType: 'string', sensitivity: 3, masking: 'pseudonym', shareable: true },
  { name: '出生日期', canonicalField: 'birth_date', dataType: 'date', sensitivity: 3, masking: 'none', shareable: true },
  { name: '户籍地址', canonicalField: 'registered_address', dataType: 'string', sensitivity: 3, masking: 'pseudonym', shareable: true },
  { name: '户籍地行政区划代码', canonicalField: 'registered_division_code', dataType: 'string', sensitivity: 1, masking: 'none', shareable: true },
  { name: '居住地址', canonicalField: 'residential_address', dataType: 'string', sensitivity: 3, masking: 'drop', shareable: true },
  { name: '签发机关', canonicalField: 'id_card_issuing_authority', dataType: 'string', sensitivity: 1, masking: 'none', shareable: false },
];

export const IDENTITY_MAPPING = { fields: Object.fromEntries(['id_number', 'name', 'former_name', 'sex', 'ethnicity', 'birth_date', 'registered_address', 'registered_division_code', 'residential_address', 'id_card_issuing_authority'].map((field) => [field, field])) };

export interface Party {
  id: string;
  key: string;
}

export interface World {
  app: FastifyInstance;
  adminKey: string;
  databaseUrl: string;
  /** The provider department of the resource, another department, two integrators. */
  provider: Party;
  otherDepartment: Party;
  integrator: Party;
  otherIntegrator: Party;
  resource: Record<string, any>;
  /** The body the resource was created with. */
  resourceBody: Record<string, unknown>;
  topic: string;
  /** The provider's http-push connector feeding the topic. */
  connectorId: string;
  /** Pushes person records through the provider's http-push connector onto the resource topic. */
  push(records: PersonRecord[]): Promise<void>;
  people(count: number): PersonRecord[];
}

export interface WorldOptions {
  sharing?: SharingType;
  env?: Record<string, string>;
  hostResolver?: AppOptions['hostResolver'];
  catalog?: AppOptions['catalog'];
  holidayNoticesDir?: string;
  /** Reuse a database (a second instance, or a restart). */
  databaseUrl?: string;
  adminKey?: string;
  /** Another cluster than the shared test broker (give its credentials in `env`). */
  kafkaBrokers?: string[];
  /** Where the gateway's log lines go (discarded by default). */
  logSink?: Writable;
}

export async function buildGateway(t: TestContext, options: WorldOptions = {}): Promise<{ app: FastifyInstance; adminKey: string; databaseUrl: string }> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase(t));
  const adminKey = options.adminKey ?? generateApiKey();
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    DX_ADMIN_TOKEN: adminKey,
    DX_SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: 'warn',
    DX_SUBSCRIPTION_SECRET: TEST_SUBSCRIPTION_SECRET,
    DX_AUDIT_KEY: TEST_AUDIT_KEY,
    DX_SCHEDULER_HEARTBEAT_MS: '1000',
    DX_ALLOWED_HOSTS: TEST_ALLOWED_HOSTS,
    DX_REGISTER_RESOURCES: 'none',
    ...options.env,
  });
  const sink = options.logSink ?? new Writable({ write: (_chunk, _encoding, done) => done() });
  const app = await buildApp({
    config,
    database: { url: databaseUrl, poolSize: 6 },
    kafkaBrokers: options.kafkaBrokers ?? TEST_BROKERS,
    logger: createLogger(config.LOG_LEVEL, sink),
    ...(options.hostResolver ? { hostResolver: options.hostResolver } : {}),
    ...(options.catalog ? { catalog: options.catalog } : {}),
    ...(options.holidayNoticesDir ? { holidayNoticesDir: options.holidayNoticesDir } : {}),
  });
  t.teardown(() => app.close());
  return { app, adminKey, databaseUrl };
}

function sharingOf(type: SharingType) {
  if (type === 'not-shared') return { type, condition: '《居民身份证法》第十九条：不得向无关单位提供', methods: [] };
  if (type === 'conditional') return { type, condition: '仅限办理户籍相关业务', methods: ['database-table', 'interface'] };
  return { type, methods: ['database-table', 'interface'] };
}

/** The catalogue body of a department resource of person records with ITEMS, on `topic`. */
export function personResource(code: string, topic: string, sharing: SharingType): Record<string, unknown> {
  return {
    code,
    name: '户籍人口信息',
    kind: 'department',
    summary: '户籍人口的基本信息。',
    format: 'database',
    items: ITEMS,
    sharing: sharingOf(sharing),
    open: { open: false },
    updateCycle: 'real-time',
    topic,
    schemaSubject: 'population.person-value',
  };
}

/** A gateway with a provider department, its person resource on a fresh topic fed by an http-push connector, and two integrators. */
export async function buildWorld(t: TestContext, options: WorldOptions = {}): Promise<World> {
  const { app, adminKey, databaseUrl } = await buildGateway(t, options);
  const [provider, otherDepartment, integrator, otherIntegrator] = await Promise.all([
    createDepartment(app, adminKey, PROVIDER, '市户籍管理局'),
    createDepartment(app, adminKey, 'MZJ', '市民政局'),
    createIntegrator(app, adminKey, '一网通办平台'),
    createIntegrator(app, adminKey, '其他平台'),
  ]);
  const topic = freshTopicName('sub');
  const sequence = randomBytes(3).readUIntBE(0, 3) % 1_000_000;
  const resourceBody = personResource(`301099/${String(sequence).padStart(6, '0')}`, topic, options.sharing ?? 'unconditional');
  // The data office catalogues it: only the office assigns a resource's topic.
  const created = await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(adminKey), payload: { ...resourceBody, providerCode: PROVIDER, providerName: '市户籍管理局' } });
  if (created.statusCode !== 201) throw new Error(`resource: ${created.body}`);
  const connector = await app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: bearer(provider.key),
    payload: { name: '户籍推送', type: 'http-push', schema: 'population.person', topic, config: { maxRecordsPerRequest: 1000 }, mapping: IDENTITY_MAPPING },
  });
  if (connector.statusCode !== 201) throw new Error(`connector: ${connector.body}`);
  const connectorId = connector.json().id as string;
  const fixtures = createFixtureGenerator({ seed: sequence });
  return {
    app,
    adminKey,
    databaseUrl,
    provider,
    otherDepartment,
    integrator,
    otherIntegrator,
    resource: created.json(),
    resourceBody,
    topic,
    connectorId,
    people: (count) => Array.from({ length: count }, () => fixtures.person()),
    async push(records) {
      const response = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connectorId}`, headers: bearer(provider.key), payload: records });
      if (response.statusCode !== 202 || response.json().accepted !== records.length) throw new Error(`push: ${response.statusCode} ${response.body}`);
    },
  };
}

export const PERSON_FIELDS = ['id_number', 'name', 'sex', 'ethnicity', 'birth_date', 'registered_address'];

/** Requests a subscription as `integrator`; answers the response. */
export function requestSubscription(world: World, body: Record<string, unknown>, key = world.integrator.key) {
  return world.app.inject({
    method: 'POST',
    url: '/api/v1/subscriptions',
    headers: bearer(key),
    payload: { resourceId: world.resource.id, purpose: '办理入学资格审核', legalBasis: '《义务教育法》第十二条', fields: PERSON_FIELDS, delivery: { mode: 'http' }, ...body },
  });
}

/** Requests a subscription and fails the test set-up unless it is created. */
export async function subscribe(world: World, body: Record<string, unknown> = {}, key = world.integrator.key): Promise<Record<string, any>> {
  const response = await requestSubscription(world, body, key);
  if (response.statusCode !== 201) throw new Error(`subscribe: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** The pseudonym the tests expect, computed by the documented derivation rather than by the gateway's code. */
export function expectedPseudonym(subscriptionId: string, value: string): string {
  const key = createHmac('sha256', TEST_SUBSCRIPTION_SECRET).update(`dx-pseudonym\u0000${subscriptionId}`).digest();
  return createHmac('sha256', key).update(value).digest('hex');
}

/** What a subscription granted `fields` of ITEMS must deliver of `person`, written out rule by rule. */
export function expectedRecord(person: PersonRecord, subscriptionId: string, fields: readonly string[]): Record<string, unknown> {
  const value = person as unknown as Record<string, string | null>;
  const rules: Record<string, (text: string) => string> = {
    id_number: (text) => `${text.slice(0, 6)}${'*'.repeat(11)}${text.slice(17)}`,
    name: (text) => `${[...text][0]}${'*'.repeat([...text].length - 1)}`,
    ethnicity: (text) => expectedPseudonym(subscriptionId, text),
    registered_address: (text) => expectedPseudonym(subscriptionId, text),
  };
  return Object.fromEntries(
    ITEMS.filter((item) => fields.includes(item.canonicalField)).map(({ canonicalField: field }) => {
      const original = value[field] ?? null;
      const rule = rules[field];
      return [field, original === null || rule === undefined ? original : rule(original)];
    }),
  );
}

/**
 * What a subscription should deliver for `people`: each masked key with its masked record. Two people may share a
 * masked ID number (region and check character), so deliveries are matched on key and record together.
 */
export function expectedDeliveries(people: PersonRecord[], subscriptionId: string, fields: readonly string[]): { key: string; record: Record<string, unknown> }[] {
  return people.map((person) => ({ key: `${person.id_number.slice(0, 6)}${'*'.repeat(11)}${person.id_number.slice(17)}`, record: expectedRecord(person, subscriptionId, fields) }));
}

/** Removes and reports the expected delivery this one matches, if any. */
export function takeDelivery(expected: { key: string; record: Record<string, unknown> }[], key: string, record: Record<string, unknown>): boolean {
  const canonical = (value: object) => JSON.stringify(Object.entries(value).sort());
  const index = expected.findIndex((candidate) => candidate.key === key && canonical(candidate.record) === canonical(record));
  if (index >= 0) expected.splice(index, 1);
  return index >= 0;
}
