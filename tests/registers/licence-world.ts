import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { BASE_RESOURCES, baseResourceDocument } from '../../catalog/base-resources.ts';
import { getCanonicalSchema } from '../../schemas/canonical.ts';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import type { LicenceRecord, PersonRecord } from '../../schemas/records.ts';
import { bearer } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';
import { freshTopicName } from '../helpers/kafka.ts';
import { enableRegister, registerEntries, waitFor } from './register-world.ts';

export const LICENCE_FIELDS = ['licence_number', 'licence_name', 'licence_type_code', 'holder_name', 'holder_code', 'holder_code_type', 'valid_until', 'status'];

export interface LicenceRegister {
  resourceId: string;
  provider: { id: string; key: string; code: string };
  holder: PersonRecord;
  /** The holder's valid licence, a cancelled one, an expired one, and another holder's. */
  licences: { valid: LicenceRecord; cancelled: LicenceRecord; expired: LicenceRecord; another: LicenceRecord };
}

/**
 * An e-licence resource on a fresh topic (the base resource's items), its provider's http-push connector, four
 * licences pushed through it, and its register enabled and filled.
 */
export async function buildLicenceRegister(app: FastifyInstance, adminKey: string): Promise<LicenceRegister> {
  const provider = await createDepartment(app, adminKey, 'ZZJ', '市证照管理中心');
  const topic = freshTopicName('licences');
  const document = baseResourceDocument(BASE_RESOURCES.find((resource) => resource.schema === 'licence.licence') as (typeof BASE_RESOURCES)[number], '2026-12-01');
  const code = `301${String(randomBytes(2).readUInt16BE(0) % 1000).padStart(3, '0')}/000001`;
  const created = await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(adminKey), payload: { ...document, code, kind: 'department', providerCode: provider.code, providerName: '市证照管理中心', topic } });
  if (created.statusCode !== 201) throw new Error(`licence resource: ${created.body}`);
  const resourceId = created.json().id as string;
  const fields = Object.keys(getCanonicalSchema('licence.licence').jsonSchema.properties);
  const connector = await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(provider.key), payload: { name: '证照推送', type: 'http-push', schema: 'licence.licence', topic, config: {}, mapping: { fields: Object.fromEntries(fields.map((field) => [field, field])) } } });
  if (connector.statusCode !== 201) throw new Error(`licence connector: ${connector.body}`);

  const fixtures = createFixtureGenerator({ seed: 20 });
  const holder = fixtures.person();
  const mine = { holder_name: holder.name, holder_code: holder.id_number, holder_code_type: '111' };
  const licences = {
    valid: { ...fixtures.licence(), ...mine, status: '1', valid_from: '2020-01-01', valid_until: null },
    cancelled: { ...fixtures.licence(), ...mine, status: '2', valid_from: '2020-01-01', valid_until: null },
    expired: { ...fixtures.licence(), ...mine, status: '1', valid_from: '2010-01-01', valid_until: '2015-01-01' },
    another: { ...fixtures.licence(), holder_name: '李四', holder_code: fixtures.person().id_number, holder_code_type: '111', status: '1', valid_until: null },
  };
  const pushed = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.json().id}`, headers: bearer(provider.key), payload: Object.values(licences) });
  if (pushed.json().accepted !== 4) throw new Error(`licence push: ${pushed.body}`);
  await enableRegister(app, resourceId);
  await app.registers.runtime.refresh();
  await waitFor('4 licences', async () => (await registerEntries(app, resourceId)).size === 4);
  return { resourceId, provider, holder, licences };
}
