import type { TopicBatch } from '../../../gateway/kafka/send-batch.ts';
import t from 'tap';
import { sendInRequests, type BatchSender } from '../../../gateway/pipeline/produce.ts';

/** A producer that records each request and acknowledges it only when the test says so. */
function controlledSender() {
  const requests: { messages: number; ack(): void; fail(error: Error): void }[] = [];
  const sender: BatchSender = {
    sendBatch({ topicMessages }) {
      return new Promise((resolve, reject) => {
        requests.push({ messages: topicMessages.reduce((sum, entry) => sum + entry.messages.length, 0), ack: () => resolve(undefined), fail: reject });
      });
    },
  };
  return { sender, requests };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
// Two requests: each message is about 600 KB, so no two fit under the 900 KB cap.
const TWO_REQUESTS: TopicBatch[] = [{ topic: 'population.person', messages: [{ key: 'a', value: Buffer.alloc(600_000) }, { key: 'b', value: Buffer.alloc(600_000) }] }];

t.test('a batch of several requests is handed over only when its last request is', async (t) => {
  const { sender, requests } = controlledSender();
  const { handedOver, acknowledged } = sendInRequests(sender, TWO_REQUESTS);
  let handed = false;
  void handedOver.then(() => (handed = true));
  await tick();
  t.equal(requests.length, 1, 'one request at a time');
  t.notOk(handed, 'not handed over while its second request waits');
  requests[0]!.ack();
  await tick();
  t.equal(requests.length, 2);
  t.ok(handed, 'handed over once the last request is out');
  requests[1]!.ack();
  await acknowledged;
});

t.test('when an earlier request fails the batch is never handed over, so nothing after it is sent', async (t) => {
  const { sender, requests } = controlledSender();
  const { handedOver, acknowledged } = sendInRequests(sender, TWO_REQUESTS);
  await tick();
  requests[0]!.fail(new Error('broker gone'));
  await t.rejects(handedOver, /broker gone/);
  await t.rejects(acknowledged, /broker gone/);
  t.equal(requests.length, 1);
});

t.test('a batch of one request is handed over at once and acknowledged with it', async (t) => {
  const { sender, requests } = controlledSender();
  const { handedOver, acknowledged } = sendInRequests(sender, [{ topic: 'population.person', messages: [{ key: 'a', value: 'x' }] }]);
  await handedOver;
  t.equal(requests.length, 1);
  requests[0]!.ack();
  await acknowledged;
});
