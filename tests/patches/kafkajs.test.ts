import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { encodeHeaders } from '../../gateway/kafka/encoded-headers.ts';

/**
 * patches/kafkajs+2.2.4.patch rewrites the hot paths of kafkajs's producer for speed (see the README's performance
 * section). These tests hold the patched code to kafkajs as published (`kafkajs-published`, a second copy the patch
 * leaves alone) and to what the Kafka protocol and the Java client define.
 */
const require = createRequire(import.meta.url);
type Encoded = { buf: Buffer; buffer: Buffer };
type RecordFields = { offsetDelta?: number; timestampDelta?: number; key?: unknown; value?: unknown; headers?: Record<string, unknown> };
const encodeRecord: (fields: RecordFields) => Encoded = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
const decodeRecord: (decoder: unknown, context: object) => { key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[]>; offset: string; timestamp: string } = require('kafkajs/src/protocol/recordBatch/record/v0/decoder.js');
const Decoder: new (buffer: Buffer) => { readVarIntBytes(): Buffer } = require('kafkajs/src/protocol/decoder.js');
const publishedRecord: (fields: RecordFields) => Encoded = require('kafkajs-published/src/protocol/recordBatch/record/v0/index.js');
const publishedMurmur2: (key: string | Buffer) => number = require('kafkajs-published/src/producer/partitioners/default/murmur2.js');
const publishedCrc32C: (buffer: Buffer) => number = require('kafkajs-published/src/protocol/recordBatch/crc32C/crc32C.js');
const murmur2: (key: string | Buffer) => number = require('kafkajs/src/producer/partitioners/default/murmur2.js');
const crc32C: (buffer: Buffer) => number = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js');
type Grouping = (args: { topic: string; partitionMetadata: { partitionId: number; leader: number }[]; messages: { key: string; partition?: number }[]; partitioner: (args: { message: { partition?: number } }) => number }) => Record<string, { key: string }[]>;
const groupMessagesPerPartition: Grouping = require('kafkajs/src/producer/groupMessagesPerPartition.js');
const publishedGrouping: Grouping = require('kafkajs-published/src/producer/groupMessagesPerPartition.js');
type ProduceRequest = (args: Record<string, unknown>) => unknown;
type RequestFraming = (args: { correlationId: number; clientId: string | null; request: unknown }) => Promise<{ buffer: Buffer }>;
const produceRequest: ProduceRequest = require('kafkajs/src/protocol/requests/produce/v3/request.js');
const publishedProduceRequest: ProduceRequest = require('kafkajs-published/src/protocol/requests/produce/v3/request.js');
const frameRequest: RequestFraming = require('kafkajs/src/protocol/request.js');
const publishedFrameRequest: RequestFraming = require('kafkajs-published/src/protocol/request.js');
const Long: { fromNumber(value: number): unknown } = require('kafkajs/src/utils/long.js');
const { Types: Compression }: { Types: Record<string, number> } = require('kafkajs/src/protocol/message/compression/index.js');

const SAMPLES: RecordFields[] = [
  { key: '110101199003074477', value: Buffer.from('avro body'), headers: { 'dx-message-id': 'a'.repeat(32), 'dx-source': '["c",  "p", 1]' } },
  { key: null, value: null },
  { key: Buffer.from([0, 1, 2]), value: '居民身份证 😀', headers: { 多: Buffer.from('值'), many: ['one', Buffer.from('two')] } },
  { key: 'k', value: randomBytes(20_000), offsetDelta: 70_000, timestampDelta: -5 },
  { key: 'k', value: randomBytes(130), offsetDelta: 2 ** 31 - 1, timestampDelta: 2 ** 40 + 3 },
  { key: '', value: '', headers: {} },
  { key: 'k', value: 'v', timestampDelta: -(2 ** 53 - 1) },
  { key: 'k', value: 'v', timestampDelta: 2 ** 53 - 1 },
  { key: 'k', value: 'v', timestampDelta: -(2 ** 52) - 1, offsetDelta: -(2 ** 31) },
];

t.test('records encode to the bytes of kafkajs as published', async (t) => {
  for (const [index, sample] of SAMPLES.entries()) t.same(encodeRecord(sample).buffer, publishedRecord(sample).buffer, `sample ${index}`);
  for (let index = 0; index < 200; index++) {
    const timestampDelta = Math.round((Math.random() * 2 - 1) * 2 ** (index % 54));
    const sample = { key: randomBytes(index % 40).toString('hex'), value: randomBytes(index * 7), offsetDelta: index * 997, timestampDelta, headers: { 'dx-message-id': randomBytes(16).toString('hex'), 'dx-source': `["${index}","源",{"k":${index}}]` } };
    if (!encodeRecord(sample).buffer.equals(publishedRecord(sample).buffer)) t.fail(`random sample ${index} differs`);
  }
});

