import type { Producer } from 'kafkajs';
import pino from 'pino';
import t from 'tap';
import { createRecoveringProducer, isSequenceDesync } from '../../gateway/kafka/recovering-producer.ts';

// Unit test of the replacement logic: the broker's refusal is what the fakes stand in for. A broker crash that
// leaves the producer's sequence behind the log is what tests/federation/three-gateways.test.ts runs into for real.

class ProtocolError extends Error {
  constructor(readonly type: string) {
    super(`the broker answered ${type}`);
    this.name = 'KafkaJSProtocolError';
  }
}
// What kafkajs's retrier throws for a non-retriable protocol error: the protocol error as the cause.
const wrapped = (type: string) => Object.assign(new Error('wrapped'), { name: 'KafkaJSNonRetriableError', cause: new ProtocolError(type) });

interface FakeProducer {
  id: number;
  sent: unknown[];
  connected: boolean;
  listeners: Set<string>;
  failNext: Error[];
}

function world() {
  const made: FakeProducer[] = [];
  const create = () => {
    const fake: FakeProducer = { id: made.length, sent: [], connected: false, listeners: new Set(), failNext: [] };
    made.push(fake);
    const send = async (request: unknown) => {
      const failure = fake.failNext.shift();
      if (failure) throw failure;
      fake.sent.push(request);
      return [];
    };
    return {
      send,
      sendBatch: send,
      connect: async () => void (fake.connected = true),
      disconnect: async () => void (fake.connected = false),
      on: (event: string) => {
        fake.listeners.add(event);
        return () => fake.listeners.delete(event);
      },
      events: { CONNECT: 'producer.connect' },
      isIdempotent: () => true,
    } as unknown as Producer;
  };
  const producer = createRecoveringProducer(create, pino({ level: 'silent' }));
  return { made, producer };
}

t.test('recognises the sequence errors kafkajs raises, wrapped or not, and nothing else', async (t) => {
  t.ok(isSequenceDesync(new ProtocolError('OUT_OF_ORDER_SEQUENCE_NUMBER')));
  t.ok(isSequenceDesync(wrapped('OUT_OF_ORDER_SEQUENCE_NUMBER')));
  t.ok(isSequenceDesync(wrapped('UNKNOWN_PRODUCER_ID')));
  t.notOk(isSequenceDesync(wrapped('NOT_LEADER_FOR_PARTITION')));
  t.notOk(isSequenceDesync(Object.assign(new Error('closed'), { name: 'KafkaJSConnectionClosedError' })));
});

t.test('a send refused for its sequence fails, and the sends after it go through a new producer with the same listeners', async (t) => {
  const { made, producer } = world();
  producer.on('producer.connect' as never, () => undefined);
  await producer.connect();
  await producer.send({ topic: 'a', messages: [] });
  made[0]?.failNext.push(wrapped('OUT_OF_ORDER_SEQUENCE_NUMBER'));

  await t.rejects(producer.send({ topic: 'a', messages: [{ value: 'x' }] }), { name: 'KafkaJSNonRetriableError' }, 'the refused send still fails: its caller retries the batch');
  t.equal(made.length, 2, 'a second producer was made');
  t.match(made[1], { connected: true }, 'and connected before it takes sends');
  t.same([...(made[1]?.listeners ?? [])], ['producer.connect'], 'with the listeners of the first');
  t.match(made[0], { connected: false }, 'the first is disconnected');
  t.equal(made[0]?.listeners.size, 0, "the first's listeners are removed, so its disconnect does not count as the new one's");

  await producer.sendBatch({ topicMessages: [] });
  await producer.send({ topic: 'a', messages: [] });
  t.equal(made[1]?.sent.length, 2, 'later sends go to the new producer');
  t.equal(made[0]?.sent.length, 1);
});

t.test('concurrent refusals replace the producer once; other errors never do', async (t) => {
  const { made, producer } = world();
  await producer.connect();
  made[0]?.failNext.push(wrapped('OUT_OF_ORDER_SEQUENCE_NUMBER'), wrapped('OUT_OF_ORDER_SEQUENCE_NUMBER'));
  const results = await Promise.allSettled([producer.send({ topic: 'a', messages: [] }), producer.send({ topic: 'b', messages: [] })]);
  t.same(results.map((result) => result.status), ['rejected', 'rejected']);
  t.equal(made.length, 2, 'one replacement for both');

  made[1]?.failNext.push(Object.assign(new Error('down'), { name: 'KafkaJSConnectionError' }));
  await t.rejects(producer.send({ topic: 'a', messages: [] }));
  t.equal(made.length, 2, 'a broker that is down is retried by the caller with the same producer');
});

t.test('after disconnect, a refusal does not start a new producer', async (t) => {
  const { made, producer } = world();
  await producer.connect();
  await producer.disconnect();
  made[0]?.failNext.push(wrapped('OUT_OF_ORDER_SEQUENCE_NUMBER'));
  await t.rejects(producer.send({ topic: 'a', messages: [] }));
  t.equal(made.length, 1);
});
