import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Histogram } from 'prom-client';
import { createAuditLog, type AuditEntry, type AuditEntryInput, type AuditLog } from '../audit/audit-log.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The tamper-evident audit log. `audit.record(entry, client?)` appends one entry and resolves once it is
     * committed, or, given a client inside an open transaction, once it is written in that transaction (which
     * then holds the chain head until it ends: keep it short). Rejects when the database refuses.
     */
    audit: AuditLog;
  }
}

/** Decorates `audit` (gateway/audit/audit-log.ts) and times appends in `dx_audit_append_duration_seconds`. */
async function auditPlugin(app: FastifyInstance): Promise<void> {
  const log = createAuditLog(app.db);
  const duration = new Histogram({
    name: 'dx_audit_append_duration_seconds',
    help: 'Time to append one audit log entry, including waiting for the chain head',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [app.metrics.registry],
  });
  app.decorate('audit', {
    ...log,
    async record(input: AuditEntryInput, client?: Parameters<AuditLog['record']>[1]): Promise<AuditEntry> {
      const end = duration.startTimer();
      try {
        return await log.record(input, client);
      } finally {
        end();
      }
    },
  });
}

export default fp(auditPlugin, { name: 'dx-audit', dependencies: ['dx-db', 'dx-metrics'] });
