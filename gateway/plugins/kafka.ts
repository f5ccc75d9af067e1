import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { instrumentProducer } from '../kafka/producer-metrics.ts';
import { createKafkaService, type KafkaOptions, type KafkaService } from '../kafka/service.ts';

export type { KafkaOptions, KafkaService, TopicSpec } from '../kafka/service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    kafka: KafkaService;
  }
}

/** Decorates `kafka`; connects the shared producer and admin at start, flushes and disconnects them on close. */
async function kafkaPlugin(app: FastifyInstance, options: KafkaOptions): Promise<void> {
  const kafka = createKafkaService(options, app.log.child({ component: 'kafka' }) as unknown as Logger);
  instrumentProducer(kafka.producer, app.metrics.registry);
  await Promise.all([kafka.producer.connect(), kafka.admin.connect()]);
  app.decorate('kafka', kafka);
  app.addHook('onClose', async () => {
    // kafkajs's disconnect waits for in-flight sends, which is the flush.
    await Promise.allSettled([kafka.producer.disconnect(), kafka.admin.disconnect(), kafka.closeProbe()]);
  });
}

export default fp(kafkaPlugin, { name: 'dx-kafka', dependencies: ['dx-metrics'] });
