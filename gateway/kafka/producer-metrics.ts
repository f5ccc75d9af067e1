import type { Producer } from 'kafkajs';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Exposes the shared producer's broker requests, queue depth and connection state. */
export function instrumentProducer(producer: Producer, registry: Registry): void {
  const requests = new Counter({
    name: 'dx_kafka_producer_requests_total',
    help: 'Requests the producer sent to brokers, by API',
    labelNames: ['api'],
    registers: [registry],
  });
  const requestBytes = new Counter({
    name: 'dx_kafka_producer_request_bytes_total',
    help: 'Bytes of requests the producer sent to brokers',
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'dx_kafka_producer_request_duration_seconds',
    help: 'Round trip of producer requests to brokers, by API',
    labelNames: ['api'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [registry],
  });
  const queue = new Gauge({
    name: 'dx_kafka_producer_request_queue_size',
    help: 'Requests waiting for a broker connection',
    registers: [registry],
  });
  const connected = new Gauge({
    name: 'dx_kafka_producer_connected',
    help: '1 while the shared producer is connected',
    registers: [registry],
  });
  producer.on(producer.events.REQUEST, ({ payload }) => {
    requests.inc({ api: payload.apiName });
    requestBytes.inc(payload.size);
    duration.observe({ api: payload.apiName }, payload.duration / 1000);
  });
  producer.on(producer.events.REQUEST_QUEUE_SIZE, ({ payload }) => queue.set(payload.queueSize));
  producer.on(producer.events.CONNECT, () => connected.set(1));
  producer.on(producer.events.DISCONNECT, () => connected.set(0));
}
