import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import { BASE_RESOURCES } from '../../catalog/base-resources.ts';
import { createValueDecoder } from '../registers/decode.ts';
import { createRegisterRuntime, type RegisterRuntime } from '../registers/runtime.ts';
import { createRegisterStore, type RegisterStore } from '../registers/store.ts';

export interface RegistersOptions {
  /** DX_REGISTER_RESOURCES: `base`, `none` or resource codes. */
  resources: string;
  heartbeatMs: number;
  /** DX_REGISTER_LOOKUPS_PER_HOUR: distinct entities a query subscription may look up an hour, by default. */
  lookupsPerHour: number;
}

export interface Registers {
  store: RegisterStore;
  runtime: RegisterRuntime;
  lookupsPerHour: number;
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
 * dx_register_applied_total and dx_register_undecodable_total, by resource.
 */
async function registersPlugin(app: FastifyInstance, options: RegistersOptions): Promise<void> {
  const log = app.log.child({ component: 'registers' }) as unknown as Logger;
  const store = createRegisterStore(app.db);
  const registers = [app.metrics.registry];
  const lagRecords = new Gauge({ name: 'dx_register_lag_records', help: 'Records of the resource topic not yet in its register', labelNames: ['resource'], registers });
  const lagSeconds = new Gauge({ name: 'dx_register_lag_seconds', help: 'Seconds since the last record applied of a register partition that is behind its topic (0: caught up)', labelNames: ['resource'], registers });
  const applied = new Counter({ name: 'dx_register_applied_total', help: 'Register entries upserted or deleted', labelNames: ['resource'], registers });
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
  });
  app.decorate('registers', { store, runtime, lookupsPerHour: options.lookupsPerHour });
  app.addHook('onReady', () => runtime.start());
  app.addHook('onClose', () => runtime.stop());
}

export default fp(registersPlugin, { name: 'dx-registers', dependencies: ['dx-db', 'dx-kafka', 'dx-metrics', 'dx-schema-registry', 'dx-catalog'] });
