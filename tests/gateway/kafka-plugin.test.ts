import { Kafka, logLevel } from 'kafkajs';
import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { freshTopicName, TEST_BROKERS } from '../helpers/kafka.ts';

t.test('a message produced through the Kafka plugin is consumed back from a fresh topic', async (t) => {
  const { app } = await buildTestApp(t);
  const topic = freshTopicName('plugin');
  await app.kafka.ensureTopic(topic, { partitions: 2 });
  const metadata = await app.kafka.admin.fetchTopicMetadata({ topics: [topic] });
  t.equal(metadata.topics[0]?.partitions.length, 2, 'the topic was created with the asked partitions');

  await app.kafka.producer.send({ topic, acks: -1, messages: [{ key: '11010519491231002X', value: 'hello', headers: { source: 'test' } }] });

  const consumer = new Kafka({ clientId: 'test', brokers: TEST_BROKERS, logLevel: logLevel.NOTHING }).consumer({ groupId: `test-${topic}` });
  await consumer.connect();
  t.teardown(() => consumer.disconnect());
  await consumer.subscribe({ topic, fromBeginning: true });
  const received = await new Promise<{ key: string; value: string; source: string }>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) =>
        resolve({ key: String(message.key), value: String(message.value), source: String(message.headers?.source) }),
    });
  });
  t.same(received, { key: '11010519491231002X', value: 'hello', source: 'test' });
});

t.test('ensureTopic on an existing topic is harmless and concurrent calls share one creation', async (t) => {
  const { app } = await buildTestApp(t);
  const topic = freshTopicName('ensure');
  await Promise.all([app.kafka.ensureTopic(topic), app.kafka.ensureTopic(topic), app.kafka.ensureTopic(topic)]);
  await app.kafka.ensureTopic(topic);
  const topics = await app.kafka.admin.listTopics();
  t.equal(topics.filter((name) => name === topic).length, 1);
});

t.test('/metrics exposes process, HTTP and Kafka producer metrics', async (t) => {
  const { app } = await buildTestApp(t);
  const topic = freshTopicName('metrics');
  await app.kafka.ensureTopic(topic);
  await app.kafka.producer.send({ topic, messages: [{ value: 'x' }] });
  await app.inject({ url: '/healthz' });
  const response = await app.inject({ url: '/metrics' });
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], /text\/plain/);
  t.match(response.body, /^dx_process_resident_memory_bytes \d+/m);
  t.match(response.body, /dx_http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200"\} 1/);
  t.match(response.body, /dx_kafka_producer_requests_total\{api="Produce"\} [1-9]/);
  t.match(response.body, /^dx_kafka_producer_connected 1/m);
});
