import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { startInfrastructure } from './infrastructure.ts';
import { createLogger } from './logger.ts';

function printGeneratedAdminKey(key: string): void {
  process.stderr.write(
    `\nFirst start: created the data office principal "data-office" with this API key (shown once, store it now):\n\n    ${key}\n\n` +
      'Use it as "Authorization: Bearer <key>". Set DX_ADMIN_TOKEN before the first start to choose it yourself.\n\n',
  );
}

let config;
try {
  config = loadConfig();
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(2);
}

const log = createLogger(config.LOG_LEVEL);
try {
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
  await app.listen({ port: config.PORT, host: config.HOST });
} catch (err) {
  log.fatal({ err }, 'gateway failed to start');
  process.exit(1);
}
