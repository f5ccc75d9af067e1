import { CONNECTOR_DEFINITIONS } from '../../connectors/registry.ts';
import { renderReferenceDoc } from '../../connectors/reference-doc.ts';
import { renderConfigurationDoc } from './configuration-doc.ts';
import { renderErrorsDoc } from './errors-doc.ts';

export interface ReferencePage {
  /** Relative to the repository's root. */
  path: string;
  render(): string;
}

/** Every page of docs/ generated from the code: `npm run docs` writes them, a test keeps them current. */
export const REFERENCE_PAGES: readonly ReferencePage[] = [
  { path: 'docs/configuration.md', render: () => renderConfigurationDoc() },
  { path: 'docs/errors.md', render: () => renderErrorsDoc() },
  ...CONNECTOR_DEFINITIONS.map((definition) => ({ path: `docs/connectors/${definition.type}.md`, render: () => renderReferenceDoc(definition) })),
];
