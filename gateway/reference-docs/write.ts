import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { projectPath } from '../../project-root.ts';
import { REFERENCE_PAGES } from './references.ts';

for (const page of REFERENCE_PAGES) {
  const path = projectPath(page.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, page.render());
}
