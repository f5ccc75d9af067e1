import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { ensureAuditKeyFile } from '../../gateway/audit/audit-key.ts';
import { generateApiKey } from '../../gateway/auth/api-key.ts';
import { ConfigError, loadConfig } from '../../gateway/config.ts';
import { createLogger } from '../../gateway/logger.ts';
import { ensureGeneratedKeyFile } from '../../gateway/security/secret-key.ts';
import { startGateway } from '../../gateway/start.ts';
import { COUNTY, launchCountyGateway, peerCounty } from './county.ts';
import { createApi, ensureDemoConnectors, ensureDepartments } from './seed.ts';
import { addResidents, createResidentsTable, demoFixtures, dropCompaniesCsv, licenceBatch } from './sources.ts';

const dataDir = resolve(process.env.DATA_DIR ?? '.data');
mkdirSync(dataDir, { recursive: true });
const tokenFile = join(dataDir, 'demo-admin-token');
const adminKey = process.env.DX_ADMIN_TOKEN ?? (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : generateApiKey());
writeFileSync(tokenFile, adminKey, { mode: 0o600 });
// The demo may run on the machine's PostgreSQL (DATABASE_URL), where the gateway itself demands a key.
const auditKey = process.env.DX_AUDIT_KEY || process.env.DX_AUDIT_KEY_FILE ? {} : { DX_AUDIT_KEY_FILE: ensureAuditKeyFile(dataDir).path };

let config;
try {
  // The demo's sources run on this machine: loopback is allowed explicitly, even with a DATABASE_URL. It keeps its
  // secret key in the data folder even with DATABASE_URL set; the gateway warns about it.
  const keyFile = process.env.DX_SECRET_KEY === undefined && process.env.DX_SECRET_KEY_FILE === undefined ? { DX_SECRET_KEY_FILE: ensureGeneratedKeyFile(dataDir).path } : {};
  config = loadConfig({ DX_ALLOWED_HOSTS: '127.0.0.0/8,::1', DX_ALLOW_UNSECURED_KAFKA: 'true', ...process.env, DATA_DIR: dataDir, DX_ADMIN_TOKEN: adminKey, ...keyFile, ...auditKey });
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(2);
}
const log = createLogger(config.LOG_LEVEL);
// --county: a second, county gateway beside this one, started at once in its own process, then peered.
const countyStarting = process.argv.includes('--county') ? launchCountyGateway(dataDir, config.PORT + 1) : undefined;
countyStarting?.catch(() => undefined);
if (config.DX_SECRET_KEY === undefined && config.DX_SECRET_KEY_FILE === join(dataDir, 'secret.key')) {
  log.warn({ path: config.DX_SECRET_KEY_FILE }, 'demo: secrets are sealed with a key generated into the data folder; set DX_SECRET_KEY or DX_SECRET_KEY_FILE in production');
}
if (auditKey.DX_AUDIT_KEY_FILE) log.warn({ path: auditKey.DX_AUDIT_KEY_FILE }, 'demo: the audit chain key is kept in DATA_DIR; set DX_AUDIT_KEY outside the data folder in production');
const gateway = await startGateway(config, log);
const url = gateway.url.replace('0.0.0.0', '127.0.0.1');
const api = createApi(url, adminKey);
const demoLog = log.child({ component: 'demo' });
// Peered (shared, harvested, requested) while the city's demo sources are set up.
const countyPeered = countyStarting?.then((started) => peerCounty({ url, api }, started));

// The demo's "department database": the machine's PostgreSQL when there is one, as a real department's would be.
const sourceUrl = new URL(process.env.DEMO_SOURCE_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
const fixtures = demoFixtures(Date.now() % 100_000);
let residentsAvailable = true;
try {
  await createResidentsTable(sourceUrl.toString(), fixtures, 500);
} catch (err) {
  residentsAvailable = false;
  demoLog.warn({ err: (err as Error).message }, 'no PostgreSQL for the demo residents table (DEMO_SOURCE_DATABASE_URL); the population demo source is left out');
}
// Each department's file drops live in its own folder of the drop root, named by its code (the market-regulation bureau: SCJ).
const dropFolder = join(resolve(config.DX_FILE_DROP_ROOT), 'SCJ', 'enterprises');
dropCompaniesCsv(dropFolder, fixtures, 200);

const departments = await ensureDepartments(api, dataDir);
const connectors = await ensureDemoConnectors(api, departments, { ...(residentsAvailable ? { sourceUrl } : {}), dropFolder });
const push = (records: Record<string, unknown>[]) => api('POST', `/api/v1/ingest/${connectors.licences!.id}`, records, departments.SJJ!.key);
await push(licenceBatch(fixtures, 100));

// Keep the sources moving so the catalogue shows fresh records and a live throughput chart.
setInterval(() => void push(licenceBatch(fixtures, 20)).catch((err: Error) => demoLog.warn({ err: err.message }, 'demo push failed')), 5000).unref();
setInterval(() => {
  try {
    dropCompaniesCsv(dropFolder, fixtures, 50);
  } catch (err) {
    demoLog.warn({ err: (err as Error).message }, 'demo file drop failed');
  }
}, 30_000).unref();
if (residentsAvailable) {
  setInterval(async () => {
    const client = new pg.Client({ connectionString: sourceUrl.toString() });
    try {
      await client.connect();
      await addResidents(client, fixtures, 40);
    } catch (err) {
      demoLog.warn({ err: (err as Error).message }, 'demo residents insert failed');
    } finally {
      await client.end().catch(() => undefined);
    }
  }, 10_000).unref();
}

const county = await countyPeered;
demoLog.info({ seconds: Math.round(process.uptime()) }, 'demo ready');

process.stdout.write(
  [
    '',
    `The gateway runs at ${url} with demo data flowing in:`,
    ...(county
      ? [
          `  county gateway ${county.url} (${COUNTY.name}, data office API key ${county.adminKey}), peered; look at:`,
          `  harvested      ${url}/ui/#/search?origin=${COUNTY.instanceId}   (the catalogue, facet 来源平台; API ${url}/api/v1/catalog/resources?origin=${COUNTY.instanceId})`,
          `  cross-gateway  ${url}/api/v1/federation/requests   (sign in as integrator 城市大脑, API key ${county.integratorKey}; the county's side: ${county.url}/api/v1/subscriptions)`,
        ]
      : []),
    `  catalogue UI   ${url}/ui/`,
    `  API docs       ${url}/docs`,
    `  data office    API key ${adminKey}`,
    ...Object.values(departments).map((department) => `  ${department.name.padEnd(10, '　')} API key ${department.key}`),
    `  (keys are kept in ${dataDir}; Ctrl-C stops the gateway, npm run kafka:stop the local broker)`,
    ...(config.DX_ALLOW_UNSECURED_KAFKA
      ? ['  DX_ALLOW_UNSECURED_KAFKA=true: kafka subscriptions are allowed even on a cluster without an authorizer, and the', "  local broker's PLAINTEXT port lets any local client read every topic; never run a production gateway so"]
      : []),
    '',
  ].join('\n') + '\n',
);
