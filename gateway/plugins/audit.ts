import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Histogram } from 'prom-client';
import { dxError } from '../errors.ts';
import { createAuditLog, type AuditEntry, type AuditEntryInput, type AuditLog } from '../audit/audit-log.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The tamper-evident audit log. `audit.record(entry, client?)` appends one entry and resolves once it is
     * committed, or, given a client inside an open transaction, once it is written in that transaction (which
     * then holds the chain head until it ends: keep it short). Rejects with DX_ERR_AUDIT_UNAVAILABLE (503) when the
     * database refuses: whatever the entry records must then not happen, or not be answered.
     */
    audit: AuditLog;
  }
}

export interface AuditOptions {
  /** The chain key (DX_AUDIT_KEY, gateway/audit/audit-key.ts). */
  key: Buffer;
  /** The keys it replaced (DX_AUDIT_KEY_PREVIOUS), which verify the entries made before the rotation. */
  previousKeys?: readonly Buffer[];
}

/**
 * Decorates `audit` (gateway/audit/audit-log.ts) and times appends in `dx_audit_append_duration_seconds`. On start,
 * keys a chain left unkeyed by an older version, rotates to a new key when a previous key made the newest entry,
 * and says loudly when no configured key verifies the newest entry.
 */
async function auditPlugin(app: FastifyInstance, options: AuditOptions): Promise<void> {
  const log = createAuditLog(app.db, options.key, options.previousKeys ?? []);
  const start = await log.startKeyed();
  if (start.rotatedAt !== undefined) app.log.warn({ sequence: start.rotatedAt }, 'audit chain: rotated to the new DX_AUDIT_KEY; keep the previous key in DX_AUDIT_KEY_PREVIOUS while its entries must verify, and restart every other instance with the new key');
  if (start.keyedNow) app.log.warn('audit chain: the entries written so far are unkeyed (SHA-256); every entry from now on is keyed with DX_AUDIT_KEY');
  if (!start.headVerifies) app.log.error('audit chain: DX_AUDIT_KEY does not verify the newest entry, nor does any key of DX_AUDIT_KEY_PREVIOUS; the key differs from the one the chain was keyed with, or the entry was altered (GET /api/v1/audit/verify)');
  const duration = new Histogram({
    name: 'dx_audit_append_duration_seconds',
    help: 'Time to append one audit log entry, including waiting for the chain head',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [app.metrics.registry],
  });
  async function timed<T>(action: string, append: () => Promise<T>): Promise<T> {
    const end = duration.startTimer();
    try {
      return await append();
    } catch (err) {
      app.log.error({ err, action }, 'audit append failed');
      throw dxError('DX_ERR_AUDIT_UNAVAILABLE', { cause: err });
    } finally {
      end();
    }
  }
  app.decorate('audit', {
    ...log,
    record: (input: AuditEntryInput, client?: Parameters<AuditLog['record']>[1]): Promise<AuditEntry> => timed(input.action, () => log.record(input, client)),
    recordMany: (inputs: readonly AuditEntryInput[], client: Parameters<AuditLog['recordMany']>[1]): Promise<AuditEntry[]> => timed(inputs[0]?.action ?? 'none', () => log.recordMany(inputs, client)),
  });
}

export default fp(auditPlugin, { name: 'dx-audit', dependencies: ['dx-db', 'dx-metrics'] });
