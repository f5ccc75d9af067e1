import { Kafka, logLevel } from 'kafkajs';
import t from 'tap';
import { brokerAnswers, ensureLocalKafka, stopLocalKafka } from '../../gateway/kafka/local-broker/local-kafka.ts';
import { startDedicatedKafka } from '../helpers/dedicated-kafka.ts';

t.test('the local broker starts in KRaft mode, is reused when running, and stops', async (t) => {
  const { kafka, options } = await startDedicatedKafka(t, 19492);
  t.equal(kafka.started, true);
  t.same(kafka.brokers, ['127.0.0.1:19492']);

  const again = await ensureLocalKafka(options);
  t.equal(again.started, false, 'a second start reuses the running broker');
  t.equal(again.pid, kafka.pid);

  const admin = new Kafka({ clientId: 'test', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const cluster = await admin.describeCluster();
  t.equal(cluster.brokers.length, 1);
  await admin.createTopics({ topics: [{ topic: 'single-node-check', numPartitions: 1 }] });
  await admin.disconnect();

  t.equal(await stopLocalKafka(options), true);
  t.equal(await brokerAnswers(kafka.brokers, 1000), false, 'nothing answers after stop');
  t.equal(await stopLocalKafka(options), false, 'stopping a stopped broker is a no-op');
});
