import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { TEST_AUDIT_KEY } from './audit-key.ts';
import { TEST_BROKERS } from './kafka.ts';
import { TEST_SECRET_KEY } from './secret-key.ts';

export interface GatewayProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

const FROM_SOURCES = ['--import=tsx', 'gateway/server.ts'];

/**
 * Starts the gateway as its own process (so it can be killed), against the test database and broker: from its
 * TypeScript sources, or with `entry` naming a compiled server.js.
 */
export async function startGatewayProcess(t: Teardown, env: Record<string, string>, entry?: string): Promise<GatewayProcess> {
  const child = spawn(process.execPath, entry ? [entry] : FROM_SOURCES, {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', KAFKA_BROKERS: TEST_BROKERS.join(','), DX_SECRET_KEY: TEST_SECRET_KEY, DX_AUDIT_KEY: TEST_AUDIT_KEY, LOG_LEVEL: 'info', DX_ALLOWED_HOSTS: '127.0.0.0/8,::1', DX_REGISTER_RESOURCES: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${output}`)), 60_000);
    child.stdout?.on('data', () => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`gateway exited during start:\n${output}`));
    });
  });
  return {
    url,
    pid: child.pid as number,
    child,
    output: () => output,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}

export async function api(gateway: { url: string }, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}
