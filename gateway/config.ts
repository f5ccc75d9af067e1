import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { parseAllowEntry } from './security/allow-list.ts';
import { trustedProxies } from './security/trusted-proxies.ts';
import { StringEnum } from './string-enum.ts';
import { formatErrors } from './validation-messages.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** 32 bytes as 64 hex digits or as base64 (43 characters and an optional "="). */
const SECRET_KEY = '([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)';

export const CONFIG_SCHEMA = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'HTTP port the gateway listens on.' }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0', description: 'Address the gateway binds to.' }),
  LOG_LEVEL: StringEnum(LOG_LEVELS, { default: 'info', description: 'pino log level.' }),
  DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection string. Unset: an embedded PostgreSQL (PGlite) in DATA_DIR.' }),
  ),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10, description: 'Connections in the PostgreSQL pool (the embedded database always uses 1).' }),
  DATA_DIR: Type.String({ minLength: 1, default: '.data', description: 'Folder of the embedded database and other local state.' }),
  KAFKA_BROKERS: Type.Optional(
    Type.String({ pattern: '^[^,:\\s]+:\\d{1,5}(,[^,:\\s]+:\\d{1,5})*$', description: 'Comma-separated host:port list of an existing Kafka cluster. Unset: a local single-node broker is started.' }),
  ),
  KAFKA_LOCAL_PORT: Type.Integer({ minimum: 1024, maximum: 65534, default: 9092, description: 'Port of the local broker started when KAFKA_BROKERS is unset (its controller uses the next port).' }),
  KAFKA_CLIENT_ID: Type.String({ minLength: 1, default: 'dx-gateway', description: 'Kafka client id of the gateway.' }),
  KAFKA_SSL: Type.Boolean({ default: false, description: "Connect to Kafka over TLS (with the system's CAs unless KAFKA_SSL_CA is set; set by any KAFKA_SSL_* file)." }),
  KAFKA_SSL_CA: Type.Optional(Type.String({ minLength: 1, description: 'PEM file of the CA(s) the brokers\' certificates are checked against; turns TLS on.' })),
  KAFKA_SSL_CERT: Type.Optional(Type.String({ minLength: 1, description: 'PEM file of the gateway\'s client certificate (mutual TLS), with KAFKA_SSL_KEY; turns TLS on.' })),
  KAFKA_SSL_KEY: Type.Optional(Type.String({ minLength: 1, description: 'PEM file of the private key of KAFKA_SSL_CERT (unencrypted; keep the file readable by the gateway only).' })),
  KAFKA_SASL_MECHANISM: Type.Optional(
    StringEnum(['plain', 'scram-sha-256', 'scram-sha-512'] as const, { description: 'SASL mechanism for Kafka; plain only over TLS (it sends the password as is).' }),
  ),
  KAFKA_SASL_USERNAME: Type.Optional(Type.String({ minLength: 1, description: 'SASL user name.' })),
  KAFKA_SASL_PASSWORD: Type.Optional(Type.String({ minLength: 1, description: 'SASL password.' })),
  KAFKA_TOPIC_PARTITIONS: Type.Integer({ minimum: 1, maximum: 1000, default: 3, description: 'Partitions of topics the gateway creates.' }),
  KAFKA_REPLICATION_FACTOR: Type.Integer({ minimum: -1, maximum: 10, default: -1, description: "Replication factor of created topics (-1: the broker's default)." }),
  DX_ADMIN_TOKEN: Type.Optional(
    Type.String({ minLength: 24, description: 'API key of the first data-office principal, set on first start. Unset: one is generated and printed once.' }),
  ),
  DX_ALLOWED_HOSTS: Type.Optional(
    Type.String({
      description:
        'Hosts connectors and webhooks may reach, for every department: names (*.gov.internal), addresses or CIDR ranges, each optionally with a port (10.2.0.0/16:5432, db.hukou.internal:3306, [::1]:5432), comma-separated; the data office adds entries per department through /api/v1/allowed-hosts. ' +
        "Unset: none when DATABASE_URL is set, loopback (127.0.0.0/8,::1) with the embedded database. Link-local and metadata addresses, the gateway's own database and its Kafka brokers are always refused.",
    }),
  ),
  DX_FILE_DROP_ROOT: Type.String({ minLength: 1, default: '.data/drop', description: "Folder of the departments' file drops: each department's file-drop connectors watch only folders in <DX_FILE_DROP_ROOT>/<departmentCode>/ (links resolved), which the operator creates with the department's transfer account as owner; anything else is refused." }),
  DX_SCHEDULER_HEARTBEAT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000, description: 'How often an instance renews its connector and subscription leases and picks up their changes.' }),
  DX_LEASE_TTL_MS: Type.Integer({ minimum: 500, maximum: 600_000, default: 20_000, description: "How long a connector or subscription lease outlives its instance's last renewal before another instance may take it." }),
  DX_PIPELINE_WORKERS: Type.Integer({ minimum: 0, maximum: 16, default: 1, description: 'Worker threads that map, validate and encode records before they are published (0: on the main event loop).' }),
  DX_AUTH_CACHE_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 1000, description: 'How long an instance may reuse a successful API key lookup; a key revoked or a principal disabled through another instance is refused here within this time (0: look up every request).' }),
  DX_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 6000, description: 'Requests per minute and gateway instance one principal (or, unauthenticated, one address) may make; more get 429.' }),
  DX_INGEST_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 30_000, description: 'Push requests per minute and instance one principal may send to /api/v1/ingest, counted apart from other requests.' }),
  DX_AUTH_FAILURES_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 60, description: 'Unknown, revoked or expired API keys one client address may send a minute (per instance); past it, that address gets 429 before any key is looked up.' }),
  DX_TRUST_PROXY: Type.Optional(
    Type.String({ minLength: 1, description: 'Reverse proxies (addresses and CIDR ranges, comma-separated) whose X-Forwarded-For is believed: the client address of a request from one of them (used by the failed-authentication limiter, the rate limits and the logs) is the forwarded one. Unset: no proxy is trusted and X-Forwarded-For is ignored.' }),
  ),
  DX_MAX_JSON_DEPTH: Type.Integer({ minimum: 4, maximum: 256, default: 32, description: 'Deepest nesting of objects and arrays a request body may have; deeper gets 400.' }),
  DX_REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 60_000, description: 'Longest a client may take to send a whole request (headers and body); slower gets 408 and the connection closed.' }),
  DX_CONNECTION_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 120_000, description: 'Longest a connection may stay silent (nothing received or sent) before it is closed; event streams send a keep-alive every 15 s.' }),
  DX_STREAMS_PER_PRINCIPAL: Type.Integer({ minimum: 1, maximum: 10_000, default: 10, description: 'Subscription event streams (SSE) one principal may hold open on one instance; more get 429.' }),
  DX_STREAMS_PER_INSTANCE: Type.Integer({ minimum: 1, maximum: 100_000, default: 200, description: 'Subscription event streams (SSE) one instance holds open at most, each with its own Kafka consumer; more get 429.' }),
  DX_SUBSCRIPTION_SECRET: Type.Optional(
    Type.String({ minLength: 32, description: "Secret each subscription's pseudonym key and webhook signing secret are derived from. Unset: one is generated on first start and kept in the database." }),
  ),
  DX_AUDIT_KEY: Type.Optional(
    Type.String({ minLength: 32, description: 'Key of the audit chain (HMAC-SHA256), kept outside the database; an auditor needs it to verify an export. Required with DATABASE_URL (or DX_AUDIT_KEY_FILE). Unset with the embedded database: generated into DATA_DIR/audit-key.' }),
  ),
  DX_AUDIT_KEY_FILE: Type.Optional(Type.String({ minLength: 1, description: 'File holding DX_AUDIT_KEY (at least 32 characters; surrounding whitespace is ignored), instead of the variable.' })),
  DX_AUDIT_KEY_PREVIOUS: Type.Optional(
    Type.String({ pattern: '^[^,]{32,}(,[^,]{32,})*$', description: 'Former audit keys, comma-separated, after a rotation: the entries made with them verify up to the rotation point, and the first start with a new DX_AUDIT_KEY records that point. Keep them as long as the entries they made must verify.' }),
  ),
  DX_ALLOW_UNSECURED_KAFKA: Type.Boolean({
    default: false,
    description: 'Allow kafka-mode subscriptions on a cluster without an authorizer, where every client reaching the brokers may read every topic (demos, closed test networks). Unset: such subscriptions are refused.',
  }),
  DX_SUBSCRIPTION_TOPIC_GRACE_HOURS: Type.Number({ minimum: 0, maximum: 8760, default: 72, description: 'Hours after a kafka-mode subscription is revoked or expires before its dx.sub.<id> topic is deleted.' }),
  DX_WEBHOOK_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 8, description: 'Attempts to post one webhook batch before it is parked (a subscription may set its own).' }),
  DX_WEBHOOK_BACKOFF_MS: Type.Integer({ minimum: 10, maximum: 600_000, default: 1000, description: 'Wait before the second attempt of a webhook batch; it doubles with each attempt, up to 5 minutes, with jitter.' }),
  DX_WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 50_000, default: 10_000, description: 'Longest a webhook receiver may take to answer one batch (at most 50 s, under the delivery consumer\'s session timeout).' }),
  DX_SECRET_KEY: Type.Optional(
    Type.String({ pattern: `^${SECRET_KEY}$`, description: 'Key (32 bytes, 64 hex digits or base64) that seals connector secrets, the subscription master secret and quarantined records in the database. Required with DATABASE_URL unless DX_SECRET_KEY_FILE is set; unset in embedded mode: one is generated into DATA_DIR.' }),
  ),
  DX_SECRET_KEY_FILE: Type.Optional(Type.String({ minLength: 1, description: 'File holding the secret key (as DX_SECRET_KEY), e.g. a mounted Kubernetes secret; read when DX_SECRET_KEY is unset.' })),
  DX_SECRET_KEY_PREVIOUS: Type.Optional(
    Type.String({ pattern: `^${SECRET_KEY}(,${SECRET_KEY})*$`, description: 'Former secret keys, comma-separated, during a rotation: what they sealed is opened and sealed again with the current key on start.' }),
  ),
  DX_DISPUTE_ANSWER_WORKING_DAYS: Type.Integer({ minimum: 1, maximum: 60, default: 5, description: 'Working days the provider department has to answer a dispute (数据异议), counted on the holiday calendar of the reply deadlines; later, the dispute is overdue and the data office is told.' }),
  DX_DISPUTE_ATTACHMENT_MAX_BYTES: Type.Integer({ minimum: 1024, maximum: 5 * 1024 * 1024, default: 1024 * 1024, description: "Largest attachment (decoded) a dispute's evidence may carry, stored sealed in PostgreSQL; larger gets 400 naming attachment.data." }),
  DX_QUARANTINE_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 30, description: 'Days a rejected record stays in the quarantine (rejected_records) before it is purged.' }),
  DX_IDEMPOTENCY_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 7, description: 'Days a push answer is kept for its Idempotency-Key; a retry after that publishes again.' }),
  DX_RUN_HISTORY_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 90, description: 'Days finished connector runs are kept in the run history.' }),
  DX_REGISTER_RESOURCES: Type.String({
    pattern: '^(base|none|[1-3][0-9]*/[0-9]{1,12}(,[1-3][0-9]*/[0-9]{1,12})*)$',
    default: 'base',
    description: 'Catalogue resources whose current state the gateway materialises as a register for lookups: base (the population, legal-person and e-licence base resources), none, or resource codes, comma-separated.',
  }),
  DX_REGISTER_LOOKUPS_PER_HOUR: Type.Integer({ minimum: 1, maximum: 10_000_000, default: 1000, description: 'Distinct entities one query subscription may look up in an hour unless it has its own queryLimits; more get 429 and an alert on the subscription.' }),
  DX_INSTANCE_ID: Type.String({ pattern: '^[0-9]{6}(-[A-Za-z0-9]{1,20})?$', default: '000000', description: "This gateway's instance id among federated gateways: its administrative division code (330100 for a city, 330110 for one of its districts), optionally with a suffix (-test); peers register it with its public key (docs/federation.md)." }),
  DX_INSTANCE_NAME: Type.String({ minLength: 1, maxLength: 200, default: '政务数据共享交换平台', description: "This gateway's name as its peers show it (the origin facet 来源平台 of the resources they harvest from it)." }),
  DX_FEDERATION_HARVEST_INTERVAL_MS: Type.Integer({ minimum: 0, maximum: 86_400_000, default: 600_000, description: "How often the catalogues of confirmed peers are harvested, and cross-gateway requests' states fetched (0: only on demand, POST /api/v1/peers/{id}/harvest)." }),
  DX_FEDERATION_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 15_000, description: 'Longest a peer gateway may take to answer one federated call.' }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 60000, default: 8000, description: 'Longest graceful shutdown before the process exits anyway.' }),
});

