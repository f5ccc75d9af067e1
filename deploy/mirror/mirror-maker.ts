import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { javaMajorVersion, KAFKA_HOME, KafkaPrerequisiteError } from '../../gateway/kafka/local-broker/prerequisites.ts';
import { projectPath } from '../../project-root.ts';

const run = promisify(execFile);

export const MIRROR_HOME = projectPath('deploy', 'mirror');
export const MIRROR_LIB = join(MIRROR_HOME, 'lib');

/** The Kafka version of the local broker (deploy/kafka/pom.xml): MirrorMaker 2 is fetched in the same version. */
export function localKafkaVersion(): string {
  const pom = readFileSync(join(KAFKA_HOME, 'pom.xml'), 'utf8');
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  if (!version) throw new Error('deploy/kafka/pom.xml names no kafka.version');
  return version;
}

/** Copies connect-mirror (the local broker's version) and its runtime dependencies from Maven Central into lib/. */
export async function fetchMirrorJars(): Promise<void> {
  const version = localKafkaVersion();
  if (existsSync(MIRROR_LIB) && readdirSync(MIRROR_LIB).includes(`connect-mirror-${version}.jar`)) return;
  try {
    await run('mvn', ['-q', '-B', '-f', join(MIRROR_HOME, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${MIRROR_LIB}`, '-DincludeScope=runtime', `-Dkafka.version=${version}`], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const detail = err instanceof Error && 'stdout' in err ? String((err as { stdout: unknown }).stdout).slice(-2000) : String(err);
    throw new KafkaPrerequisiteError(`Fetching MirrorMaker 2 (org.apache.kafka:connect-mirror ${version}) from Maven Central failed:\n${detail}`);
  }
}

/** One direction of mirroring: the topics of cluster `source` copied into `target` as `<source>.<topic>`. */
export interface MirrorFlow {
  source: string;
  target: string;
  /** Exact topic names (not patterns): what the owner allows this peer to mirror. */
  topics: string[];
}

export interface MirrorConfig {
  /** Cluster alias (the gateway's instance id) to its bootstrap servers. */
  clusters: Record<string, string[]>;
  /** Client settings per cluster alias (security.protocol, sasl.*, ssl.*), written as `<alias>.<name> = value`. */
  clusterProperties?: Record<string, Record<string, string>>;
  flows: MirrorFlow[];
  /** How often MirrorMaker looks for new topics and configuration, in seconds. */
  refreshSeconds?: number;
  replicationFactor?: number;
}

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The mm2.properties of a dedicated MirrorMaker 2 (connect-mirror-maker): every flow listed is enabled, every
 * other direction disabled; the default replication policy names a mirrored topic `<source alias>.<topic>`.
 */
export function mirrorProperties(config: MirrorConfig): string {
  const aliases = Object.keys(config.clusters);
  const factor = config.replicationFactor ?? 1;
  const refresh = config.refreshSeconds ?? 5;
  const lines = [`clusters = ${aliases.join(', ')}`];
  for (const [alias, servers] of Object.entries(config.clusters)) {
    lines.push(`${alias}.bootstrap.servers = ${servers.join(',')}`);
    for (const [name, value] of Object.entries(config.clusterProperties?.[alias] ?? {})) lines.push(`${alias}.${name} = ${value}`);
  }
  for (const source of aliases) {
    for (const target of aliases) {
      if (source === target) continue;
      const flow = config.flows.find((candidate) => candidate.source === source && candidate.target === target);
      lines.push(`${source}->${target}.enabled = ${flow !== undefined && flow.topics.length > 0}`);
      if (flow && flow.topics.length > 0) lines.push(`${source}->${target}.topics = ${flow.topics.map(escapeRegex).join('|')}`);
    }
  }
  lines.push(
    `replication.factor = ${factor}`,
    ...['checkpoints.topic', 'heartbeats.topic', 'offset-syncs.topic', 'offset.storage', 'status.storage', 'config.storage'].map((name) => `${name}.replication.factor = ${factor}`),
    `refresh.topics.interval.seconds = ${refresh}`,
    `refresh.groups.interval.seconds = ${refresh}`,
    'sync.topic.acls.enabled = false',
    'emit.checkpoints.enabled = false',
    'sync.group.offsets.enabled = false',
    // Records keep their partition, so order per key holds; the copy is at least once across restarts.
    'producer.override.acks = all',
    'producer.override.enable.idempotence = true',
  );
  return `${lines.join('\n')}\n`;
}

export interface SupervisedMirror {
  /** The running java process, if any. */
  readonly pid: number | undefined;
  /** How often the supervisor started MirrorMaker again after it exited. */
  readonly restarts: number;
  logFile: string;
  /** Writes a new configuration and restarts MirrorMaker with it. */
  reconfigure(config: MirrorConfig): Promise<void>;
  /** Kills the java process as a crash would; the supervisor starts it again. */
  crash(): void;
  /** Stops MirrorMaker and the supervision. */
  stop(): Promise<void>;
}

/**
 * Runs MirrorMaker 2 in dedicated mode (org.apache.kafka.connect.mirror.MirrorMaker) from `dir`, supervised: when
 * the process exits without `stop`, it is started again after `restartDelayMs`.
 */
export async function startMirrorMaker(dir: string, config: MirrorConfig, options: { heap?: string; restartDelayMs?: number } = {}): Promise<SupervisedMirror> {
  await javaMajorVersion();
  await fetchMirrorJars();
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'mm2.properties');
  const logFile = join(dir, 'mirror-maker.log');
  // Cluster settings may hold SASL passwords: the file is the operator's alone.
  writeFileSync(configFile, mirrorProperties(config), { mode: 0o600 });
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;

  function launch(): void {
    const log = openSync(logFile, 'a');
    child = spawn('java', [`-Xmx${options.heap ?? '256m'}`, `-Dlog4j.configuration=file:${join(KAFKA_HOME, 'log4j.properties')}`, '-cp', `${MIRROR_LIB}/*`, 'org.apache.kafka.connect.mirror.MirrorMaker', configFile], { stdio: ['ignore', log, log] });
    closeSync(log);
    child.once('exit', () => {
      child = undefined;
      if (stopping) return;
      restarts += 1;
      setTimeout(() => {
        if (!stopping) launch();
      }, options.restartDelayMs ?? 1000).unref();
    });
  }

  async function halt(signal: NodeJS.Signals): Promise<void> {
    const current = child;
    if (!current) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill(signal);
    await Promise.race([exited, sleep(20_000).then(() => current.kill('SIGKILL'))]);
  }

  launch();
  return {
    get pid() {
      return child?.pid;
    },
    get restarts() {
      return restarts;
    },
    logFile,
    async reconfigure(next) {
      writeFileSync(configFile, mirrorProperties(next), { mode: 0o600 });
      stopping = true;
      await halt('SIGTERM');
      stopping = false;
      launch();
    },
    crash() {
      child?.kill('SIGKILL');
    },
    async stop() {
      stopping = true;
      await halt('SIGTERM');
    },
  };
}