t.test('records decode back to their key, value, headers, offset and timestamp', async (t) => {
  for (const sample of SAMPLES) {
    const decoded = decodeRecord(new Decoder(new Decoder(encodeRecord(sample).buffer).readVarIntBytes()), { firstOffset: '100', firstTimestamp: '1700000000000' });
    const bytes = (value: unknown) => (value == null ? null : Buffer.from(value as string));
    t.same(decoded.key, bytes(sample.key));
    t.same(decoded.value, bytes(sample.value));
    t.same(decoded.offset, String(100 + Number(sample.offsetDelta ?? 0)));
    t.same(decoded.timestamp, String(1_700_000_000_000n + BigInt(sample.timestampDelta ?? 0)));
    const headers = Object.fromEntries(Object.entries(sample.headers ?? {}).map(([name, value]) => [name, Array.isArray(value) ? value.map(bytes) : bytes(value)]));
    t.same(decoded.headers, headers);
  }
});

t.test('a header without a value is refused, as kafkajs always did', async (t) => {
  t.throws(() => encodeRecord({ key: 'k', value: 'v', headers: { empty: null } }));
});

t.test('headers the gateway encodes ahead give the record kafkajs as published writes from the same headers', async (t) => {
  const headerSets: Record<string, string>[] = [
    {},
    { 'dx-message-id': 'a'.repeat(32), 'dx-source': '["c","p",{"cursor":"2026-11-25 10:00:00+08","key":"7"}]', 'dx-rejected': 'true' },
    { 多: '值 😀', long: 'x'.repeat(70_000) },
  ];
  // The last sample's timestamp delta takes kafkajs's general encoder, the others the one-pass one.
  const fields: RecordFields[] = [SAMPLES[0]!, { key: null, value: null }, SAMPLES[3]!, SAMPLES[8]!];
  for (const [index, headers] of headerSets.entries()) {
    for (const [sample, base] of fields.entries()) {
      const expected = publishedRecord({ ...base, headers }).buffer;
      t.same(encodeRecord({ ...base, headers: encodeHeaders(headers) as unknown as Record<string, unknown> }).buffer, expected, `headers ${index}, sample ${sample}`);
    }
  }
  t.equal((encodeRecord as unknown as { takesEncodedHeaders?: boolean }).takesEncodedHeaders, true, 'the patched encoder says it takes them');
  t.equal((publishedRecord as unknown as { takesEncodedHeaders?: boolean }).takesEncodedHeaders, undefined, 'kafkajs as published does not');
});

t.test('keys hash to the partitions the Java client chooses (murmur2 vectors of Kafka UtilsTest)', async (t) => {
  const vectors: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [key, expected] of vectors) t.equal(murmur2(key), expected, key);
  for (let length = 0; length < 300; length++) {
    const key = randomBytes(length);
    if (murmur2(key) !== publishedMurmur2(key)) t.fail(`a key of ${length} bytes hashes unlike kafkajs as published`);
  }
  t.equal(murmur2(Buffer.from('abc')), 479470107, 'a Buffer key hashes as its bytes');
});

/** CRC-32C a bit at a time, straight from the polynomial (RFC 3720). */
function referenceCrc32C(buffer: Buffer): number {
  let crc = ~0;
  for (const byte of buffer) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

t.test('record batch checksums are CRC-32C', async (t) => {
  t.equal(crc32C(Buffer.from('123456789')), 0xe3069283, 'the standard check value');
  for (const length of [0, 1, 7, 8, 9, 63, 64, 1000, 4099]) {
    const buffer = randomBytes(length);
    t.equal(crc32C(buffer), referenceCrc32C(buffer), `${length} bytes`);
    t.equal(crc32C(buffer), publishedCrc32C(buffer), `${length} bytes, as kafkajs as published`);
  }
});

t.test('messages are grouped per partition, each group in the order given', async (t) => {
  const partitionMetadata = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 0 }));
  const messages = Array.from({ length: 3000 }, (_, index) => ({ key: String(index), partition: index % 3 }));
  const groups = groupMessagesPerPartition({ topic: 't', partitionMetadata, messages, partitioner: ({ message }) => message.partition as number });
  t.same(Object.keys(groups).sort(), ['0', '1', '2']);
  for (const partition of [0, 1, 2]) t.same(groups[partition], messages.filter((message) => message.partition === partition));
  t.same(groups, publishedGrouping({ topic: 't', partitionMetadata, messages, partitioner: ({ message }) => message.partition as number }), 'as kafkajs as published groups them');
  t.same(groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages, partitioner: () => 0 }), {}, 'no partitions known: nothing grouped');
});

/**
 * Runs `encode` with Buffer.allocUnsafe handing out memory filled with 0xAA, as reused memory may be: the patched
 * encoders do not zero-fill, so a byte they failed to write would show (fresh memory is often zeros, as kafkajs as
 * published writes them).
 */
