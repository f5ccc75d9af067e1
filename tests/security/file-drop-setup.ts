import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Test } from 'tap';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { bearer, buildTestApp, type TestApp } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';
import { freshTopicName } from '../helpers/kafka.ts';
import { provideTopic } from '../helpers/resource.ts';

export const ORGANISATION_MAPPING = { fields: { credit_code: '统一社会信用代码', name: '企业名称', legal_representative_name: '法定代表人', establishment_date: '成立日期' } };

export interface DropDepartment {
  code: string;
  key: string;
  /** Its own folder of the drop root, `<root>/<code>/exports`, made. */
  folder: string;
}

export interface DropSetup extends TestApp {
  root: string;
  /** The market-regulation bureau, whose folder the other department attacks. */
  a: DropDepartment;
  /** The civil-affairs bureau, the attacker. */
  b: DropDepartment;
  /** A fresh topic of a resource the attacker provides, so its connectors may publish (一数一源). */
  attackerTopic(purpose: string): Promise<string>;
}

/** The real gateway with a fresh drop root and two departments, each with its own drop folder. */
export async function setupDrops(t: Test): Promise<DropSetup> {
  const root = mkdtempSync(join(tmpdir(), 'dx-drop-root-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const testApp = await buildTestApp(t, { env: { DX_FILE_DROP_ROOT: root } });
  const department = async (code: string): Promise<DropDepartment> => {
    const { key } = await createDepartment(testApp.app, testApp.adminKey, code);
    const folder = join(root, code, 'exports');
    mkdirSync(folder, { recursive: true });
    return { code, key, folder };
  };
  const [a, b] = [await department('SCJ'), await department('MZJ')];
  // The market regulator provides the legal-person base resource; the civil-affairs bureau publishes companies too.
  const base = (await testApp.app.inject({ url: '/api/v1/catalog/resources?q=法人', headers: bearer(testApp.adminKey) })).json().items.find((item: { topic: string }) => item.topic === 'dx.legal-person.organisation');
  await testApp.app.inject({ method: 'PUT', url: `/api/v1/catalog/resources/${base.id}/publishers/MZJ`, headers: bearer(testApp.adminKey) });
  const attackerTopic = async (purpose: string) => {
    const topic = freshTopicName(purpose);
    await provideTopic(testApp.app, testApp.adminKey, 'MZJ', topic);
    return topic;
  };
  return { ...testApp, root, a, b, attackerTopic };
}

/** Company rows as a market-regulation export, CSV with the Chinese header. */
export function companiesCsv(count: number, seed = 11): string {
  const fixtures = createFixtureGenerator({ seed });
  const rows = Array.from({ length: count }, () => {
    const o = fixtures.organisation();
    return [o.credit_code, o.name, o.legal_representative_name ?? '', o.establishment_date ?? ''].join(',');
  });
  return ['统一社会信用代码,企业名称,法定代表人,成立日期', ...rows].join('\n') + '\n';
}

export function registerDrop(app: FastifyInstance, key: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: bearer(key),
    payload: { name: `drop-${Math.random().toString(36).slice(2, 8)}`, type: 'file-drop', schema: 'legal-person.organisation', schedule: '0 0 1 1 *', mapping: ORGANISATION_MAPPING, config: { settleMs: 0, ...config }, ...extra },
  });
}

/** Registers a connector that must be accepted and answers its id. */
export async function registeredDrop(t: Test, app: FastifyInstance, key: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await registerDrop(app, key, config, extra);
  t.equal(response.statusCode, 201, response.body);
  return response.json().id;
}

export interface TestAnswer {
  check: { ok: boolean; message: string };
  records: { partition: string; source: Record<string, unknown> }[];
}

export async function testDrop(app: FastifyInstance, key: string, id: string): Promise<TestAnswer> {
  const response = await app.inject({ method: 'POST', url: `/api/v1/connectors/${id}/test?limit=100`, headers: bearer(key) });
  if (response.statusCode !== 200) throw new Error(`test answered ${response.statusCode}: ${response.body}`);
  return response.json();
}
