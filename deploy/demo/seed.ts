import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getCanonicalSchema } from '../../schemas/canonical.ts';
import { HOUSEHOLD_REGISTER_MAPPING } from '../../schemas/fixtures/household-register.ts';
import { DEMO_READER, DEMO_TABLE } from './sources.ts';

export interface DemoDepartment {
  code: string;
  name: string;
  key: string;
}

export interface Api {
  (method: string, path: string, body?: unknown, key?: string): Promise<any>;
}

export function createApi(url: string, adminKey: string): Api {
  return async (method, path, body, key = adminKey) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

const DEPARTMENTS = [
  { code: 'GAJ', name: '市公安局' },
  { code: 'SCJ', name: '市市场监督管理局' },
  { code: 'SJJ', name: '市数据局' },
];

/** The demo departments with a key each; keys are kept in the data folder so a restart reuses them. */
export async function ensureDepartments(api: Api, dataDir: string): Promise<Record<string, DemoDepartment>> {
  const file = join(dataDir, 'demo-keys.json');
  const known: Record<string, DemoDepartment> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const existing = (await api('GET', '/api/v1/principals?kind=department&limit=500')).items as { id: string; departmentCode: string }[];
  for (const department of DEPARTMENTS) {
    if (known[department.code]) continue;
    const principal = existing.find((item) => item.departmentCode === department.code) ?? (await api('POST', '/api/v1/principals', { kind: 'department', name: department.name, departmentCode: department.code }));
    const issued = await api('POST', `/api/v1/principals/${principal.id}/keys`, { label: 'demo' });
    known[department.code] = { ...department, key: issued.key };
  }
  writeFileSync(file, JSON.stringify(known, null, 2), { mode: 0o600 });
  return known;
}

async function ensureConnector(api: Api, key: string, payload: Record<string, unknown>): Promise<{ id: string }> {
  const existing = (await api('GET', '/api/v1/connectors?limit=500', undefined, key)).items as { id: string; name: string }[];
  return existing.find((connector) => connector.name === payload.name) ?? api('POST', '/api/v1/connectors', payload, key);
}

/** The three demo sources, one per base resource; registering again changes nothing. */
export async function ensureDemoConnectors(api: Api, departments: Record<string, DemoDepartment>, options: { sourceUrl?: URL; dropFolder: string }) {
  const connectors: Record<string, { id: string }> = {};
  if (options.sourceUrl) {
    const source = options.sourceUrl;
    connectors.residents = await ensureConnector(api, departments.GAJ!.key, {
      name: '户籍人口库（演示）',
      type: 'sql-pull',
      schema: 'population.person',
      schedule: '*/10 * * * * *',
      config: { driver: 'postgres', host: source.hostname, port: Number(source.port || 5432), database: source.pathname.slice(1), user: DEMO_READER.user, password: DEMO_READER.password, table: DEMO_TABLE, cursorColumn: 'updated_at', keyColumn: 'id' },
      mapping: HOUSEHOLD_REGISTER_MAPPING,
    });
  }
  connectors.companies = await ensureConnector(api, departments.SCJ!.key, {
    name: '企业登记导出（演示）',
    type: 'file-drop',
    schema: 'legal-person.organisation',
    schedule: '*/15 * * * * *',
    config: { directory: options.dropFolder, pattern: '*.csv', encoding: 'gbk', settleMs: 1000 },
    mapping: {
      fields: {
        credit_code: '统一社会信用代码',
        name: '企业名称',
        legal_representative_name: '法定代表人',
        establishment_date: '成立日期',
        registered_capital: { from: '注册资本(万元)', decimal: true },
        status: { from: '登记状态', codes: { 存续: '1', 在业: '1', 吊销: '3', 注销: '4' } },
      },
    },
  });
  const licenceFields = Object.keys(getCanonicalSchema('licence.licence').jsonSchema.properties);
  connectors.licences = await ensureConnector(api, departments.SJJ!.key, {
    name: '电子证照推送（演示）',
    type: 'http-push',
    schema: 'licence.licence',
    config: { maxRecordsPerRequest: 1000 },
    mapping: { fields: Object.fromEntries(licenceFields.map((field) => [field, field])) },
  });
  return connectors;
}
