import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const CHECKED = ['gateway', 'connectors', 'schemas', 'catalog'];
const SOURCE = /\.(?:[cm]?ts|[cm]?js)$/;
// Static imports and re-exports (`import type` too), dynamic import() and require() of kafkajs or a subpath of it.
const KAFKAJS = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]kafkajs(?:\/[^'"]*)?['"]/;


function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

function importersOfKafkajs(): string[] {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  return CHECKED.flatMap((folder) => sourceFiles(join(root, folder)))
    .map((path) => relative(root, path).split('\\').join('/'))
    .filter((path) => !path.startsWith('gateway/kafka/') && KAFKAJS.test(readFileSync(join(root, path), 'utf8')));
}

t.test('only gateway/kafka/ imports kafkajs in gateway/, connectors/, schemas/ and catalog/', async (t) => {
  t.same(importersOfKafkajs(), []);
});

t.test('the check recognises every form of import it is meant to catch', async (t) => {
  for (const line of ["import { Kafka } from 'kafkajs';", "import type { Admin } from \"kafkajs\";", "export { logLevel } from 'kafkajs';", "const k = await import('kafkajs');", "const k = require('kafkajs');", "import kafkajs from 'kafkajs/src/index.js';"]) {
    t.ok(KAFKAJS.test(line), line);
  }
  t.notOk(KAFKAJS.test('// Connectors never import kafkajs, node-cron or the database client'), 'a comment naming it is no import');
});
