import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The V8 flags `npm start` gives the gateway (package.json), so that the benchmarks measure what production runs. */
export function startFlags(): string {
  const start = (JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { scripts: { start: string } }).scripts.start;
  const words = start.split(' ');
  return words.slice(0, words.indexOf('build/gateway/server.js')).filter((word) => word.startsWith('--')).join(' ');
}

export interface BenchGateway {
  url: string;
  pid: number;
  /** Peak resident set size so far (VmHWM), in bytes. */
  peakRss(): number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let built = false;

/** Compiles the gateway into build/, as `npm start` does, once per benchmark run. */
function buildGateway(): void {
  if (built) return;
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  built = true;
}

const BENCH_SECRET_KEY = '0'.repeat(63) + '1';

/** The gateway as its own process, compiled and started as in production, so its memory and CPU are its own. */
export async function startBenchGateway(env: Record<string, string>): Promise<BenchGateway> {
  buildGateway();
  const port = await freePort();
  // BENCH_NODE_ARGS replaces the flags of `npm start`; BENCH_NODE_EXTRA_ARGS adds to them, e.g.
  // "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the gateway as it runs in production.
  const nodeArgs = `${process.env.BENCH_NODE_ARGS ?? startFlags()} ${process.env.BENCH_NODE_EXTRA_ARGS ?? ''}`.split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, 'build/gateway/server.js'], {
    cwd: ROOT,
    // A fixed key: the benchmark's databases are thrown away.
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DX_SECRET_KEY: BENCH_SECRET_KEY, DX_AUDIT_KEY: process.env.DX_AUDIT_KEY ?? 'dx-bench-audit-key-not-for-production-use', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited:\n${errors.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error('gateway did not become ready');
    const ready = await fetch(`${url}/readyz`).then((response) => response.ok, () => false);
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    pid: child.pid as number,
    peakRss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
