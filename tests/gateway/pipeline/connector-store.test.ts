import t, { type Test } from 'tap';
import type { JsonValue } from '../../../connectors/types.ts';
import { CONNECTOR_DEFINITIONS, createConnectorRegistry } from '../../../connectors/registry.ts';
import { createConnectorStore } from '../../../gateway/pipeline/connector-store.ts';
import { createMigratedDatabase } from '../../helpers/database.ts';
import { PERSON_MAPPING } from '../../helpers/person-source.ts';
import { testSecretBox } from '../../helpers/secret-key.ts';

async function storeWithConnector(t: Test) {
  const db = await createMigratedDatabase(t);
  const store = createConnectorStore(db, { box: testSecretBox(), types: createConnectorRegistry(CONNECTOR_DEFINITIONS) });
  const connector = await store.create(
    { name: '户籍库', departmentCode: 'GAJ', type: 'sql-pull', kind: 'pull', schemaName: 'population.person', topic: 'p', deadLetterTopic: 'p.dlq', config: {}, mapping: PERSON_MAPPING, schedule: '0 * * * *', options: {} },
    null,
  );
  return { db, store, connector };
}

const errors = [{ path: 'id_number', rule: 'format', message: 'check character is wrong' }];

t.test('a committed batch advances every partition, stores its rejected records and adds to totals, run and minute', async (t) => {
  const { db, store, connector } = await storeWithConnector(t);
  const runId = await store.startRun(connector.id, 'manual', 'test');
  const rejected = [{ partition: 'b', offset: { key: 7 }, source: { sfzh: '110101' }, errors }];
  await store.commitBatch(connector.id, runId, { read: 5, published: 4, rejected, offsets: new Map<string, JsonValue>([['a', { cursor: '2026-11-25', key: 3 }], ['b', 7]]) });
  await store.commitBatch(connector.id, runId, { read: 2, published: 2, rejected: [], offsets: new Map<string, JsonValue>([['a', { cursor: '2026-11-26', key: 1 }]]) });
  t.same(Object.fromEntries(await store.offsets(connector.id)), { a: { cursor: '2026-11-26', key: 1 }, b: 7 }, 'the last offset of each partition');
  t.match(await store.totals(connector.id), { read: 7, published: 6, rejected: 1 });
  t.match(await store.run(runId), { read: 7, published: 6, rejected: 1 });
  t.match(await store.rejectedRecords(connector.id, { limit: 10, afterId: 0, status: 'all' }), [{ runId, partition: 'b', offset: { key: 7 }, source: { sfzh: '110101' }, errors }]);
  const { rows } = await db.query('SELECT sum(published)::int AS published, sum(rejected)::int AS rejected FROM connector_throughput WHERE connector_id = $1', [connector.id]);
  t.same(rows[0], { published: 6, rejected: 1 });
});

t.test('an empty batch changes nothing, and a push batch (no run, no offsets) counts in the totals only', async (t) => {
  const { db, store, connector } = await storeWithConnector(t);
  const minutes = async () => (await db.query<{ minutes: number }>('SELECT count(*)::int AS minutes FROM connector_throughput WHERE connector_id = $1', [connector.id])).rows[0]?.minutes;
  await store.commitBatch(connector.id, null, { read: 0, published: 0, rejected: [], offsets: new Map() });
  t.equal(await minutes(), 0, 'an empty batch adds no minute to the throughput');
  await store.commitBatch(connector.id, null, { read: 3, published: 2, rejected: [{ partition: 'push', offset: { index: 2 }, source: {}, errors }], offsets: new Map() });
  t.match(await store.totals(connector.id), { read: 3, published: 2, rejected: 1 });
  t.same([...(await store.offsets(connector.id))], []);
  t.match(await store.rejectedRecords(connector.id, { limit: 10, afterId: 0, status: 'all' }), [{ runId: null, partition: 'push' }]);
  t.equal(await minutes(), 1);
});

t.test('a batch that cannot be stored whole is not stored at all', async (t) => {
  const { store, connector } = await storeWithConnector(t);
  const broken = [{ partition: 'a', offset: 1, source: {}, errors: null as never }];
  await t.rejects(store.commitBatch(connector.id, null, { read: 1, published: 0, rejected: broken, offsets: new Map([['a', 1]]) }));
  t.same([...(await store.offsets(connector.id))], [], 'the offset did not move');
  t.match(await store.totals(connector.id), { read: 0, published: 0, rejected: 0 });
});
