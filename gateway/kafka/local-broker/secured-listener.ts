import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KAFKA_LIB, KafkaPrerequisiteError } from './prerequisites.ts';

const run = promisify(execFile);

/** The gateway's SCRAM user on the secured listener, a super user of the local broker. */
export const GATEWAY_KAFKA_USER = 'dx-gateway';
const SCRAM_MECHANISM = 'SCRAM-SHA-512';

export interface SecuredListener {
  /** SASL_SSL (SCRAM-SHA-512) on 127.0.0.1, port = client port + 2. */
  brokers: string[];
  /** PEM of the CA that signed the broker's certificate (generated at the first start, kept in the broker's folder). */
  caFile: string;
  /** The gateway's SCRAM user, a super user of the authorizer. */
  gateway: { username: string; password: string };
}

export const securedPort = (port: number): number => port + 2;

function tlsPaths(dir: string) {
  const tls = join(dir, 'tls');
  return { tls, caKey: join(tls, 'ca.key'), caFile: join(tls, 'ca.pem'), serverKey: join(tls, 'server.key'), csr: join(tls, 'server.csr'), serverCert: join(tls, 'server.pem'), extensions: join(tls, 'server.ext'), keystore: join(tls, 'server.p12'), storePassword: join(tls, 'keystore.password'), gatewayPassword: join(dir, 'gateway.password') };
}

function secret(file: string): string {
  if (!existsSync(file)) writeFileSync(file, randomBytes(18).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** A CA and a broker certificate for 127.0.0.1 and localhost signed by it, in a PKCS#12 keystore; made once per folder. */
async function ensureTlsMaterial(dir: string): Promise<ReturnType<typeof tlsPaths>> {
  const paths = tlsPaths(dir);
  if (existsSync(paths.keystore)) return paths;
  await run('openssl', ['version']).catch(() => {
    throw new KafkaPrerequisiteError('The local broker makes the certificate of its secured listener with openssl, and no "openssl" command was found on PATH.');
  });
  mkdirSync(paths.tls, { recursive: true, mode: 0o700 });
  const password = secret(paths.storePassword);
  writeFileSync(paths.extensions, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', paths.caKey, '-out', paths.caFile, '-days', '3650', '-subj', '/CN=dx local Kafka CA']);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', paths.serverKey, '-out', paths.csr, '-subj', '/CN=localhost']);
  await run('openssl', ['x509', '-req', '-in', paths.csr, '-CA', paths.caFile, '-CAkey', paths.caKey, '-CAcreateserial', '-out', paths.serverCert, '-days', '3650', '-extfile', paths.extensions]);
  await run('openssl', ['pkcs12', '-export', '-in', paths.serverCert, '-inkey', paths.serverKey, '-certfile', paths.caFile, '-name', 'broker', '-out', paths.keystore, '-passout', `pass:${password}`]);
  return paths;
}

/**
 * server.properties lines of the secured layout: a SASL_SSL listener named SECURED beside PLAINTEXT, KRaft's
 * StandardAuthorizer denying what no ACL allows, and as super users the gateway's SCRAM user and ANONYMOUS, the
 * principal of the PLAINTEXT and controller listeners (so the broker itself, the tests and development keep working
 * on loopback without credentials). See docs/decisions/0017-secured-listener-for-the-local-broker.md.
 */
export async function securedProperties(dir: string): Promise<string[]> {
  const paths = await ensureTlsMaterial(dir);
  const jaas = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  return [
    `listener.name.secured.sasl.enabled.mechanisms=${SCRAM_MECHANISM}`,
    `listener.name.secured.${SCRAM_MECHANISM.toLowerCase()}.sasl.jaas.config=${jaas}`,
    'listener.name.secured.ssl.keystore.type=PKCS12',
    `listener.name.secured.ssl.keystore.location=${paths.keystore}`,
    `listener.name.secured.ssl.keystore.password=${secret(paths.storePassword)}`,
    'listener.name.secured.ssl.client.auth=none',
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found=false',
    `super.users=User:ANONYMOUS;User:${GATEWAY_KAFKA_USER}`,
  ];
}

/** The listener entries (listeners, advertised.listeners, security protocol map) of the secured listener. */
export function securedListenerEntries(port: number): { listener: string; protocol: string } {
  return { listener: `SECURED://127.0.0.1:${securedPort(port)}`, protocol: 'SECURED:SASL_SSL' };
}

/**
 * Creates or updates a SCRAM-SHA-512 user through kafka-configs' admin API (AlterUserScramCredentials), over the
 * PLAINTEXT listener at `bootstrap`, whose ANONYMOUS principal is a super user.
 */
export async function upsertScramUser(bootstrap: string, username: string, password: string): Promise<void> {
  const config = `${SCRAM_MECHANISM}=[iterations=4096,password=${password}]`;
  await run('java', ['-cp', `${KAFKA_LIB}/*`, 'kafka.admin.ConfigCommand', '--bootstrap-server', bootstrap, '--alter', '--add-config', config, '--entity-type', 'users', '--entity-name', username]);
}

/** The secured listener of the broker kept in `dir`, when that broker was started with one. */
export function securedListenerOf(dir: string, port: number): SecuredListener | undefined {
  const paths = tlsPaths(dir);
  if (!existsSync(paths.keystore) || !existsSync(paths.gatewayPassword)) return undefined;
  return { brokers: [`127.0.0.1:${securedPort(port)}`], caFile: paths.caFile, gateway: { username: GATEWAY_KAFKA_USER, password: secret(paths.gatewayPassword) } };
}

/**
 * Creates the gateway's SCRAM user unless the folder records it was created; its password is written to the folder
 * only once the broker has it, so a start that failed half-way tries again.
 */
export async function ensureGatewayUser(dir: string, bootstrap: string): Promise<void> {
  const file = tlsPaths(dir).gatewayPassword;
  if (!existsSync(tlsPaths(dir).keystore) || existsSync(file)) return;
  const password = randomBytes(18).toString('hex');
  await upsertScramUser(bootstrap, GATEWAY_KAFKA_USER, password);
  writeFileSync(file, password, { mode: 0o600 });
}
