import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { Principal } from '../../auth/principal.ts';
import { dxError } from '../../errors.ts';
import { isKafkaError } from '../../kafka/errors.ts';
import { createIngestRequests } from '../../pipeline/ingest-requests.ts';
import { createPush } from '../../pipeline/push.ts';
import { AUTHENTICATED_ERRORS, ErrorBody } from '../schemas.ts';

const INGEST_BODY_LIMIT = 32 * 1024 * 1024;

const Result = Type.Object({
  index: Type.Integer(),
  status: Type.Union([Type.Literal('published'), Type.Literal('rejected')]),
  key: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), rule: Type.String(), message: Type.String() }))),
});
const IngestAnswer = Type.Object({ requestId: Type.String(), accepted: Type.Integer(), rejected: Type.Integer(), results: Type.Array(Result) });

function parseNdjson(text: string): unknown[] {
  return text.split(/\r?\n/).flatMap((line, index) => {
    if (line.trim() === '') return [];
    try {
      return [JSON.parse(line)];
    } catch {
      throw dxError('DX_ERR_REQUEST_INVALID', { message: `line ${index + 1} is not JSON`, details: [{ path: `[line ${index + 1}]`, message: 'is not JSON' }] });
    }
  });
}

const ingestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, runtime } = app.pipeline;
  const push = createPush({ db: app.db, store, runtime, requests: createIngestRequests(app.db, app.secretBox) });
  const recordPush = (principal: Principal | null, connectorId: string, answer: Static<typeof IngestAnswer>) =>
    app.audit.record({ principal, action: 'ingest.push', object: { type: 'connector', id: connectorId }, details: { requestId: answer.requestId, records: answer.results.length, accepted: answer.accepted, rejected: answer.rejected } });
  app.addContentTypeParser(['application/x-ndjson', 'application/jsonl'], { parseAs: 'string', bodyLimit: INGEST_BODY_LIMIT }, (_request, body, done) => {
    try {
      done(null, parseNdjson(body as string));
    } catch (err) {
      done(err as Error);
    }
  });

  app.post('/api/v1/ingest/:id', {
    config: { action: 'connectors:push' },
    bodyLimit: INGEST_BODY_LIMIT,
    schema: {
      tags: ['ingest'],
      summary: "Push records to an http-push connector; answered after Kafka acknowledged them",
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
      body: Type.Array(Type.Record(Type.String(), Type.Unknown()), { description: 'Records as JSON objects (JSON array, or NDJSON lines)' }),
      response: { 202: IngestAnswer, 409: ErrorBody, 413: ErrorBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request, reply) => {
    const connector = await store.get(request.params.id);
    if (!connector) throw dxError('DX_ERR_CONNECTOR_NOT_FOUND');
    request.authorize({ departmentCode: connector.departmentCode }, 'DX_ERR_CONNECTOR_NOT_FOUND');
    if (connector.kind !== 'push') throw dxError('DX_ERR_CONNECTOR_STATE', { message: 'This connector pulls from its source; records cannot be pushed to it' });
    if (connector.state !== 'active') throw dxError('DX_ERR_CONNECTOR_STATE', { message: 'The connector is paused' });
    const max = Number((connector.config.maxRecordsPerRequest as number | undefined) ?? 5000);
    if (request.body.length > max) throw dxError('DX_ERR_PAYLOAD_TOO_LARGE', { message: `At most ${max} records per request; this one has ${request.body.length}` });

    const key = request.headers['idempotency-key'];
    let pushed: Awaited<ReturnType<typeof push>>;
    try {
      pushed = await push(connector, request.body, key);
    } catch (err) {
      if (isKafkaError(err)) throw dxError('DX_ERR_KAFKA_UNAVAILABLE', { cause: err });
      throw err;
    }
    const { answer, replayed } = pushed;
    if (replayed) {
      // The first answer may have been a 503 because its entry could not be written: the replay records it then.
      const entry = { action: 'ingest.push', object: { type: 'connector', id: connector.id }, details: { requestId: answer.requestId } };
      if (!(await app.audit.has(entry))) await recordPush(request.principal, connector.id, answer);
      return reply.status(202).header('idempotent-replayed', 'true').send(answer);
    }
    request.log.info({ connectorId: connector.id, accepted: answer.accepted, rejected: answer.rejected }, 'records pushed');
    try {
      await recordPush(request.principal, connector.id, answer);
    } catch (err) {
      // Kafka has the records and the answer is stored: the sender's retry with the key replays it and records the entry.
      throw dxError('DX_ERR_AUDIT_PUSH_UNRECORDED', { cause: err });
    }
    return reply.status(202).send(answer);
  });
};

export default ingestRoutes;
