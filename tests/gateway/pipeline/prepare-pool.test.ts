import { pino } from 'pino';
import t from 'tap';
import type { SourceRecord } from '../../../connectors/types.ts';
import { createFixtureGenerator } from '../../../schemas/fixtures/index.ts';
import { HOUSEHOLD_REGISTER_MAPPING } from '../../../schemas/fixtures/household-register.ts';
import { createValidator } from '../../../schemas/validate.ts';
import { transferables, unpackBatch } from '../../../gateway/pipeline/prepare/packed-batch.ts';
import { createPreparePool } from '../../../gateway/pipeline/prepare/prepare-pool.ts';
import { buildTarget, type TargetSpec } from '../../../gateway/pipeline/prepare/prepare-target.ts';
import { recordOutcomes, type PreparedBatch } from '../../../gateway/pipeline/batch.ts';
import { prepareBatch } from '../../../gateway/pipeline/prepare/prepare-batch.ts';
import { messageId } from '../../../gateway/pipeline/encode/message-id.ts';
import { encodeHeaders } from '../../../gateway/kafka/encoded-headers.ts';
import { encodeWire } from '../../../schemas/wire.ts';

const SPEC: TargetSpec = {
  connectorId: '6f1c2d3e-0000-4000-8000-000000000001',
  version: '2026-11-25T10:00:00.000Z',
  schemaName: 'population.person',
  schemaId: 7,
  topic: 'population.person',
  deadLetterTopic: 'population.person.dlq',
  mapping: HOUSEHOLD_REGISTER_MAPPING,
  clearSourceFields: [],
};

/** Residents as a household register holds them, every fifth with a broken ID number. */
function sourceRecords(count: number): SourceRecord[] {
  const fixtures = createFixtureGenerator({ seed: 11 });
  return Array.from({ length: count }, (_, index) => {
    const person = index % 5 === 4 ? (fixtures.invalid('id-number-check-character').record as unknown as ReturnType<typeof fixtures.person>) : fixtures.person();
    const value = { sfzh: person.id_number, xm: person.name, xb: person.sex === '1' ? '男' : '女', mz: person.ethnicity, csrq: person.birth_date?.replace(/-/g, ''), hjdz: person.registered_address };
    return { partition: 'hukou', offset: { cursor: '2026-11-25T10:00:00.000Z', key: String(index) }, value, timestamp: 1_795_000_000_000 + index };
  });
}

/** What a batch sends, as plain data to compare. */
function sent(batch: PreparedBatch) {
  const { topicMessages, ...rest } = batch;
  const messages = topicMessages.map(({ topic, messages: list }) => ({ topic, messages: list.map((message) => ({ ...message, value: Buffer.from(message.value as Buffer).toString('base64') })) }));
  return { ...rest, offsets: [...rest.offsets], messages };
}

const log = pino({ level: 'silent' });

t.test('a batch prepared in a worker thread is the batch prepared on the event loop, byte for byte', async (t) => {
  const here = createPreparePool({ size: 0, validator: createValidator(), log });
  const worker = createPreparePool({ size: 1, validator: createValidator(), log });
  t.teardown(() => worker.close());
  const records = sourceRecords(200);
  const [inline, threaded] = await Promise.all([here.prepare(SPEC, records), worker.prepare(SPEC, records)]);
  t.match(inline, { read: 200, published: 160 });
  t.equal(inline.rejected.length, 40);
  t.same(sent(threaded), sent(inline));
  t.same(threaded.topicMessages.map(({ topic, messages }) => [topic, messages.length]), [['population.person', 160], ['population.person.dlq', 40]]);
});

t.test('batches sent to several workers all come back, each with its own records', async (t) => {
  const pool = createPreparePool({ size: 2, validator: createValidator(), log });
  t.teardown(() => pool.close());
  const records = sourceRecords(500);
  const batches = await Promise.all(Array.from({ length: 10 }, (_, index) => pool.prepare(SPEC, records.slice(index * 50, index * 50 + 50))));
  t.same(batches.map((batch) => batch.read), Array(10).fill(50));
  t.same(batches.map((batch) => (batch.offsets.get('hukou') as { key: string }).key), Array.from({ length: 10 }, (_, index) => String(index * 50 + 49)), 'each answer belongs to its own batch');
});

t.test('records a worker cannot receive are prepared on the event loop instead', async (t) => {
  const pool = createPreparePool({ size: 1, validator: createValidator(), log });
  t.teardown(() => pool.close());
  const [record] = sourceRecords(1);
  const odd = { ...record!, value: { ...record!.value, callback: () => undefined } };
  const batch = await pool.prepare(SPEC, [odd]);
  t.match(batch, { read: 1, published: 1 });
});

t.test('a batch the caller empties as soon as prepare returns is prepared whole, as the runtime empties it', async (t) => {
  const here = createPreparePool({ size: 0, validator: createValidator(), log });
  const worker = createPreparePool({ size: 1, validator: createValidator(), log });
  t.teardown(() => worker.close());
  const [record] = sourceRecords(1);
  // A value a worker cannot receive: prepared on the event loop instead.
  const uncloneable = [{ ...record!, value: { ...record!.value, callback: () => undefined } }];
  for (const [path, pool, records] of [['on the event loop', here, sourceRecords(50)], ['in a worker', worker, sourceRecords(50)], ['after a failed copy', worker, uncloneable]] as const) {
    const batch = pool.prepare(SPEC, records);
    const count = records.length;
    (records as SourceRecord[]).length = 0;
    t.match(await batch, { read: count, published: count === 1 ? 1 : 40 }, path);
  }
});

