import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AUTHENTICATED_ERRORS } from '../schemas.ts';
import { AuditPage, AuditQuery, VerifyBody } from './schemas.ts';

const tags = ['audit'];

const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/v1/audit', {
    config: { action: 'audit:read' },
    schema: { tags, summary: 'Audit log entries, filtered, paged by sequence', querystring: AuditQuery, response: { 200: AuditPage, ...AUTHENTICATED_ERRORS } },
  }, async (request) => {
    const { principal, action, objectType, objectId, from, to, order, cursor, limit } = request.query;
    const items = await app.audit.list({ principalId: principal, action, objectType, objectId, from, to, order, cursor, limit });
    return { items, nextCursor: items.length === limit ? (items[items.length - 1]?.sequence ?? null) : null };
  });

  app.get('/api/v1/audit/verify', {
    config: { action: 'audit:verify' },
    schema: { tags, summary: 'Walk the hash chain and report the first broken entry', response: { 200: VerifyBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => {
    const report = await app.audit.verify();
    if (!report.ok) request.log.warn({ firstBrokenAt: report.firstBrokenAt, checked: report.checked }, 'audit chain is broken');
    return report;
  });
};

export default auditRoutes;
