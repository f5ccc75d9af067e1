import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

// Expected with the gateway's settings: retries are bounded on purpose (see plugins/kafka.ts).
const EXPECTED_WARNINGS = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

/** Routes kafkajs's log lines into pino; kafkajs's ERROR level is noisy during reconnects, so it is logged as warn. */
export function pinoLogCreator(log: Logger): logCreator {
  return () =>
    ({ level, log: entry }) => {
      const { message, ...rest } = entry;
      if (EXPECTED_WARNINGS.has(message)) {
        log.debug({ component: 'kafkajs' }, message);
        return;
      }
      const { logger: _logger, timestamp: _timestamp, ...context } = rest as Record<string, unknown>;
      if (level === logLevel.ERROR || level === logLevel.WARN) log.warn(context, message);
      else if (level === logLevel.INFO) log.debug(context, message);
      else log.trace(context, message);
    };
}
