import t from 'tap';
import { encodeHeaders } from '../../../gateway/kafka/encoded-headers.ts';
import { joinBodies, MessageBodies } from '../../../gateway/pipeline/encode/message-bodies.ts';
import { unpackBatch } from '../../../gateway/pipeline/prepare/packed-batch.ts';
import { getCanonicalSchema } from '../../../schemas/canonical.ts';
import { encodeWire } from '../../../schemas/wire.ts';

const person = getCanonicalSchema('population.person');
const NAMES = ['dx-message-id', 'dx-source'].map((name) => Buffer.from(name));
const resident = (index: number) => ({ ...Object.fromEntries(Object.keys(person.jsonSchema.properties).map((name) => [name, null])), id_number: '11010519491231002X', name: `居民${index}`.repeat(index + 1) });

t.test('messages written into a buffer far too small for them come out whole: it grows in a value, in headers and in text', async (t) => {
  // 8 bytes: the first value does not fit (avsc answers the bytes missing) and neither do the headers after it.
  const published = new MessageBodies(Buffer.allocUnsafeSlow(8));
  const dead = new MessageBodies(Buffer.allocUnsafeSlow(8));
  const provenance = (index: number) => [`id-${index}`, `["c","p",{"key":"${index}","名":"${'长'.repeat(index * 40)}"}]`];
  for (let index = 0; index < 5; index++) published.addWire(`key-${index}`, String(1000 + index), 7, person.avroType, resident(index), NAMES, provenance(index));
  dead.addText('connector', '2000', JSON.stringify({ reason: '无效'.repeat(50) }), NAMES, provenance(9));
  const packed = unpackBatch({ read: 6, published: 5, rejected: [], offsets: new Map(), accepted: new Uint8Array(6), ...joinBodies([{ topic: 'resource', bodies: published }, { topic: 'dead', bodies: dead }]) });
  const headers = (index: number) => encodeHeaders({ 'dx-message-id': provenance(index)[0]!, 'dx-source': provenance(index)[1]! }) as unknown as Buffer;
  const [resource, letters] = packed.topicMessages;
  t.same(resource!.messages.map((message) => [message.key, Buffer.from(message.value as Buffer).toString('hex'), Buffer.from(message.headers as unknown as Buffer).toString('hex'), message.timestamp]),
    Array.from({ length: 5 }, (_, index) => [`key-${index}`, encodeWire(7, person.avroType, resident(index)).toString('hex'), headers(index).toString('hex'), String(1000 + index)]));
  t.same(letters!.messages.map((message) => [message.key, String(message.value), Buffer.from(message.headers as unknown as Buffer).toString('hex')]), [['connector', JSON.stringify({ reason: '无效'.repeat(50) }), headers(9).toString('hex')]]);
  t.same(packed.publishedKeys, ['key-0', 'key-1', 'key-2', 'key-3', 'key-4']);
});
