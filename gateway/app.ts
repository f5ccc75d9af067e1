import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { defaultAllowedHosts, type Config } from './config.ts';
import { loadAuditKey, loadPreviousAuditKeys } from './audit/audit-key.ts';
import auditPlugin from './plugins/audit.ts';
import authPlugin from './plugins/auth.ts';
import catalogPlugin, { type CatalogOptions } from './plugins/catalog.ts';
import dbPlugin, { type DbOptions } from './plugins/db.ts';
import disputesPlugin from './plugins/disputes.ts';
import docsPlugin from './plugins/docs.ts';
import errorHandler from './plugins/error-handler.ts';
import federationPlugin from './plugins/federation.ts';
import inputGuardPlugin from './plugins/input-guard.ts';
import { kafkaConnectionOf } from './kafka/connection.ts';
import kafkaPlugin from './plugins/kafka.ts';
import metricsPlugin from './plugins/metrics.ts';
import schemaRegistryPlugin from './plugins/schema-registry.ts';
import secretsPlugin from './plugins/secrets.ts';
import pipelinePlugin from './plugins/pipeline.ts';
import rateLimitPlugin from './plugins/rate-limit.ts';
import registersPlugin from './plugins/registers.ts';
import subscriptionsPlugin from './plugins/subscriptions.ts';
import servicesPlugin from './plugins/services.ts';
import uiPlugin from './plugins/ui.ts';
import allowedHostRoutes from './routes/allowed-hosts/index.ts';
import auditRoutes from './routes/audit/index.ts';
import catalogRoutes from './routes/catalog/index.ts';
import connectorRoutes from './routes/connectors/index.ts';
import federationRoutes from './routes/federation/index.ts';
import connectorWarningRoutes from './routes/connector-warnings/index.ts';
import disputeRoutes from './routes/disputes/index.ts';
import ingestRoutes from './routes/ingest/index.ts';
import healthRoutes from './routes/health/index.ts';
import principalRoutes from './routes/principals/index.ts';
import registerRoutes from './routes/registers/index.ts';
import registryRoutes from './routes/registry/index.ts';
import subscriptionRoutes from './routes/subscriptions/index.ts';
import validateRoutes from './routes/validate/index.ts';
import { bootstrapOfficeKey } from './auth/bootstrap.ts';
import { formatsPlugin } from './plugins/formats.ts';
import { loadSecretKeys } from './security/secret-key.ts';
import { trustedProxies } from './security/trusted-proxies.ts';
import { VERSION } from './version.ts';

export interface AppOptions {
  config: Config;
  database: DbOptions;
  kafkaBrokers: string[];
  logger: FastifyBaseLogger;
  /** Called once, on the first start, with a generated data office key when DX_ADMIN_TOKEN is unset. */
  onGeneratedAdminKey?: (key: string) => void;
  /** Options of the resource catalogue, e.g. the clock freshness is judged by. */
  catalog?: CatalogOptions;
  /** Resolves host names for the allow-list (connectors, webhooks); tests inject one. Default: the system resolver. */
  hostResolver?: (host: string) => Promise<string[]>;
  /** A folder of holiday notices (YYYY.json) added to those shipped in gateway/subscriptions/holiday-notices/; tests use one. */
  holidayNoticesDir?: string;
}

