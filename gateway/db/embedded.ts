import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A `pg` connection string reaching the embedded database over a Unix socket. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Runs PGlite (PostgreSQL compiled to WASM) on a Unix socket so the gateway uses the same `pg` code path as with a
 * real server. PGlite serves one session at a time, so clients must use a pool of one connection.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const dbDir = resolve(dataDir, 'pg');
  mkdirSync(dbDir, { recursive: true });
  const db = await PGlite.create(dbDir);
  // The socket lives in a short temporary folder: Unix socket paths are limited to about 100 bytes.
  const socketDir = mkdtempSync(join(tmpdir(), 'dx-pg-'));
  const server = new PGLiteSocketServer({ db, path: join(socketDir, '.s.PGSQL.5432') });
  await server.start();
  return {
    url: `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}`,
    async stop() {
      await server.stop();
      await db.close();
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}
