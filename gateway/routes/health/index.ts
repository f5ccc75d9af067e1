import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

const Check = Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) });
const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  checks: Type.Object({ database: Check, kafka: Check }),
});

const READY_TIMEOUT_MS = 3000;

async function check(probe: () => Promise<void>): Promise<{ ok: boolean; error?: string }> {
  try {
    await probe();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', {
    logLevel: 'warn',
    schema: { tags: ['health'], summary: 'Liveness: the process is up', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    logLevel: 'warn',
    schema: { tags: ['health'], summary: 'Readiness: Kafka and the database answer; 503 names the one that failed', response: { 200: Readiness, 503: Readiness } },
  }, async (_request, reply) => {
    const [database, kafka] = await Promise.all([check(() => app.db.ping(READY_TIMEOUT_MS)), check(() => app.kafka.ping(READY_TIMEOUT_MS))]);
    const ready = database.ok && kafka.ok;
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks: { database, kafka } });
  });
};

export default healthRoutes;
