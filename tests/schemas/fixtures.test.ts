import t from 'tap';
import { CANONICAL_SCHEMAS } from '../../schemas/canonical.ts';
import { FIXTURE_TODAY, createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { buildLicenceIdentifier } from '../../schemas/fixtures/codes.ts';
import { createValidator } from '../../schemas/validate.ts';

t.test('the same seed generates the same records', async (t) => {
  const a = createFixtureGenerator({ seed: 9 });
  const b = createFixtureGenerator({ seed: 9 });
  t.same([a.person(), a.organisation(), a.licence()], [b.person(), b.organisation(), b.licence()]);
});

t.test('different seeds generate different records', async (t) => {
  t.not(createFixtureGenerator({ seed: 1 }).person().id_number, createFixtureGenerator({ seed: 2 }).person().id_number);
});

for (const schema of CANONICAL_SCHEMAS) {
  t.test(`generated ${schema.name} records carry exactly the schema's fields`, async (t) => {
    const record = createFixtureGenerator().record(schema.name);
    t.same(Object.keys(record), Object.keys(schema.jsonSchema.properties));
  });

  t.test(`500 generated ${schema.name} records are all valid`, async (t) => {
    const generator = createFixtureGenerator({ seed: 11 });
    const validator = createValidator({ now: () => new Date(`${FIXTURE_TODAY}T12:00:00Z`) });
    let invalid = 0;
    for (let i = 0; i < 500; i += 1) {
      if (validator.validateRecord(schema.name, generator.record(schema.name)).length > 0) invalid += 1;
    }
    t.equal(invalid, 0);
  });
}

t.test('generated ID numbers carry both sexes and many birth years', async (t) => {
  const generator = createFixtureGenerator({ seed: 12 });
  const people = Array.from({ length: 100 }, () => generator.person());
  t.same(new Set(people.map((p) => p.sex)), new Set(['1', '2']));
  t.ok(new Set(people.map((p) => p.birth_date?.slice(0, 4))).size > 30);
});

t.test('an authority keeps the same credit code in every record', async (t) => {
  const generator = createFixtureGenerator({ seed: 13 });
  const codes = new Map<string, Set<string>>();
  for (let i = 0; i < 200; i += 1) {
    const organisation = generator.organisation();
    const name = organisation.registration_authority_name ?? '';
    codes.set(name, (codes.get(name) ?? new Set()).add(organisation.registration_authority_code ?? ''));
  }
  for (const [name, set] of codes) t.equal(set.size, 1, name);
});

t.test('an unknown invalid fixture kind throws', async (t) => {
  t.throws(() => createFixtureGenerator().invalid('no-such-kind'), /unknown invalid fixture kind/);
});

t.test('licence identifiers sit under the electronic licence OID root', async (t) => {
  const identifier = buildLicenceIdentifier('11100000MA0000000X001', '11350100MA0000000X', 'JY123');
  t.match(identifier, /^1\.2\.156\.3005\.2\.11100000MA0000000X001\.11350100MA0000000X\.JY123\.001\.[0-9A-Z]$/);
});
