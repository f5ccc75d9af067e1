import { formatsOf, type CanonicalSchema } from '../../../schemas/canonical.ts';
import type { ConfigProblem } from '../../../connectors/types.ts';
import { ruleOf, type MappingSpec } from './spec.ts';

/** Checks a mapping against its target schema when a connector is registered; each problem names its field. */
export function checkMapping(spec: MappingSpec, schema: CanonicalSchema): ConfigProblem[] {
  const properties = schema.jsonSchema.properties;
  const problems: ConfigProblem[] = [];
  for (const [name, raw] of Object.entries(spec.fields)) {
    const path = `mapping.fields.${name}`;
    const property = properties[name];
    if (!property) {
      problems.push({ path, message: `is not a field of ${schema.name} (fields: ${Object.keys(properties).join(', ')})` });
      continue;
    }
    const rule = ruleOf(raw);
    if ((rule.from === undefined) === (rule.const === undefined)) problems.push({ path, message: 'give exactly one of from and const' });
    const allowed = property.enum as unknown[] | undefined;
    if (allowed && rule.codes) {
      for (const [local, national] of Object.entries(rule.codes)) {
        if (!allowed.includes(national)) problems.push({ path: `${path}.codes.${local}`, message: `"${national}" is not a code of ${name} (allowed: ${allowed.filter((code) => code !== null).join(', ')})` });
      }
    }
    if (allowed && rule.const !== undefined && !allowed.includes(rule.const)) problems.push({ path: `${path}.const`, message: `is not a code of ${name}` });
    if (rule.date !== undefined && property.format !== 'date') problems.push({ path: `${path}.date`, message: `${name} is not a date field` });
    if (rule.upgradeLegacyIdNumber === true && !formatsOf(schema.jsonSchema, name).includes('cn-id-number')) {
      problems.push({ path: `${path}.upgradeLegacyIdNumber`, message: `${name} is not an ID-number field` });
    }
  }
  for (const required of schema.jsonSchema.required) {
    if (!(required in spec.fields)) problems.push({ path: `mapping.fields.${required}`, message: `is required by ${schema.name} and not mapped` });
  }
  return problems;
}
