import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ChainHead } from '../../audit/rows.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import { AUTHENTICATED_ERRORS } from '../schemas.ts';
import { AuditPage, AuditQuery, ExportQuery, VerifyBody } from './schemas.ts';

const tags = ['audit'];

/** NDJSON: one entry a line, then `{"head":...}`, the chain head the export was cut at, and where the next page starts. */
async function* exportLines(audit: AuditLog, head: ChainHead, after: number, limit: number | undefined): AsyncGenerator<string> {
  let last = after;
  for await (const entry of audit.entries(head, after, limit)) {
    last = entry.sequence;
    yield `${JSON.stringify(entry)}\n`;
  }
  const next = last < head.sequence ? last : null;
  yield `${JSON.stringify({ head: { sequence: head.sequence, hash: head.hash, keyed_from: head.keyedFrom }, next })}\n`;
}

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

  app.get('/api/v1/audit/export', {
    config: { action: 'audit:export' },
    schema: {
      tags,
      summary: 'The log as NDJSON, streamed, for archiving and verifying outside the database (docs/audit-recipe.md)',
      querystring: ExportQuery,
      produces: ['application/x-ndjson'],
      response: { 200: Type.String({ description: 'NDJSON: one entry a line (the chained fields under their column names, chain_version, prev_hash, hash), then {"head":{sequence,hash,keyed_from},"next"}' }), ...AUTHENTICATED_ERRORS },
    },
  }, async (request, reply) => {
    const { after, limit } = request.query;
    // Written first, so the export holds the record of itself.
    await app.audit.record({ principal: request.principal, action: 'audit.export', details: { after, ...(limit === undefined ? {} : { limit }) } });
    const head = await app.audit.head();
    const body = Readable.from(exportLines(app.audit, head, after, limit), { objectMode: false });
    body.on('error', (err) => request.log.error({ err }, 'audit export failed'));
    return reply.type('application/x-ndjson; charset=utf-8').header('dx-audit-head', String(head.sequence)).send(body as never);
  });
};

export default auditRoutes;