/** Builds the gateway from its plugins and routes. Never listens; see server.ts. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: 10 * 1024 * 1024,
    requestTimeout: config.DX_REQUEST_TIMEOUT_MS,
    connectionTimeout: config.DX_CONNECTION_TIMEOUT_MS,
    // Node checks request timeouts this often (default 30 s): a shorter timeout would otherwise wait for the check.
    http: { connectionsCheckingInterval: Math.min(30_000, Math.ceil(config.DX_REQUEST_TIMEOUT_MS / 4)) },
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true }, plugins: [formatsPlugin] },
    return503OnClosing: true,
    trustProxy: trustedProxies(config.DX_TRUST_PROXY),
  }).withTypeProvider<TypeBoxTypeProvider>();

  try {
    await app.register(errorHandler);
    await app.register(inputGuardPlugin, { maxDepth: config.DX_MAX_JSON_DEPTH });
    await app.register(docsPlugin, { version: VERSION });
    await app.register(metricsPlugin);
    const secretKeys = loadSecretKeys(config, app.log);
    await app.register(secretsPlugin, { keys: secretKeys });
    await app.register(dbPlugin, options.database);
    await app.register(kafkaPlugin, {
      connection: kafkaConnectionOf(config, options.kafkaBrokers),
      topicDefaults: { partitions: config.KAFKA_TOPIC_PARTITIONS, replicationFactor: config.KAFKA_REPLICATION_FACTOR },
    });
    await app.register(authPlugin, { cacheMs: config.DX_AUTH_CACHE_MS, failuresPerMinute: config.DX_AUTH_FAILURES_PER_MINUTE });
    await app.register(rateLimitPlugin, { perMinute: config.DX_RATE_LIMIT_PER_MINUTE, ingestPerMinute: config.DX_INGEST_RATE_LIMIT_PER_MINUTE });
    await app.register(auditPlugin, { key: loadAuditKey(config, app.log), previousKeys: loadPreviousAuditKeys(config) });
    await app.register(schemaRegistryPlugin);

    await app.register(pipelinePlugin, {
      allowedHosts: defaultAllowedHosts(config).split(','),
      databaseUrl: options.database.url,
      kafkaBrokers: options.kafkaBrokers,
      dropRoot: config.DX_FILE_DROP_ROOT,
      heartbeatMs: config.DX_SCHEDULER_HEARTBEAT_MS,
      leaseTtlMs: config.DX_LEASE_TTL_MS,
      prepareWorkers: config.DX_PIPELINE_WORKERS,
      retention: { quarantine: config.DX_QUARANTINE_RETENTION_DAYS, idempotency: config.DX_IDEMPOTENCY_RETENTION_DAYS, runs: config.DX_RUN_HISTORY_RETENTION_DAYS },
      ...(options.hostResolver ? { resolver: options.hostResolver } : {}),
    });

    await app.register(catalogPlugin, options.catalog ?? {});
    await app.register(subscriptionsPlugin, {
      secret: config.DX_SUBSCRIPTION_SECRET,
      heartbeatMs: config.DX_SCHEDULER_HEARTBEAT_MS,
      leaseTtlMs: config.DX_LEASE_TTL_MS,
      webhook: { maxAttempts: config.DX_WEBHOOK_MAX_ATTEMPTS, backoffMs: config.DX_WEBHOOK_BACKOFF_MS, timeoutMs: config.DX_WEBHOOK_TIMEOUT_MS },
      holidayNoticesDir: options.holidayNoticesDir,
      streamLimits: { perPrincipal: config.DX_STREAMS_PER_PRINCIPAL, perInstance: config.DX_STREAMS_PER_INSTANCE },
      kafkaAccess: { allowUnsecured: config.DX_ALLOW_UNSECURED_KAFKA, topicGraceMs: config.DX_SUBSCRIPTION_TOPIC_GRACE_HOURS * 3_600_000 },
    });

    await app.register(servicesPlugin);
    await app.register(registersPlugin, { secretKeys, resources: config.DX_REGISTER_RESOURCES, heartbeatMs: config.DX_SCHEDULER_HEARTBEAT_MS, lookupsPerHour: config.DX_REGISTER_LOOKUPS_PER_HOUR });
    await app.register(federationPlugin, {
      instanceId: config.DX_INSTANCE_ID,
      instanceName: config.DX_INSTANCE_NAME,
      harvestIntervalMs: config.DX_FEDERATION_HARVEST_INTERVAL_MS,
      timeoutMs: config.DX_FEDERATION_TIMEOUT_MS,
      delivery: {
        heartbeatMs: config.DX_SCHEDULER_HEARTBEAT_MS,
        leaseTtlMs: config.DX_LEASE_TTL_MS,
        webhook: { maxAttempts: config.DX_WEBHOOK_MAX_ATTEMPTS, backoffMs: config.DX_WEBHOOK_BACKOFF_MS, timeoutMs: config.DX_WEBHOOK_TIMEOUT_MS },
      },
    });
    await app.register(disputesPlugin, {
      answerWorkingDays: config.DX_DISPUTE_ANSWER_WORKING_DAYS,
      attachmentMaxBytes: config.DX_DISPUTE_ATTACHMENT_MAX_BYTES,
      heartbeatMs: config.DX_SCHEDULER_HEARTBEAT_MS,
      warningRetentionDays: config.DX_QUARANTINE_RETENTION_DAYS,
    });

    await app.register(healthRoutes);
    await app.register(principalRoutes);
    await app.register(validateRoutes);
    await app.register(connectorRoutes);
    await app.register(connectorWarningRoutes);
    await app.register(ingestRoutes);
    await app.register(auditRoutes);
    await app.register(allowedHostRoutes);
    await app.register(catalogRoutes);
    await app.register(subscriptionRoutes);
    await app.register(registerRoutes);
    await app.register(federationRoutes);
    await app.register(disputeRoutes);
    await app.register(registryRoutes, { prefix: '/registry' });
    await app.register(uiPlugin);
    await app.ready();
  } catch (err) {
    // A plugin that failed half-way may hold connections (Kafka, the pool); close what was opened.
    await app.close().catch(() => undefined);
    throw err;
  }
  const bootstrap = await bootstrapOfficeKey(app.db, config.DX_ADMIN_TOKEN);
  if (bootstrap?.generatedKey) options.onGeneratedAdminKey?.(bootstrap.generatedKey);
  return app;
}
