import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Retrying } from '../../registers/materialiser-health.ts';

const Check = Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) });
const Retrying = Type.Object({
  id: Type.String({ description: '<resource id>:<generation> of a materialiser, or sync for the runtime that starts them' }),
  resourceId: Type.Union([Type.String(), Type.Null()]),
  since: Type.String({ format: 'date-time' }),
  error: Type.String(),
});
const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  checks: Type.Object({ database: Check, kafka: Check }),
  registers: Type.Object(
    { materialisers: Type.Union([Type.Literal('running'), Type.Literal('retrying')]), retrying: Type.Array(Retrying) },
    { description: "This instance's register materialisers; one retrying does not make the instance unready (lookups answer from the stored state)" },
  ),
});

const READY_TIMEOUT_MS = 3000;
/** How long one readiness answer is reused: a load balancer probing every instance often costs one check a second. */
const READY_CACHE_MS = 1000;

type ReadinessAnswer = { ready: boolean; checks: { database: { ok: boolean; error?: string }; kafka: { ok: boolean; error?: string } } };

function registersOf(retrying: Retrying[]) {
  return { materialisers: retrying.length === 0 ? ('running' as const) : ('retrying' as const), retrying };
}

async function check(probe: () => Promise<void>): Promise<{ ok: boolean; error?: string }> {
  try {
    await probe();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  let cached: { at: number; answer: Promise<ReadinessAnswer> } | undefined;

  async function probe(): Promise<ReadinessAnswer> {
    const [database, kafka] = await Promise.all([check(() => app.db.ping(READY_TIMEOUT_MS)), check(() => app.kafka.ping(READY_TIMEOUT_MS))]);
    return { ready: database.ok && kafka.ok, checks: { database, kafka } };
  }

  /** Concurrent probes share one check; its answer stands for READY_CACHE_MS after it came. */
  function readiness(): Promise<ReadinessAnswer> {
    if (cached && Date.now() - cached.at < READY_CACHE_MS) return cached.answer;
    const entry = { at: Infinity, answer: probe() };
    void entry.answer.then(() => (entry.at = Date.now()));
    cached = entry;
    return entry.answer;
  }

  app.get('/healthz', {
    logLevel: 'warn',
    schema: { tags: ['health'], summary: 'Liveness: the process is up', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    logLevel: 'warn',
    schema: { tags: ['health'], summary: 'Readiness: Kafka and the database answer; 503 names the one that failed', response: { 200: Readiness, 503: Readiness } },
  }, async (_request, reply) => {
    const { ready, checks } = await readiness();
    const registers = registersOf(app.registers.runtime.retrying());
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks, registers });
  });
};

export default healthRoutes;