t.test('a new connector version is prepared with its new mapping', async (t) => {
  const pool = createPreparePool({ size: 1, validator: createValidator(), log });
  t.teardown(() => pool.close());
  const records = sourceRecords(4);
  t.match(await pool.prepare(SPEC, records), { published: 4 });
  const broken = { ...SPEC, version: '2026-11-25T11:00:00.000Z', mapping: { fields: { ...HOUSEHOLD_REGISTER_MAPPING.fields, id_number: 'xm' } } };
  t.match(await pool.prepare(broken, records), { published: 0, read: 4 });
});

t.test('a closed pool refuses work', async (t) => {
  const pool = createPreparePool({ size: 1, validator: createValidator(), log });
  await pool.close();
  await t.rejects(pool.prepare(SPEC, sourceRecords(1)), /closed/);
});

t.test('a prepared batch holds each message as encoding it alone gives, values and headers in the one buffer that is moved', async (t) => {
  const validator = createValidator();
  const target = buildTarget(SPEC, validator);
  // Larger than the buffers a batch is first written into (256 KiB published, 16 KiB rejected): both must grow.
  const records = sourceRecords(3000);
  const packed = prepareBatch(target, records);
  t.equal(transferables(packed)[0]!.byteLength, packed.headerEnds.at(-1), 'the values and headers, and nothing else, in the buffer that is moved');
  const [resource, deadLetters] = unpackBatch(packed).topicMessages;
  const provenance = (record: SourceRecord) => ({ 'dx-message-id': messageId(SPEC.connectorId, 'hukou', JSON.stringify(record.offset)), 'dx-source': JSON.stringify([SPEC.connectorId, 'hukou', record.offset]) });
  const valid = records.filter((_, index) => index % 5 !== 4);
  const broken = records.filter((_, index) => index % 5 === 4);
  t.same(resource!.messages.map((message) => [message.key, Buffer.from(message.value as Buffer).toString('base64'), Buffer.from(message.headers as unknown as Buffer).toString('base64'), message.timestamp]), valid.map((record) => {
    const mapped = target.map(record.value);
    if (!mapped.ok) throw new Error('a valid fixture did not map');
    return [mapped.value.id_number, encodeWire(SPEC.schemaId, target.schema.avroType, mapped.value).toString('base64'), (encodeHeaders(provenance(record)) as unknown as Buffer).toString('base64'), String(record.timestamp)];
  }));
  t.same(deadLetters!.messages.map((message) => [message.key, Buffer.from(message.headers as unknown as Buffer).toString('base64'), message.timestamp]), broken.map((record) => [SPEC.connectorId, (encodeHeaders({ ...provenance(record), 'dx-rejected': 'true' }) as unknown as Buffer).toString('base64'), String(record.timestamp)]));
  const redacted = (record: SourceRecord) => ({ ...Object.fromEntries(Object.keys(record.value).map((field) => [field, '***'])), sfzh: `${String(record.value.sfzh).slice(0, 6)}***********${String(record.value.sfzh).slice(-1)}` });
  t.match(deadLetters!.messages.map((message) => JSON.parse(String(message.value))), broken.map((record) => ({ connectorId: SPEC.connectorId, partition: 'hukou', offset: record.offset, errors: [{ path: 'id_number' }], source: redacted(record) })));
  t.same(Object.keys(JSON.parse(String(deadLetters!.messages[0]!.value))), ['connectorId', 'partition', 'offset', 'errors', 'source']);
});

t.test('a batch the worker cannot prepare fails with the reason, and the worker goes on with the next', async (t) => {
  const pool = createPreparePool({ size: 1, validator: createValidator(), log });
  t.teardown(() => pool.close());
  await t.rejects(pool.prepare({ ...SPEC, connectorId: 'other', schemaName: 'no.such-schema' }, sourceRecords(1)), /preparing a batch failed/);
  t.match(await pool.prepare(SPEC, sourceRecords(5)), { read: 5, published: 4 });
});

t.test('the outcome of each record is told in its place, however published and rejected records alternate', async (t) => {
  const worker = createPreparePool({ size: 1, validator: createValidator(), log });
  t.teardown(() => worker.close());
  const records = sourceRecords(10);
  // Rejected first, in the middle and last (sourceRecords breaks every fifth).
  const mixed = [4, 0, 1, 9, 2, 3, 5, 6, 7, 8].map((index) => records[index]!);
  const expected = mixed.map((record, index) => ([0, 3].includes(index) ? { status: 'rejected' } : { status: 'published', key: String(record.value.sfzh) }));
  for (const pool of [createPreparePool({ size: 0, validator: createValidator(), log }), worker]) {
    const outcomes = recordOutcomes(await pool.prepare(SPEC, [...mixed, records[4]!]));
    t.match(outcomes, [...expected, { status: 'rejected' }]);
    t.same(outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => 'errors' in outcome && outcome.errors[0]?.path), ['id_number', 'id_number', 'id_number']);
  }
});