export type Config = Readonly<Static<typeof CONFIG_SCHEMA>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const validate = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, strict: false }).compile<Static<typeof CONFIG_SCHEMA>>(CONFIG_SCHEMA);
const KNOWN = new Set(Object.keys(CONFIG_SCHEMA.properties));

/** Reads the gateway's variables from `env`; every problem is reported at once. Empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const candidate: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) {
    if (KNOWN.has(name) && value !== undefined && value !== '') candidate[name] = value;
  }
  if (!validate(candidate)) throw new ConfigError(formatErrors(validate.errors ?? [], ''));
  const problems = crossFieldProblems(candidate as Static<typeof CONFIG_SCHEMA>);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(candidate as Static<typeof CONFIG_SCHEMA>);
}

/** DX_ALLOWED_HOSTS, or its default: loopback only for a local start (no DATABASE_URL), nothing for production. */
export function defaultAllowedHosts(config: Config): string {
  return config.DX_ALLOWED_HOSTS ?? (config.DATABASE_URL ? '' : '127.0.0.0/8,::1');
}

/** Whether the gateway talks TLS to Kafka: KAFKA_SSL, or any of the KAFKA_SSL_* files. */
export function kafkaTlsEnabled(config: Pick<Config, 'KAFKA_SSL' | 'KAFKA_SSL_CA' | 'KAFKA_SSL_CERT' | 'KAFKA_SSL_KEY'>): boolean {
  return config.KAFKA_SSL || config.KAFKA_SSL_CA !== undefined || config.KAFKA_SSL_CERT !== undefined || config.KAFKA_SSL_KEY !== undefined;
}

