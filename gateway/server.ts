import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { startGateway } from './start.ts';

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(2);
}

const log = createLogger(config.LOG_LEVEL);
try {
  await startGateway(config, log);
} catch (err) {
  log.fatal({ err }, 'gateway failed to start');
  process.exit(1);
}
