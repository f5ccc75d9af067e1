import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import t from 'tap';
import { buildApp } from '../../gateway/app.ts';
import { loadConfig } from '../../gateway/config.ts';
import { createLogger } from '../../gateway/logger.ts';
import { TEST_SECRET_KEY } from '../helpers/secret-key.ts';
import { createDb } from '../../gateway/plugins/db.ts';
import { CANONICAL_SCHEMAS, getCanonicalSchema } from '../../schemas/canonical.ts';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { createSchemaRegistry, type RegistryDatabase } from '../../schemas/registry/index.ts';
import { decodeWire, encodeWire } from '../../schemas/wire.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_AUDIT_KEY } from '../helpers/audit-key.ts';
import { TEST_BROKERS } from '../helpers/kafka.ts';

interface Teardown {
  teardown(fn: () => unknown): void;
}

async function registryRows(databaseUrl: string): Promise<{ schemas: unknown[]; versions: unknown[] }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const schemas = await client.query('SELECT id, fingerprint FROM registry_schemas ORDER BY id');
    const versions = await client.query('SELECT subject, version, schema_id FROM registry_versions ORDER BY subject, version');
    return { schemas: schemas.rows, versions: versions.rows };
  } finally {
    await client.end();
  }
}

/** A second gateway on the database of `first`, as after a restart or beside it. */
async function restartOn(t: Teardown, first: TestApp): Promise<{ app: FastifyInstance; logs: string[] }> {
  const config = loadConfig({ DATABASE_URL: first.databaseUrl, DX_ADMIN_TOKEN: first.adminKey, DX_SECRET_KEY: TEST_SECRET_KEY, DX_AUDIT_KEY: TEST_AUDIT_KEY, LOG_LEVEL: 'info', DX_REGISTER_RESOURCES: 'none' });
  const logs: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void logs.push(line) });
  const app = await buildApp({ config, database: { url: first.databaseUrl, poolSize: 2 }, kafkaBrokers: TEST_BROKERS, logger });
  t.teardown(() => app.close());
  return { app, logs };
}

function openDb(t: Teardown, url: string) {
  const db = createDb({ url, poolSize: 2 });
  t.teardown(() => db.pool.end());
  return db;
}

t.test('the canonical schemas are registered under their subjects when the gateway starts', async (t) => {
  const { app, logs } = await buildTestApp(t);
  t.same(await app.schemaRegistry.subjects(), CANONICAL_SCHEMAS.map((schema) => schema.subject).sort());
  for (const canonical of CANONICAL_SCHEMAS) {
    const latest = await app.schemaRegistry.latest(canonical.subject);
    t.equal(latest?.version, 1, canonical.subject);
    t.same(JSON.parse(latest?.schema ?? 'null'), canonical.avroSchema, `${canonical.subject} holds the .avsc file`);
  }
  t.match(logs.join(''), /canonical schemas registered/);
});

t.test('a restart on the same database registers nothing new', async (t) => {
  const first = await buildTestApp(t);
  const before = await registryRows(first.databaseUrl);
  const second = await restartOn(t, first);
  t.same(await registryRows(first.databaseUrl), before);
  t.equal((await second.app.schemaRegistry.subjects()).length, CANONICAL_SCHEMAS.length, 'the second gateway sees the subjects');
  t.notMatch(second.logs.join(''), /canonical schemas registered/);
});

t.test('instances registering the same schemas at the same moment agree on ids and versions', async (t) => {
  const { databaseUrl } = await buildTestApp(t);
  const registries = [openDb(t, databaseUrl), openDb(t, databaseUrl), openDb(t, databaseUrl)].map((db) => createSchemaRegistry(db));
  const inputs = ['alpha', 'beta'].map((subject) => ({ subject, schema: { type: 'record', name: 'R', fields: [{ name: 'a', type: 'string' }] } }));
  const results = await Promise.all(registries.map((registry) => registry.registerAll(inputs)));
  t.same(results.map((result) => result.map(({ id, version }) => ({ id, version }))), Array(3).fill(results[0]?.map(({ id, version }) => ({ id, version }))));
  t.equal(results.flat().filter((result) => result.created).length, 2, 'each subject got exactly one version');
  t.equal(results[0]?.[0]?.id, results[0]?.[1]?.id, 'both subjects share the schema id');
});

t.test('a message encoded in the wire format with its registry id decodes back through getById', async (t) => {
  const { app } = await buildTestApp(t);
  const person = getCanonicalSchema('population.person');
  const { id } = await app.schemaRegistry.register(person.subject, person.avroSchema);
  const record = createFixtureGenerator({ seed: 11 }).person();
  const message = encodeWire(id, person.avroType, record);
  const stored = await app.schemaRegistry.getById(id);
  t.equal(stored?.type, 'AVRO');
  const decoded = decodeWire(message, (schemaId) => (schemaId === id ? stored?.avroType : undefined));
  t.equal(decoded.schemaId, id);
  t.same(decoded.value, record);
});

t.test('a schema is read from the database once, then served from memory', async (t) => {
  const { databaseUrl } = await buildTestApp(t);
  const db = openDb(t, databaseUrl);
  let queries = 0;
  const counting: RegistryDatabase = {
    pool: { query: ((...args: Parameters<typeof db.pool.query>) => { queries += 1; return db.pool.query(...args); }) as typeof db.pool.query },
    transaction: (work) => db.transaction(work),
  };
  const registry = createSchemaRegistry(counting);
  const first = await registry.getById(1);
  t.ok(first, 'schema 1 exists');
  const before = queries;
  t.equal(await registry.getById(1), first);
  t.equal(queries, before, 'no query the second time');
});

t.test('an unknown id or subject is answered with undefined', async (t) => {
  const { app } = await buildTestApp(t);
  t.equal(await app.schemaRegistry.getById(999_999), undefined);
  t.equal(await app.schemaRegistry.latest('no-such-subject'), undefined);
});

t.test('register refuses an incompatible schema with a 409 RegistryError', async (t) => {
  const { app } = await buildTestApp(t);
  const person = getCanonicalSchema('population.person');
  const narrowed = { ...person.avroSchema, fields: [...person.avroSchema.fields, { name: 'photo', type: 'bytes' }] };
  await t.rejects(app.schemaRegistry.register(person.subject, narrowed), { name: 'RegistryError', errorCode: 409, retriable: false });
});
