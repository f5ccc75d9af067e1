import { REGISTRY_ERRORS } from '../../schemas/registry/errors.ts';
import { ERROR_CATALOGUE } from '../errors.ts';
import { generatedNotice, prose, table } from './markdown-table.ts';

type Catalogue = Record<string, { status: number; message: string }>;
type RegistryCatalogue = Record<string, { status: number; errorCode: number; message: string }>;

/** The error-code reference, generated from the two error catalogues so the page and the answers never disagree. */
export function renderErrorsDoc(catalogue: Catalogue = ERROR_CATALOGUE, registry: RegistryCatalogue = REGISTRY_ERRORS): string {
  return [
    '# Error codes',
    '',
    generatedNotice('`ERROR_CATALOGUE` in gateway/errors.ts and `REGISTRY_ERRORS` in schemas/registry/errors.ts'),
    '',
    '## API errors',
    '',
    'Every error outside `/registry` is JSON `{ code, message, details }`. Validation errors name each',
    'failing field in `details[].path`, written `items[0].name` (dots between names, brackets for indices; `querystring.`',
    'or `params.` in front for those parts of the request), the same style as record errors and dead letters;',
    '5xx answers carry a generic message and the cause goes to the log. A 503, and a',
    '429 after its `retry-after`, are worth retrying; other answers are not, unchanged.',
    '',
    ...table(
      ['code', 'HTTP status', 'message'],
      Object.entries(catalogue).map(([code, entry]) => [`\`${code}\``, String(entry.status), prose(entry.message)]),
    ),
    '',
    '## Schema registry errors',
    '',
    'Under `/registry` errors take the Confluent Schema Registry form `{ error_code, message }` (the numeric',
    '`error_code` below, not the name), so standard clients recognise them. Schema references are not supported.',
    '',
    ...table(
      ['code', 'HTTP status', '`error_code`', 'message'],
      Object.entries(registry).map(([code, entry]) => [`\`${code}\``, String(entry.status), String(entry.errorCode), prose(entry.message)]),
    ),
    '',
  ].join('\n');
}