function crossFieldProblems(config: Static<typeof CONFIG_SCHEMA>): string[] {
  const problems: string[] = [];
  for (const entry of (config.DX_ALLOWED_HOSTS ?? '').split(',').filter((item) => item.trim() !== '')) {
    try {
      parseAllowEntry(entry);
    } catch (err) {
      problems.push(`DX_ALLOWED_HOSTS: ${(err as Error).message}`);
    }
  }
  try {
    trustedProxies(config.DX_TRUST_PROXY);
  } catch (err) {
    problems.push(`DX_TRUST_PROXY: ${(err as Error).message}`);
  }
  const sasl = [config.KAFKA_SASL_MECHANISM, config.KAFKA_SASL_USERNAME, config.KAFKA_SASL_PASSWORD];
  if (sasl.some((value) => value !== undefined) && sasl.some((value) => value === undefined)) {
    problems.push('KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must be set together');
  }
  if ((config.KAFKA_SSL_CERT === undefined) !== (config.KAFKA_SSL_KEY === undefined)) problems.push('KAFKA_SSL_CERT and KAFKA_SSL_KEY must be set together');
  if (config.KAFKA_SASL_MECHANISM === 'plain' && !kafkaTlsEnabled(config)) {
    problems.push('KAFKA_SASL_MECHANISM=plain sends the password in clear: set KAFKA_SSL=true (or KAFKA_SSL_CA) for TLS, or use scram-sha-512');
  }
  if (config.DATABASE_URL !== undefined && config.DX_SECRET_KEY === undefined && config.DX_SECRET_KEY_FILE === undefined) {
    problems.push('DX_SECRET_KEY or DX_SECRET_KEY_FILE must be set when DATABASE_URL is set (32 bytes, as 64 hex digits or base64: openssl rand -base64 32)');
  }
  if (config.DX_AUDIT_KEY !== undefined && config.DX_AUDIT_KEY_FILE !== undefined) problems.push('DX_AUDIT_KEY and DX_AUDIT_KEY_FILE: set only one');
  if (config.DATABASE_URL !== undefined && config.DX_AUDIT_KEY === undefined && config.DX_AUDIT_KEY_FILE === undefined) {
    problems.push('DX_AUDIT_KEY (or DX_AUDIT_KEY_FILE) must be set with DATABASE_URL: the audit chain is keyed with it, and it is kept outside the database');
  }
  return problems;
}
