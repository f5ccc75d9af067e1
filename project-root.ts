import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
  }
}

/**
 * The checkout's root, where package.json is: files that are not code (migrations, schemas, the web UI, the local
 * Kafka's home) are found from here, whether the gateway runs from its TypeScript sources or compiled into build/.
 */
export const PROJECT_ROOT = findRoot();

export const projectPath = (...segments: string[]): string => join(PROJECT_ROOT, ...segments);
