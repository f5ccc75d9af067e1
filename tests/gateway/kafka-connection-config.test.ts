import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadConfig } from '../../gateway/config.ts';
import { kafkaConnectionOf } from '../../gateway/kafka/connection.ts';

const PLAIN = { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'dx-gateway', KAFKA_SASL_PASSWORD: 'secret-password' };

t.test('the gateway refuses to start with SASL PLAIN without TLS, naming the variables to set', async (t) => {
  const result = spawnSync(process.execPath, ['--import=tsx', 'gateway/server.ts'], {
    env: { PATH: process.env.PATH, ...PLAIN, KAFKA_BROKERS: '127.0.0.1:9', SHUTDOWN_TIMEOUT_MS: '1000' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  t.equal(result.status, 2);
  t.match(result.stderr, /KAFKA_SASL_MECHANISM=plain sends the password in clear: set KAFKA_SSL=true \(or KAFKA_SSL_CA\)/);
  t.notMatch(result.stderr, /secret-password/, 'the password is not echoed');
});

t.test('SASL PLAIN is accepted over TLS, and SCRAM without it', async (t) => {
  t.equal(loadConfig({ ...PLAIN, KAFKA_SSL: 'true' }).KAFKA_SASL_MECHANISM, 'plain');
  t.equal(loadConfig({ ...PLAIN, KAFKA_SSL_CA: '/etc/dx/kafka-ca.pem' }).KAFKA_SASL_MECHANISM, 'plain', 'a CA file turns TLS on');
  t.equal(loadConfig({ ...PLAIN, KAFKA_SASL_MECHANISM: 'scram-sha-512' }).KAFKA_SASL_MECHANISM, 'scram-sha-512');
});

t.test('a client certificate needs its key, and the other way round', async (t) => {
  t.throws(() => loadConfig({ KAFKA_SSL_CERT: '/etc/dx/gateway.pem' }), /KAFKA_SSL_CERT and KAFKA_SSL_KEY must be set together/);
  t.throws(() => loadConfig({ KAFKA_SSL_KEY: '/etc/dx/gateway.key' }), /KAFKA_SSL_CERT and KAFKA_SSL_KEY must be set together/);
});

t.test('the TLS files are read into the connection, and an unreadable one is named', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dx-kafka-tls-'));
  for (const name of ['ca', 'cert', 'key']) writeFileSync(join(dir, `${name}.pem`), `-----BEGIN ${name.toUpperCase()}-----\n`);
  const config = loadConfig({ KAFKA_SSL_CA: join(dir, 'ca.pem'), KAFKA_SSL_CERT: join(dir, 'cert.pem'), KAFKA_SSL_KEY: join(dir, 'key.pem') });
  t.same(kafkaConnectionOf(config, ['kafka-1:9093']).ssl, { ca: '-----BEGIN CA-----\n', cert: '-----BEGIN CERT-----\n', key: '-----BEGIN KEY-----\n' });
  t.equal(kafkaConnectionOf(loadConfig({}), ['kafka-1:9092']).ssl, false, 'no TLS unless asked for');
  t.throws(() => kafkaConnectionOf(loadConfig({ KAFKA_SSL_CA: join(dir, 'missing.pem') }), ['kafka-1:9093']), /KAFKA_SSL_CA: cannot read .*missing\.pem \(ENOENT\)/);
});
