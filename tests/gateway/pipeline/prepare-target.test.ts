import t from 'tap';
import { HOUSEHOLD_REGISTER_MAPPING } from '../../../schemas/fixtures/household-register.ts';
import { createValidator } from '../../../schemas/validate.ts';
import { createTargetCache, type TargetSpec } from '../../../gateway/pipeline/prepare/prepare-target.ts';

const spec = (connectorId: string, version = 'v1'): TargetSpec => ({
  connectorId,
  version,
  schemaName: 'population.person',
  schemaId: 1,
  topic: 'population.person',
  deadLetterTopic: 'population.person.dlq',
  mapping: HOUSEHOLD_REGISTER_MAPPING,
  clearSourceFields: [],
});

t.test('a target is reused while its connector is unchanged and rebuilt when it changes', async (t) => {
  const cache = createTargetCache(createValidator());
  const first = cache.get(spec('a'));
  t.equal(cache.get(spec('a')), first);
  const changed = cache.get(spec('a', 'v2'));
  t.not(changed, first);
  t.equal(cache.get(spec('a', 'v2')), changed);
});

t.test('beyond its size the least recently used connector is dropped', async (t) => {
  const cache = createTargetCache(createValidator(), 2);
  const a = cache.get(spec('a'));
  const b = cache.get(spec('b'));
  t.equal(cache.get(spec('a')), a, 'a used again, so b is now the oldest');
  cache.get(spec('c'));
  t.equal(cache.get(spec('a')), a, 'a kept');
  t.not(cache.get(spec('b')), b, 'b was dropped and is built again');
});
