import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectPath } from '../../../project-root.ts';

const run = promisify(execFile);
const MIN_JAVA_MAJOR = 17;

export const KAFKA_HOME = projectPath('deploy', 'kafka');
export const KAFKA_LIB = join(KAFKA_HOME, 'lib');

const EXISTING_CLUSTER_HINT =
  'To use an existing Kafka cluster instead, set KAFKA_BROKERS=host1:9092,host2:9092 (see README, "Running against existing Kafka and PostgreSQL").';

export class KafkaPrerequisiteError extends Error {
  constructor(message: string) {
    super(`${message}\n${EXISTING_CLUSTER_HINT}`);
    this.name = 'KafkaPrerequisiteError';
  }
}

export async function javaMajorVersion(): Promise<number> {
  let output: string;
  try {
    const { stderr, stdout } = await run('java', ['-version']);
    output = `${stderr}${stdout}`;
  } catch {
    throw new KafkaPrerequisiteError(`The local Kafka broker needs Java ${MIN_JAVA_MAJOR}+ and no "java" command was found on PATH.`);
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : 0;
  if (major < MIN_JAVA_MAJOR) {
    throw new KafkaPrerequisiteError(`The local Kafka broker needs Java ${MIN_JAVA_MAJOR}+; found: ${output.split('\n')[0] ?? 'unknown'}.`);
  }
  return major;
}

export function kafkaJarsPresent(): boolean {
  return existsSync(KAFKA_LIB) && readdirSync(KAFKA_LIB).some((name) => name.startsWith('kafka_2.13-'));
}

/** Copies kafka_2.13 and its runtime dependencies from Maven Central into lib/ (the local Maven cache is reused). */
export async function fetchKafkaJars(): Promise<void> {
  if (kafkaJarsPresent()) return;
  try {
    await run('mvn', ['-v']);
  } catch {
    throw new KafkaPrerequisiteError('The local Kafka broker is fetched from Maven Central with Maven, and no "mvn" command was found on PATH.');
  }
  try {
    await run(
      'mvn',
      ['-q', '-B', '-f', join(KAFKA_HOME, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${KAFKA_LIB}`, '-DincludeScope=runtime'],
      { maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (err) {
    const detail = err instanceof Error && 'stdout' in err ? String((err as { stdout: unknown }).stdout).slice(-2000) : String(err);
    throw new KafkaPrerequisiteError(`Fetching Apache Kafka from Maven Central failed:\n${detail}`);
  }
}
