import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { CONFIG_SCHEMA, ConfigError, loadConfig } from '../../gateway/config.ts';

t.test('defaults apply when nothing is set', async (t) => {
  const config = loadConfig({});
  t.match(config, { PORT: 8080, LOG_LEVEL: 'info', DATA_DIR: '.data', KAFKA_LOCAL_PORT: 9092 });
  t.equal(config.DATABASE_URL, undefined);
  t.ok(Object.isFrozen(config));
});

t.test('numbers and booleans are read from their text', async (t) => {
  const config = loadConfig({ PORT: '9000', KAFKA_SSL: 'true', KAFKA_BROKERS: 'a:9092,b.example:19092' });
  t.equal(config.PORT, 9000);
  t.equal(config.KAFKA_SSL, true);
  t.equal(config.KAFKA_BROKERS, 'a:9092,b.example:19092');
});

t.test('every bad variable is named in one error', async (t) => {
  const error = t.throws(() =>
    loadConfig({ PORT: '70000', LOG_LEVEL: 'loud', KAFKA_BROKERS: 'no-port', DATABASE_URL: 'mysql://x', DX_ADMIN_TOKEN: 'short' }),
  ) as ConfigError;
  t.type(error, ConfigError);
  for (const name of ['PORT', 'LOG_LEVEL', 'KAFKA_BROKERS', 'DATABASE_URL', 'DX_ADMIN_TOKEN']) {
    t.match(error.message, new RegExp(`^\\s+- ${name} `, 'm'), `${name} is named`);
  }
  t.equal(error.problems.length, 5);
});

t.test('SASL settings must come together', async (t) => {
  t.throws(() => loadConfig({ KAFKA_SASL_MECHANISM: 'plain' }), /KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/);
});

t.test('the server exits non-zero naming each bad variable before touching Kafka or the database', async (t) => {
  const result = spawnSync(process.execPath, ['--import=tsx', 'gateway/server.ts'], {
    env: { PATH: process.env.PATH, PORT: 'eighty', SHUTDOWN_TIMEOUT_MS: '5', KAFKA_LOCAL_PORT: '80' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  t.equal(result.status, 2);
  t.match(result.stderr, /Invalid configuration/);
  for (const name of ['PORT', 'SHUTDOWN_TIMEOUT_MS', 'KAFKA_LOCAL_PORT']) t.match(result.stderr, name);
});

t.test('the configuration reference documents every configuration variable', async (t) => {
  const reference = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  for (const name of Object.keys(CONFIG_SCHEMA.properties)) t.match(reference, `| \`${name}\` |`, `${name} is in the configuration reference`);
});
