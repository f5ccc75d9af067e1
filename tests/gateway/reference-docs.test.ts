import { readFileSync } from 'node:fs';
import t from 'tap';
import { CONFIG_SCHEMA } from '../../gateway/config.ts';
import { ERROR_CATALOGUE } from '../../gateway/errors.ts';
import { renderConfigurationDoc } from '../../gateway/reference-docs/configuration-doc.ts';
import { renderErrorsDoc } from '../../gateway/reference-docs/errors-doc.ts';
import { REFERENCE_PAGES } from '../../gateway/reference-docs/references.ts';
import { REGISTRY_ERRORS } from '../../schemas/registry/errors.ts';

t.test('every generated reference page in docs/ is current with the code it is generated from', async (t) => {
  for (const page of REFERENCE_PAGES) {
    const written = readFileSync(new URL(`../../${page.path}`, import.meta.url), 'utf8');
    t.equal(written, page.render(), `${page.path} (regenerate with npm run docs)`);
  }
});

t.test('the configuration reference has a row for every variable with its default and meaning', async (t) => {
  const page = renderConfigurationDoc();
  for (const [name, variable] of Object.entries(CONFIG_SCHEMA.properties) as [string, { default?: unknown; description?: string }][]) {
    t.ok(variable.description, `${name} is described in the schema`);
    const row = page.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
    t.ok(row, `${name} has a row`);
    t.ok(row?.includes(variable.default === undefined ? '| unset |' : `| \`${String(variable.default)}\` |`), `${name} shows its default`);
  }
});

t.test('a variable added to the schema changes the configuration reference', async (t) => {
  const schema = { properties: { ...CONFIG_SCHEMA.properties, DX_NEW_SETTING: { type: 'integer', minimum: 1, default: 7, description: 'A new setting.' } } };
  t.match(renderConfigurationDoc(schema), /^\| `DX_NEW_SETTING` \| integer, 1 to … \| `7` \| A new setting\. \|$/m);
  t.not(renderConfigurationDoc(schema), renderConfigurationDoc());
});

t.test('the error reference lists every code of both catalogues with its status', async (t) => {
  const page = renderErrorsDoc();
  for (const [code, { status }] of Object.entries(ERROR_CATALOGUE)) t.match(page, new RegExp(`^\\| \`${code}\` \\| ${status} \\|`, 'm'), code);
  for (const [code, { status, errorCode }] of Object.entries(REGISTRY_ERRORS)) t.match(page, new RegExp(`^\\| \`${code}\` \\| ${status} \\| ${errorCode} \\|`, 'm'), code);
});
