import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { fetchKafkaJars, javaMajorVersion, KAFKA_HOME, KAFKA_LIB } from './prerequisites.ts';
import { ensureGatewayUser, securedListenerEntries, securedListenerOf, securedProperties, type SecuredListener } from './secured-listener.ts';

const run = promisify(execFile);

export interface LocalKafkaOptions {
  /** Client (PLAINTEXT) port on 127.0.0.1; the KRaft controller listens on port + 1, the secured listener on port + 2. */
  port?: number;
  /** With the SASL_SSL listener and the authorizer (default true); false: PLAINTEXT only, no authorizer. */
  secured?: boolean;
  /** Folder for the broker's data, config, log and pid file. */
  dir?: string;
  heap?: string;
  readyTimeoutMs?: number;
  /** Reuse a broker that answers on the port though this folder did not start it (default true). */
  reuseForeign?: boolean;
}

export interface LocalKafka {
  brokers: string[];
  /** Undefined when a broker this folder did not start already answered on the port and was reused. */
  pid: number | undefined;
  logFile: string;
  /** False when an already running broker was reused. */
  started: boolean;
  /** The SASL_SSL listener, when this folder's broker has one (undefined for a reused foreign broker). */
  secured: SecuredListener | undefined;
}

export const DEFAULT_LOCAL_KAFKA_PORT = 9092;

function layout(options: LocalKafkaOptions) {
  const port = options.port ?? DEFAULT_LOCAL_KAFKA_PORT;
  const dir = options.dir ?? join(KAFKA_HOME, 'run', String(port));
  return {
    port,
    dir,
    dataDir: join(dir, 'data'),
    configFile: join(dir, 'server.properties'),
    logFile: join(dir, 'kafka.log'),
    pidFile: join(dir, 'kafka.pid'),
    brokers: [`127.0.0.1:${port}`],
  };
}

function serverProperties(port: number, dataDir: string, secured: string[] | undefined): string {
  const controllerPort = port + 1;
  const extra = secured ? securedListenerEntries(port) : undefined;
  const also = (entry: string | undefined) => (entry ? `,${entry}` : '');
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}${also(extra?.listener)}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}${also(extra?.listener)}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${also(extra?.protocol)}`,
    ...(secured ?? []),
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=4',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'message.max.bytes=4194304',
    '',
  ].join('\n');
}

function livePid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export async function brokerAnswers(brokers: string[], timeoutMs = 3000): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'dx-local-kafka-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function formatStorage(configFile: string, dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'meta.properties'))) return;
  const clusterId = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
  // One argument, so an id that starts with "-" is not read as an option.
  await run('java', ['-cp', `${KAFKA_LIB}/*`, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', configFile]);
}

function logTail(logFile: string): string {
  return existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '(no log)';
}

/**
 * Starts a single-node KRaft broker on loopback, or reuses the one already running from the same folder.
 * Resolves once the broker answers metadata requests.
 */
export async function ensureLocalKafka(options: LocalKafkaOptions = {}): Promise<LocalKafka> {
  const paths = layout(options);
  const running = livePid(paths.pidFile);
  if (running !== undefined && (await brokerAnswers(paths.brokers))) {
    await ensureGatewayUser(paths.dir, paths.brokers[0] as string);
    return { brokers: paths.brokers, pid: running, logFile: paths.logFile, started: false, secured: securedListenerOf(paths.dir, paths.port) };
  }
  if (running === undefined && (await brokerAnswers(paths.brokers, 1000))) {
    if (options.reuseForeign === false) throw new Error(`Port ${paths.port} already has a Kafka broker that ${paths.dir} did not start.`);
    // Another checkout's broker, or one the user runs: reuse it rather than fight over the port.
    return { brokers: paths.brokers, pid: undefined, logFile: paths.logFile, started: false, secured: undefined };
  }

  await javaMajorVersion();
  await fetchKafkaJars();
  mkdirSync(paths.dataDir, { recursive: true });
  const secured = options.secured === false ? undefined : await securedProperties(paths.dir);
  writeFileSync(paths.configFile, serverProperties(paths.port, paths.dataDir, secured));
  await formatStorage(paths.configFile, paths.dataDir);

  const pid = running ?? spawnBroker(paths, options.heap ?? '512m');
  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  while (Date.now() < deadline) {
    if (await brokerAnswers(paths.brokers)) {
      if (secured) await ensureGatewayUser(paths.dir, paths.brokers[0] as string);
      return { brokers: paths.brokers, pid, logFile: paths.logFile, started: running === undefined, secured: secured && securedListenerOf(paths.dir, paths.port) };
    }
    if (livePid(paths.pidFile) === undefined) {
      throw new Error(`The local Kafka broker exited during start-up. Last lines of ${paths.logFile}:\n${logTail(paths.logFile)}`);
    }
    await sleep(500);
  }
  throw new Error(`The local Kafka broker did not answer on ${paths.brokers[0]} in time. Last lines of ${paths.logFile}:\n${logTail(paths.logFile)}`);
}

function spawnBroker(paths: ReturnType<typeof layout>, heap: string): number {
  const log = openSync(paths.logFile, 'a');
  const child = spawn(
    'java',
    [
      `-Xmx${heap}`,
      `-Xms${heap}`,
      '-XX:+UseG1GC',
      `-Dlog4j.configuration=file:${join(KAFKA_HOME, 'log4j.properties')}`,
      '-cp',
      `${KAFKA_LIB}/*`,
      'kafka.Kafka',
      paths.configFile,
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  if (child.pid === undefined) throw new Error('Could not start java for the local Kafka broker.');
  child.unref();
  writeFileSync(paths.pidFile, String(child.pid));
  return child.pid;
}

/**
 * Stops the broker started from the same folder. `signal` SIGKILL simulates a crash.
 * Resolves true when a broker was stopped, false when none was running.
 */
export async function stopLocalKafka(options: LocalKafkaOptions & { signal?: NodeJS.Signals } = {}): Promise<boolean> {
  const paths = layout(options);
  const pid = livePid(paths.pidFile);
  if (pid === undefined) return false;
  process.kill(pid, options.signal ?? 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (livePid(paths.pidFile) === undefined) break;
    await sleep(200);
  }
  if (livePid(paths.pidFile) !== undefined) process.kill(pid, 'SIGKILL');
  while (livePid(paths.pidFile) !== undefined) await sleep(100);
  rmSync(paths.pidFile, { force: true });
  return true;
}

/** Removes the broker's folder (data included). The broker must be stopped. */
export function removeLocalKafkaData(options: LocalKafkaOptions = {}): void {
  rmSync(layout(options).dir, { recursive: true, force: true });
}
