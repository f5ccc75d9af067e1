import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { CONFIG_SCHEMA } from '../../gateway/config.ts';
import { projectPath } from '../../project-root.ts';

interface Service {
  image?: string;
  profiles?: string[];
  environment?: Record<string, string>;
  secrets?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  read_only?: boolean;
  user?: string;
  stop_grace_period?: string;
  ports?: string[];
  volumes?: string[];
}
interface Compose {
  services: Record<string, Service>;
  secrets: Record<string, { file?: string; environment?: string }>;
}

// merge: true applies the `<<: *gateway` keys, as compose does.
const compose = parse(readFileSync(projectPath('deploy', 'compose', 'compose.yaml'), 'utf8'), { merge: true }) as Compose;
const nginx = readFileSync(projectPath('deploy', 'compose', 'nginx.conf'), 'utf8');
const SECRET_VARIABLES = ['DATABASE_URL', 'DX_ADMIN_TOKEN', 'DX_SUBSCRIPTION_SECRET', 'KAFKA_SASL_PASSWORD', 'POSTGRES_PASSWORD'];
const CONFIG_VARIABLES = new Set(Object.keys(CONFIG_SCHEMA.properties));
const gateways = Object.entries(compose.services).filter(([, service]) => service.image?.includes('dx-gateway'));
const always = Object.entries(compose.services).filter(([, service]) => !service.profiles);

t.test('compose runs Kafka in KRaft mode, PostgreSQL, two gateway instances and a load balancer in front of both', async (t) => {
  const kafka = compose.services.kafka;
  t.match(kafka?.image, /apache\/kafka:/);
  t.equal(kafka?.environment?.KAFKA_PROCESS_ROLES, 'broker,controller', 'KRaft: broker and controller, no ZooKeeper');
  t.ok(kafka?.environment?.KAFKA_CONTROLLER_QUORUM_VOTERS);
  t.match(compose.services.postgres?.image, /postgres:/);
  t.same(gateways.map(([name]) => name).sort(), ['gateway-1', 'gateway-2']);
  t.match(compose.services.lb?.image, /nginx:/);
  t.same(compose.services.lb?.ports, ['${DX_PORT:-8080}:8080'], 'only the load balancer is published');
  for (const [name, service] of Object.entries(compose.services).filter(([name]) => name !== 'lb' && name !== 'demo')) t.notOk(service.ports, `${name} publishes no port`);
  const upstreams = [...nginx.matchAll(/^\s*server\s+([\w-]+):8080\b/gm)].map((match) => match[1]);
  t.same(upstreams.sort(), ['gateway-1', 'gateway-2'], 'nginx balances over both gateways');
  t.same(Object.keys(compose.services.lb?.depends_on ?? {}).sort(), ['gateway-1', 'gateway-2']);
});

t.test('every service has a healthcheck, and the gateways start once Kafka and PostgreSQL are healthy', async (t) => {
  for (const [name, service] of Object.entries(compose.services)) t.ok(service.healthcheck?.test?.length, `${name} has a healthcheck`);
  for (const [name, service] of gateways) {
    t.same(service.depends_on, { kafka: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } }, name);
    t.match(service.healthcheck?.test.join(' '), /healthcheck\.mjs/, `${name} checks /healthz`);
  }
});

t.test('compose inlines no secret: each comes from a file, and the gateways read it through a _FILE variable', async (t) => {
  for (const [name, secret] of Object.entries(compose.secrets)) {
    t.match(secret.file, /^\.\/secrets\/[\w-]+$/, `${name} is a file in ./secrets`);
  }
  t.match(readFileSync(projectPath('deploy', 'compose', '.gitignore'), 'utf8'), /^secrets\/$/m, 'which git ignores');
  for (const [name, service] of Object.entries(compose.services)) {
    for (const [variable, value] of Object.entries(service.environment ?? {})) {
      t.notOk(SECRET_VARIABLES.includes(variable), `${name}: ${variable} is not set inline`);
      if (variable.endsWith('_FILE')) {
        const secret = value.replace('/run/secrets/', '');
        t.ok(value.startsWith('/run/secrets/') && service.secrets?.includes(secret), `${name}: ${variable} names a secret the service mounts`);
      }
    }
  }
  for (const [name, service] of gateways) {
    const fromFiles = Object.keys(service.environment ?? {}).filter((variable) => variable.endsWith('_FILE')).map((variable) => variable.replace(/_FILE$/, ''));
    t.same(fromFiles.sort(), ['DATABASE_URL', 'DX_ADMIN_TOKEN', 'DX_AUDIT_KEY', 'DX_SECRET_KEY', 'DX_SUBSCRIPTION_SECRET'], `${name}: the database URL, admin token, subscription secret, secret key and audit key`);
  }
});

t.test('the gateway services set only variables of the gateway, both the same, with the same subscription secret', async (t) => {
  const [first, second] = gateways.map(([, service]) => service);
  t.same(first?.environment, second?.environment, 'two instances of one installation');
  for (const variable of Object.keys(first?.environment ?? {})) t.ok(CONFIG_VARIABLES.has(variable.replace(/_FILE$/, '')), `${variable} is a gateway variable`);
  t.equal(first?.environment?.KAFKA_BROKERS, 'kafka:9092', 'an existing Kafka, so no local broker is started');
});

t.test('the gateways run as uid 10001 on a read-only root file system and get longer to stop than their shutdown timeout', async (t) => {
  for (const [name, service] of gateways) {
    t.equal(service.read_only, true, name);
    t.equal(service.user, '10001:10001', name);
    const grace = Number(/^(\d+)s$/.exec(service.stop_grace_period ?? '')?.[1]) * 1000;
    t.ok(grace > Number(service.environment?.SHUTDOWN_TIMEOUT_MS), `${name}: stop_grace_period ${service.stop_grace_period}`);
    t.ok(service.volumes?.some((volume) => volume.endsWith(':/data')), `${name} writes to its /data volume`);
  }
});

t.test('demo data is optional: the demo services are in the demo profile only', async (t) => {
  t.same(compose.services.demo?.profiles, ['demo']);
  t.same(compose.services['demo-source']?.profiles, ['demo']);
  t.same(always.map(([name]) => name).sort(), ['gateway-1', 'gateway-2', 'kafka', 'lb', 'postgres']);
});
