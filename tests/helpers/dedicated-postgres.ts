import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface DedicatedPostgres {
  url: string;
  stop(): void;
  start(): void;
}

function binDir(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort();
  return join('/usr/lib/postgresql', versions[versions.length - 1] as string, 'bin');
}

/** Runs a command as the postgres OS user when we are root (PostgreSQL refuses to run as root). */
function asPostgres(command: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  const result = spawnSync(file, argv, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}${result.stdout}`);
}

/**
 * A PostgreSQL server of the test's own (initdb in a temporary folder, on its own port), so the test can stop and
 * start it without disturbing the machine's server that the other tests use.
 */
export function startDedicatedPostgres(t: Teardown, port: number): DedicatedPostgres {
  const dir = mkdtempSync(join(tmpdir(), 'dx-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const bin = binDir();
  asPostgres(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const pgCtl = (action: 'start' | 'stop') =>
    asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-m', 'immediate', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, action]);
  pgCtl('start');
  t.teardown(() => {
    try {
      pgCtl('stop');
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, stop: () => pgCtl('stop'), start: () => pgCtl('start') };
}
