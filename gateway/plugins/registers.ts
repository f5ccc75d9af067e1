import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import { BASE_RESOURCES } from '../../catalog/base-resources.ts';
import { createAccountingBatcher } from '../registers/accounting-batcher.ts';
import { createValueDecoder } from '../registers/decode.ts';
import { createEntityHasher, type EntityHasher } from '../registers/entity-hash.ts';
import { createQueryService, type QueryService } from '../registers/query-service.ts';
import { createRegisterService, type RegisterService } from '../registers/register-service.ts';
import { createRegisterRuntime, type RegisterRuntime } from '../registers/runtime.ts';
import { createRegisterStore, type RegisterStore } from '../registers/store.ts';
import { createUsage, type Usage } from '../registers/usage.ts';
import type { SecretKeys } from '../security/secret-key.ts';

export interface RegistersOptions {
  /** The gateway's secret keys: entities are recorded as keyed hashes under a key derived from them. */
  secretKeys: SecretKeys;
  /** DX_REGISTER_RESOURCES: `base`, `none` or resource codes. */
  resources: string;
  heartbeatMs: number;
  /** DX_REGISTER_LOOKUPS_PER_HOUR: distinct entities a query subscription may look up an hour, by default. */
  lookupsPerHour: number;
}

export interface Registers {
  store: RegisterStore;
  runtime: RegisterRuntime;
  usage: Usage;
  hasher: EntityHasher;
  query: QueryService;
  service: RegisterService;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Base registers (gateway/registers/): the store of materialised entries and this instance's materialisers. */
    registers: Registers;
  }
}

export function registerCodes(setting: string): string[] {
  if (setting === 'none') return [];
  if (setting === 'base') return BASE_RESOURCES.map((base) => base.code);
  return setting.split(',');
}

/**
 * Decorates `registers`. On ready, starts the materialisers of the registers of DX_REGISTER_RESOURCES (a resource
 * once enabled stays enabled); on close, stops them. Metrics: dx_register_lag_records, dx_register_lag_seconds,
 * dx_register_materialiser_up, dx_register_applied_total and dx_register_undecodable_total, by resource.
 */
async function registersPlugin(app: FastifyInstance, options: RegistersOptions): Promise<void> {
  const log = app.log.child({ component: 'registers' }) as unknown as Logger;
  const store = createRegisterStore(app.db);
  const registers = [app.metrics.registry];
  const lagRecords = new Gauge({ name: 'dx_register_lag_records', help: 'Records of the resource topic not yet in its register', labelNames: ['resource'], registers });
  const lagSeconds = new Gauge({ name: 'dx_register_lag_seconds', help: 'Seconds since the last record applied of a register partition that is behind its topic (0: caught up)', labelNames: ['resource'], registers });
  const applied = new Counter({ name: 'dx_register_applied_total', help: 'Register entries upserted or deleted', labelNames: ['resource'], registers });
  const materialiserUp = new Gauge({ name: 'dx_register_materialiser_up', help: 'The register materialisers of the resource run on this instance (0: one failed and is retried with backoff)', labelNames: ['resource'], registers });
  const undecodable = new Counter({ name: 'dx_register_undecodable_total', help: 'Resource topic records skipped by the register because they did not decode', labelNames: ['resource'], registers });

  const runtime = createRegisterRuntime({
    kafka: app.kafka,
    store,
    decode: createValueDecoder(app.schemaRegistry),
    log,
    heartbeatMs: options.heartbeatMs,
    codes: registerCodes(options.resources),
    onApplied(resource, count, skipped) {
      applied.inc({ resource }, count);
      if (skipped > 0) undecodable.inc({ resource }, skipped);
    },
    onLag(resource, lag) {
      lagRecords.set({ resource }, lag.records);
      lagSeconds.set({ resource }, lag.seconds);
    },
    onUp: (resource, up) => materialiserUp.set({ resource }, up ? 1 : 0),
  });
  const usage = createUsage(app.db);
  const hasher = createEntityHasher(options.secretKeys);
  const accounting = createAccountingBatcher({ db: app.db, audit: app.audit, log });
  const query = createQueryService({ registers: store, usage, accounting, audit: app.audit, hasher, subscriptions: app.subscriptions, lookupsPerHour: options.lookupsPerHour });
  const service = createRegisterService({ db: app.db, store, usage, audit: app.audit, hasher, kafka: app.kafka });
  app.decorate('registers', { store, runtime, usage, hasher, query, service });
  // Not awaited: the first sync reaches the broker and the database, and a slow one must not hold up the start.
  app.addHook('onReady', async () => {
    void runtime.start();
  });
  app.addHook('onClose', () => runtime.stop());
}

export default fp(registersPlugin, { name: 'dx-registers', dependencies: ['dx-db', 'dx-kafka', 'dx-metrics', 'dx-audit', 'dx-schema-registry', 'dx-catalog', 'dx-subscriptions'] });
