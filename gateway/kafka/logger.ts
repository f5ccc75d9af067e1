import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

/** Routes kafkajs's log lines into pino; kafkajs's ERROR level is noisy during reconnects, so it is logged as warn. */
export function pinoLogCreator(log: Logger): logCreator {
  return () =>
    ({ level, log: entry }) => {
      const { message, ...rest } = entry;
      const { logger: _logger, timestamp: _timestamp, ...context } = rest as Record<string, unknown>;
      if (level === logLevel.ERROR || level === logLevel.WARN) log.warn(context, message);
      else if (level === logLevel.INFO) log.debug(context, message);
      else log.trace(context, message);
    };
}
