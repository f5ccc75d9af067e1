import t, { type Test } from 'tap';
import { pino } from 'pino';
import { createLeasedWorkerLoop, type LeasedWorker, type LeasePolicy } from '../../../gateway/leasing/leased-workers.ts';
import { createLeases, type LeaseTable } from '../../../gateway/leasing/leases.ts';
import { createDb, type Db } from '../../../gateway/plugins/db.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { waitFor } from '../../helpers/dedicated-kafka.ts';

const TABLE: LeaseTable = { table: 'job_leases', key: 'job_id' };
const HEARTBEAT_MS = 50;
const silent = pino({ level: 'silent' });

interface Job {
  id: string;
  version: string;
}

async function leaseDatabase(t: Test): Promise<Db> {
  const db = createDb({ url: await createTestDatabase(t), poolSize: 4 });
  t.teardown(() => db.pool.end());
  await db.query(`CREATE TABLE ${TABLE.table} (${TABLE.key} text PRIMARY KEY, owner text NOT NULL, expires_at timestamptz NOT NULL)`);
  return db;
}

async function holder(db: Db, id: string): Promise<string | undefined> {
  return createLeases(db, 'observer', 1000, TABLE).holder(id);
}

/** One gateway instance's loop over the jobs in `wanted`, recording which of its workers run. */
function instance(t: Test, db: Db, owner: string, wanted: Job[], options: { ttlMs?: number; policy?: LeasePolicy } = {}) {
  const running = new Set<string>();
  const started: string[] = [];
  const endings = new Map<string, () => void>();
  const loop = createLeasedWorkerLoop<Job>({
    leases: createLeases(db, owner, options.ttlMs ?? 60_000, TABLE),
    log: silent,
    heartbeatMs: HEARTBEAT_MS,
    policy: options.policy ?? 'hold-while-running',
    names: { key: 'job', worker: 'test job' },
    wanted: async () => wanted,
    version: (job) => job.version,
    start(job): LeasedWorker {
      running.add(job.id);
      started.push(`${job.id}@${job.version}`);
      const done = new Promise<void>((resolve) => endings.set(job.id, resolve));
      return { done, stop: () => void running.delete(job.id) };
    },
  });
  let stopped = false;
  t.teardown(() => (stopped ? undefined : loop.stop()));
  return {
    loop,
    running,
    started,
    /** The worker ends by itself, as a subscription's worker does when its handler says stop. */
    end: (id: string) => {
      running.delete(id);
      endings.get(id)?.();
    },
    stop: async () => {
      stopped = true;
      await loop.stop();
    },
  };
}

const until = (probe: () => boolean | Promise<boolean>, what: string) =>
  waitFor(async () => probe(), (ok) => ok, 10_000).catch(() => {
    throw new Error(`timed out waiting until ${what}`);
  });

t.test('a job runs on one of two instances only', async (t) => {
  const db = await leaseDatabase(t);
  const jobs = [{ id: 'harvest', version: '1' }];
  const first = instance(t, db, 'first', jobs);
  const second = instance(t, db, 'second', jobs);
  await first.loop.start();
  await second.loop.start();
  await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS * 6));
  t.same([...first.running], ['harvest']);
  t.same([...second.running], []);
  t.equal(await holder(db, 'harvest'), 'first');
});

t.test('a dead instance’s lease is taken over once it has expired, not before', async (t) => {
  const db = await leaseDatabase(t);
  await createLeases(db, 'dead', 1500, TABLE).acquire('harvest');
  const takenAt = Date.now() + 1500;
  const survivor = instance(t, db, 'survivor', [{ id: 'harvest', version: '1' }]);
  await survivor.loop.start();
  t.same([...survivor.running], [], 'the live lease of the dead instance is respected');
  await until(() => survivor.running.has('harvest'), 'the survivor runs the job');
  t.ok(Date.now() >= takenAt - 50, 'taken over only after the lease expired');
  t.equal(await holder(db, 'harvest'), 'survivor');
});

t.test('stopping an instance stops its workers and releases its leases, so another takes over before expiry', async (t) => {
  const db = await leaseDatabase(t);
  const jobs = [{ id: 'harvest', version: '1' }];
  const first = instance(t, db, 'first', jobs);
  await first.loop.start();
  const second = instance(t, db, 'second', jobs);
  await second.loop.start();
  t.same([...second.running], []);
  await first.stop();
  t.same([...first.running], [], 'the worker was stopped');
  t.equal(await holder(db, 'harvest'), undefined, 'the lease was released');
  // The lease lasts 60 s: only the release explains a take-over within the test's 10 s.
  await until(() => second.running.has('harvest'), 'the second instance runs the job');
  t.equal(await holder(db, 'harvest'), 'second');
});

t.test('a worker whose lease is lost is stopped at the next heartbeat', async (t) => {
  const db = await leaseDatabase(t);
  const first = instance(t, db, 'first', [{ id: 'harvest', version: '1' }]);
  await first.loop.start();
  t.ok(first.running.has('harvest'));
  await db.query(`UPDATE ${TABLE.table} SET owner = 'intruder' WHERE job_id = 'harvest'`);
  await until(() => !first.running.has('harvest'), 'the worker is stopped');
  t.equal(await holder(db, 'harvest'), 'intruder');
});

t.test('a job no longer wanted is stopped and its lease released; a changed job is restarted under its lease', async (t) => {
  const db = await leaseDatabase(t);
  const jobs = [{ id: 'harvest', version: '1' }, { id: 'register', version: '1' }];
  const first = instance(t, db, 'first', jobs);
  await first.loop.start();
  jobs.splice(0, 1);
  jobs[0]!.version = '2';
  await first.loop.refresh();
  t.same([...first.running], ['register']);
  t.same(first.started, ['harvest@1', 'register@1', 'register@2']);
  t.equal(await holder(db, 'harvest'), undefined);
  t.equal(await holder(db, 'register'), 'first');
});

t.test('a worker that ends by itself is forgotten, its lease released, and started again while still wanted', async (t) => {
  const db = await leaseDatabase(t);
  const first = instance(t, db, 'first', [{ id: 'harvest', version: '1' }]);
  await first.loop.start();
  first.end('harvest');
  await until(() => first.started.length === 2 && first.running.has('harvest'), 'the worker is started again');
  t.equal(await holder(db, 'harvest'), 'first');
});

t.test('take-when-working: workers start on every instance without a lease, and the lease goes to the first to take it', async (t) => {
  const db = await leaseDatabase(t);
  const jobs = [{ id: 'pull', version: '1' }];
  const first = instance(t, db, 'first', jobs, { policy: 'take-when-working' });
  const second = instance(t, db, 'second', jobs, { policy: 'take-when-working' });
  await first.loop.start();
  await second.loop.start();
  t.ok(first.running.has('pull') && second.running.has('pull'), 'both schedule the job');
  t.equal(await holder(db, 'pull'), undefined, 'no lease is taken before there is work');
  t.ok(await createLeases(db, 'second', 60_000, TABLE).acquire('pull'));
  t.notOk(await createLeases(db, 'first', 60_000, TABLE).acquire('pull'));
  await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS * 4));
  t.ok(first.running.has('pull'), 'a lease held elsewhere does not stop the worker');
  await second.stop();
  t.equal(await holder(db, 'pull'), undefined, 'stopping releases it');
});
