import { Ajv } from 'ajv';
import t from 'tap';
import { CONNECTOR_DEFINITIONS, createConnectorRegistry } from '../../connectors/registry.ts';
import { createValidator } from '../../schemas/validate.ts';
import { ajvErrorPath, boundedProblems, fieldPath, pointerPath } from '../../schemas/validation-errors.ts';

t.test('a field path joins names with dots and writes indices in brackets, under an optional root', async (t) => {
  t.equal(fieldPath(['items', 0, 'name']), 'items[0].name');
  t.equal(fieldPath(['auth', 'token'], 'config'), 'config.auth.token');
  t.equal(fieldPath([3, 'sfzh']), '[3].sfzh');
  t.equal(fieldPath([]), '', 'the record or body itself');
  t.equal(pointerPath('/sharing/methods/0'), 'sharing.methods[0]');
  t.equal(pointerPath('/a~1b/c~0d', 'querystring'), 'querystring.a/b.c~d', 'pointer escapes are undone');
});

t.test('the property an ajv error names is a name even when it is all digits', async (t) => {
  const validate = new Ajv({ allErrors: true }).compile({ type: 'object', properties: { items: { type: 'array', items: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string' } } } } } });
  validate({ items: [{ name: 'a' }, { '440524188001010014': 'x' }] });
  t.same((validate.errors ?? []).map((error) => ajvErrorPath(error)).sort(), ['items[1].440524188001010014', 'items[1].name']);
  t.same(boundedProblems(validate.errors ?? [], 'body').problems.map((problem) => problem.path).sort(), ['body.items[1].440524188001010014', 'body.items[1].name']);
});

t.test('request, record and connector config errors name their fields in the same style', async (t) => {
  const record = createValidator().validateRecord('population.person', { id_number: '110105194912310021' });
  t.same(record.map((issue) => issue.path).sort(), ['id_number', 'name']);
  t.ok(record.every((issue) => !issue.path.startsWith('/')), 'no JSON pointer in a record issue');
  const config = createConnectorRegistry(CONNECTOR_DEFINITIONS).validateConfig('http-pull', { url: 'https://example.org', headers: [1] });
  t.ok(config.some((problem) => problem.path === 'config.headers'), 'a wrong type is named at its field');
  t.ok(config.length > 0);
  t.ok(config.every((problem) => /^config(\.[A-Za-z]\w*|\[\d+\])+$/.test(problem.path)), `config paths: ${config.map((p) => p.path).join(', ')}`);
});