async function withDirtyMemory<T>(encode: () => Promise<T>): Promise<T> {
  const allocUnsafe = Buffer.allocUnsafe;
  Buffer.allocUnsafe = (size: number) => allocUnsafe(size).fill(0xaa);
  try {
    return await encode();
  } finally {
    Buffer.allocUnsafe = allocUnsafe;
  }
}

t.test('produce requests encode to the bytes of kafkajs as published, uncompressed or not, in a transaction or not', async (t) => {
  // The gateway hands the patched producer its headers encoded; kafkajs as published takes them as a map.
  const messages = (count: number, seed: number, encoded: boolean) =>
    Array.from({ length: count }, (_, index) => {
      const headers: Record<string, string> = index % 2 === 0 ? { 'dx-message-id': `${seed}`.padEnd(32, String(index % 10)), 'dx-source': `["c","源",{"key":${index}}]` } : { plain: 'header' };
      return {
        key: `${seed}-${index}`,
        value: Buffer.alloc(40 + ((index * 37) % 200), index),
        headers: encoded && index % 4 === 0 ? encodeHeaders(headers) : headers,
        // Out of order and with gaps, as records of several sources may come.
        timestamp: String(1_795_000_000_000 + ((index * 7919) % 5000)),
      };
    });
  const topicData = (encoded: boolean) => [
    { topic: 'dx.population', partitions: [{ partition: 0, firstSequence: 12, messages: messages(500, 0, encoded) }, { partition: 2, firstSequence: 0, messages: messages(1, 2, encoded) }] },
    { topic: '居民.dlq', partitions: [{ partition: 1, firstSequence: 2 ** 31 - 10, messages: messages(37, 1, encoded) }] },
  ];
  for (const compression of [Compression.None, Compression.GZIP]) {
    for (const transactionalId of [null, 'dx-connector-1']) {
      const args = { acks: -1, timeout: 30_000, compression, transactionalId, producerId: Long.fromNumber(4242), producerEpoch: 3 };
      const framing = { correlationId: 77, clientId: 'dx-gateway' };
      const patched = await withDirtyMemory(() => frameRequest({ ...framing, request: produceRequest({ ...args, topicData: topicData(true) }) }));
      const published = await publishedFrameRequest({ ...framing, request: publishedProduceRequest({ ...args, topicData: topicData(false) }) });
      t.ok(patched.buffer.equals(published.buffer), `compression ${compression}, transactional id ${transactionalId}: ${patched.buffer.length} bytes`);
    }
  }
  const anonymous = { correlationId: 1, clientId: null, request: produceRequest({ acks: 1, timeout: 5, topicData: [] }) };
  t.ok((await frameRequest(anonymous)).buffer.equals((await publishedFrameRequest({ ...anonymous, request: publishedProduceRequest({ acks: 1, timeout: 5, topicData: [] }) })).buffer), 'no client id, no topics');
});

t.test('produce requests at the edges encode to the bytes of kafkajs as published', async (t) => {
  // Records without a timestamp, and batches without records, take the time of encoding: one instant for both.
  const now = Date.now;
  Date.now = () => 1_795_000_000_123;
  t.teardown(() => void (Date.now = now));
  const message = (fields: Record<string, unknown>) => ({ key: 'k', value: 'v', ...fields });
  const cases: [string, Record<string, unknown>, string | null][] = [
    ['a partition without messages', { partition: 0, messages: [] }, 'dx-gateway'],
    ['messages without timestamps', { partition: 1, messages: [message({}), message({ timestamp: '1795000000000' }), message({})] }, 'dx-gateway'],
    ['null keys and values', { partition: 2, messages: [message({ key: null, value: null }), message({ key: null })] }, 'dx-gateway'],
    ["kafkajs's general record encoder (a header with several values)", { partition: 0, messages: [message({ headers: { many: ['one', Buffer.from('two')] } })] }, 'dx-gateway'],
    ['timestamps of different lengths (sorted as text: a negative delta)', { partition: 0, messages: [message({ timestamp: '999999999999' }), message({ timestamp: '1795000000000' })] }, 'dx-gateway'],
    ['a client id in Chinese', { partition: 0, messages: [message({})] }, '数据交换网关'],
    ['a value over 64 KB', { partition: 0, messages: [message({ value: Buffer.alloc(70_000, 7) })] }, 'dx-gateway'],
  ];
  for (const transactionalId of [null, '']) {
    for (const [name, partition, clientId] of cases) {
      const args = { acks: -1, timeout: 30_000, transactionalId, producerId: Long.fromNumber(9), producerEpoch: 0, topicData: [{ topic: 't', partitions: [{ firstSequence: 0, ...partition }] }] };
      const framing = { correlationId: 3, clientId };
      const patched = await withDirtyMemory(() => frameRequest({ ...framing, request: produceRequest(args) }));
      const published = await publishedFrameRequest({ ...framing, request: publishedProduceRequest(args) });
      t.ok(patched.buffer.equals(published.buffer), `${name}, transactional id ${JSON.stringify(transactionalId)}`);
    }
  }
});
