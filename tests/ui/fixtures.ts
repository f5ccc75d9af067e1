import type { FastifyInstance } from 'fastify';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { bearer, buildTestApp, type TestApp } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';
import { PERSON_MAPPING } from '../helpers/person-source.ts';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** The population base resource's topic (catalog/base-resources.ts): records pushed here show on its page. */
export const POPULATION_TOPIC = 'dx.population.person';

/** Residents in a department's own column names (PERSON_MAPPING), `invalid` of them with a wrong ID check character. */
export function residents(valid: number, invalid: number, seed: number): Record<string, unknown>[] {
  const fixtures = createFixtureGenerator({ seed });
  return Array.from({ length: valid + invalid }, (_, index) => {
    const person = index < valid ? fixtures.person() : (fixtures.invalid('id-number-check-character').record as unknown as ReturnType<typeof fixtures.person>);
    return { sfzh: person.id_number, xm: person.name, xb: person.sex === '1' ? '男' : '女', mz: person.ethnicity, csrq: person.birth_date?.replace(/-/g, ''), hjdz: person.registered_address };
  });
}

export interface UiGateway extends TestApp {
  baseUrl: string;
  /** The public security bureau, the population resource's provider. */
  department: { id: string; key: string };
  connector: { id: string; name: string };
}

/**
 * The gateway listening on a free local port, with the population provider's http-push connector on the base
 * resource's topic and `valid` good and `invalid` bad residents pushed through it for real (Kafka acknowledged).
 */
export async function startUiGateway(t: Teardown, push: { valid: number; invalid: number; seed: number } = { valid: 0, invalid: 0, seed: 1 }): Promise<UiGateway> {
  const testApp = await buildTestApp(t);
  const { app, adminKey } = testApp;
  const department = await createDepartment(app, adminKey, 'GAJ', '市公安局');
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: bearer(department.key),
    payload: { name: '人口信息推送', type: 'http-push', schema: 'population.person', topic: POPULATION_TOPIC, config: {}, mapping: PERSON_MAPPING },
  });
  if (created.statusCode !== 201) throw new Error(`connector not created: ${created.body}`);
  const connector = created.json() as { id: string; name: string };
  if (push.valid + push.invalid > 0) await pushRecords(app, department.key, connector.id, residents(push.valid, push.invalid, push.seed));
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return { ...testApp, baseUrl, department, connector };
}

export async function pushRecords(app: FastifyInstance, key: string, connectorId: string, records: Record<string, unknown>[]): Promise<void> {
  const response = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connectorId}`, headers: bearer(key), payload: records });
  if (response.statusCode !== 202) throw new Error(`push refused: ${response.body}`);
}
