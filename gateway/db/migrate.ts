import type { Logger } from 'pino';
import type pg from 'pg';
import { runner } from 'node-pg-migrate';
import { projectPath } from '../../project-root.ts';

export const MIGRATIONS_DIR = projectPath('gateway', 'db', 'migrations');

/** Applies pending migrations from gateway/db/migrations in order; safe to run on every start and from several instances. */
export async function migrate(client: pg.ClientBase, log: Logger): Promise<string[]> {
  const applied = await runner({
    dbClient: client,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'dx_migrations',
    checkOrder: true,
    // Instances starting together queue on the lock instead of failing.
    advisoryLockMode: 'wait',
    logger: { debug: () => undefined, info: (message: string) => log.debug(message), warn: (message: string) => log.warn(message), error: (message: string) => log.error(message) },
  });
  return applied.map((migration) => migration.name);
}
