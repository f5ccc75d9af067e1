import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONNECTOR_DEFINITIONS } from './registry.ts';
import { renderReferenceDoc } from './reference-doc.ts';

export const REFERENCE_DOCS_DIR = fileURLToPath(new URL('../docs/connectors/', import.meta.url));

mkdirSync(REFERENCE_DOCS_DIR, { recursive: true });
for (const definition of CONNECTOR_DEFINITIONS) writeFileSync(`${REFERENCE_DOCS_DIR}${definition.type}.md`, renderReferenceDoc(definition));
