import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { startInfrastructure } from './infrastructure.ts';

export interface RunningGateway {
  app: FastifyInstance;
  url: string;
}

function printGeneratedAdminKey(key: string): void {
  process.stderr.write(
    `\nFirst start: created the data office principal "data-office" with this API key (shown once, store it now):\n\n    ${key}\n\n` +
      'Use it as "Authorization: Bearer <key>". Set DX_ADMIN_TOKEN before the first start to choose it yourself.\n\n',
  );
}

/**
 * Starts Kafka and the database when they are not configured, builds the app and listens; SIGTERM and SIGINT
 * close it gracefully (stop accepting, finish runs, flush the producer, close pools) within SHUTDOWN_TIMEOUT_MS.
 */
export async function startGateway(config: Config, log: Logger): Promise<RunningGateway> {
  const infrastructure = await startInfrastructure(config, log);
  const app = await buildApp({ config, database: infrastructure.database, kafkaBrokers: infrastructure.kafkaBrokers, logger: log, onGeneratedAdminKey: printGeneratedAdminKey });
  let closing = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'graceful shutdown timed out; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS).unref();
    try {
      await app.close();
      await infrastructure.stop();
      log.info('stopped');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  const url = await app.listen({ port: config.PORT, host: config.HOST });
  return { app, url };
}
