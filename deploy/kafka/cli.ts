import { pino } from 'pino';
import { DEFAULT_LOCAL_KAFKA_PORT, ensureLocalKafka, stopLocalKafka } from '../../gateway/kafka/local-broker/local-kafka.ts';

const log = pino({ name: 'local-kafka' });
const port = Number(process.env.KAFKA_LOCAL_PORT ?? DEFAULT_LOCAL_KAFKA_PORT);
const command = process.argv[2];

try {
  if (command === 'start') {
    if (process.env.KAFKA_BROKERS) {
      log.info({ brokers: process.env.KAFKA_BROKERS }, 'KAFKA_BROKERS is set; not starting a local broker');
    } else {
      const kafka = await ensureLocalKafka({ port });
      log.info({ brokers: kafka.brokers, secured: kafka.secured ? { brokers: kafka.secured.brokers, caFile: kafka.secured.caFile, user: kafka.secured.gateway.username } : 'unknown', brokerPid: kafka.pid ?? 'not ours', logFile: kafka.logFile }, kafka.started ? 'local Kafka started' : 'local Kafka already running');
    }
  } else if (command === 'stop') {
    const stopped = await stopLocalKafka({ port });
    log.info({ port }, stopped ? 'local Kafka stopped' : 'local Kafka was not running');
  } else {
    process.stderr.write('usage: tsx deploy/kafka/cli.ts start|stop   (port from KAFKA_LOCAL_PORT, default 9092)\n');
    process.exitCode = 2;
  }
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
