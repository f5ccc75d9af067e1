import { getCanonicalSchema, type JsonSchemaProperty } from '../schemas/canonical.ts';
import type { InformationItem, ResourceDocument } from './model.ts';
import type { CatalogDatabase, CatalogRepository } from './repository.ts';
import type { DataType, MaskingRule, SensitivityLevel } from './vocabulary.ts';

type ItemDefaults = readonly [sensitivity: SensitivityLevel, masking: MaskingRule];

interface BaseResource {
  /** The canonical schema the resource publishes; also the seed's name. */
  schema: string;
  code: string;
  provider: { code: string; name: string };
  summary: string;
  keywords: string[];
  openCondition: string | null;
  open: boolean;
  /** Sensitivity and masking per field; a field not listed is internal (2) and unmasked. */
  items: Readonly<Record<string, ItemDefaults>>;
}

const PUBLIC: ItemDefaults = [1, 'none'];
const INTERNAL: ItemDefaults = [2, 'none'];
const PERSONAL: ItemDefaults = [3, 'none'];
const PERSONAL_MASKED: ItemDefaults = [3, 'partial'];
const HIGHLY_SENSITIVE: ItemDefaults = [4, 'partial'];

/**
 * The three base resources of GB/T 21063 the gateway carries, created on first start. Providers are the usual
 * ones in a Chinese city (public security, market regulation, the data bureau); the data office corrects them
 * through the API, and the history keeps the change.
 */
export const BASE_RESOURCES: readonly BaseResource[] = [
  {
    schema: 'population.person',
    code: '101001/000001',
    provider: { code: 'GAJ', name: '市公安局' },
    summary: '本市户籍和常住人口的基础身份信息，以公民身份号码为标识，包括姓名、性别、民族、出生日期、户籍地址、居住地址和居民身份证签发信息；不含照片和指纹。',
    keywords: ['人口', '户籍', '居民身份证', '公民身份号码', '自然人'],
    open: false,
    openCondition: '含个人信息，不向社会开放',
    items: {
      id_number: HIGHLY_SENSITIVE,
      name: PERSONAL_MASKED,
      former_name: PERSONAL_MASKED,
      sex: INTERNAL,
      ethnicity: PERSONAL,
      birth_date: PERSONAL,
      death_date: PERSONAL,
      registered_address: PERSONAL_MASKED,
      registered_division_code: PUBLIC,
      residential_address: PERSONAL_MASKED,
      residential_division_code: INTERNAL,
      id_card_issuing_authority: PUBLIC,
      id_card_valid_from: INTERNAL,
      id_card_valid_until: INTERNAL,
    },
  },
  {
    schema: 'legal-person.organisation',
    code: '102001/000001',
    provider: { code: 'SCJ', name: '市市场监督管理局' },
    summary: '在本市登记的企业、机关、事业单位和社会组织等法人及非法人组织的基础登记信息，以统一社会信用代码为标识，依据 GB/T 36104-2018。',
    keywords: ['法人', '企业', '统一社会信用代码', '市场主体', '登记注册'],
    open: true,
    openCondition: '法定代表人证件号码除外，其余信息项依法公示',
    items: {
      credit_code: PUBLIC,
      organisation_code: PUBLIC,
      name: PUBLIC,
      organisation_type_code: PUBLIC,
      legal_representative_name: PUBLIC,
      legal_representative_id_type: INTERNAL,
      legal_representative_id_number: HIGHLY_SENSITIVE,
      registered_capital: PUBLIC,
      registered_capital_currency: PUBLIC,
      establishment_date: PUBLIC,
      approval_date: PUBLIC,
      valid_from: PUBLIC,
      valid_until: PUBLIC,
      registration_authority_name: PUBLIC,
      registration_authority_code: PUBLIC,
      registered_address: PUBLIC,
      registered_division_code: PUBLIC,
      business_scope: PUBLIC,
      industry_code: PUBLIC,
      economic_type_code: PUBLIC,
      status: PUBLIC,
    },
  },
  {
    schema: 'licence.licence',
    code: '105001/000001',
    provider: { code: 'SJJ', name: '市数据局' },
    summary: '本市各部门签发的电子证照元数据，以证照编号为标识，包括证照类型、持证主体、发证机构、发证日期和有效期，依据 GB/T 36901~36905-2018。',
    keywords: ['电子证照', '证照', '许可证', '执照', '证明'],
    open: false,
    openCondition: '持证主体可能是自然人，不向社会开放',
    items: {
      licence_number: INTERNAL,
      licence_identifier: INTERNAL,
      licence_type_code: PUBLIC,
      licence_name: PUBLIC,
      holder_name: PERSONAL_MASKED,
      holder_code: HIGHLY_SENSITIVE,
      holder_code_type: PUBLIC,
      issuing_authority_name: PUBLIC,
      issuing_authority_code: PUBLIC,
      issuing_division_code: PUBLIC,
      issue_date: INTERNAL,
      valid_from: INTERNAL,
      valid_until: INTERNAL,
      status: INTERNAL,
    },
  },
];

export function dataTypeOf(property: JsonSchemaProperty): DataType {
  const types = Array.isArray(property.type) ? property.type : [property.type];
  if (property['format'] === 'date') return 'date';
  if (property['format'] === 'date-time') return 'datetime';
  if (types.includes('integer')) return 'integer';
  if (types.includes('number')) return 'number';
  if (types.includes('boolean')) return 'boolean';
  return 'string';
}

/** A base resource's document: one item per field of its canonical schema, named by the field's Chinese title. */
export function baseResourceDocument(base: BaseResource, publishDate: string): ResourceDocument {
  const schema = getCanonicalSchema(base.schema);
  const items: InformationItem[] = Object.entries(schema.jsonSchema.properties).map(([field, property]) => {
    const [sensitivity, masking] = base.items[field] ?? INTERNAL;
    return { name: property.title, canonicalField: field, dataType: dataTypeOf(property), sensitivity, masking, shareable: true, description: property.description };
  });
  return {
    code: base.code,
    name: schema.jsonSchema.title,
    kind: 'base',
    providerCode: base.provider.code,
    providerName: base.provider.name,
    // The city's own departments: their credit codes are the data office's to enter (docs/domain.md).
    providerCreditCode: null,
    summary: base.summary,
    keywords: base.keywords,
    format: 'database',
    // Kept as current state in PostgreSQL (the registers) besides the topic.
    formatType: 'PostgreSQL',
    items,
    // Base items of population, legal persons and electronic licences are shared unconditionally (国发〔2016〕51号).
    sharing: { type: 'unconditional', condition: null, methods: ['database-table', 'interface'] },
    open: { open: base.open, condition: base.openCondition },
    updateCycle: 'daily',
    publishDate,
    related: [],
    topic: `dx.${schema.name}`,
    schemaSubject: schema.subject,
  };
}

/**
 * Creates the base resources not created before, in one transaction. A seed is claimed by name first, so a
 * restart creates nothing and instances starting together wait for each other instead of creating twice; a
 * resource already holding the code or topic (made by hand) is kept and the seed marked done.
 */
export async function seedBaseResources(db: CatalogDatabase, repository: CatalogRepository, publishDate: string): Promise<string[]> {
  return db.transaction(async (client) => {
    const created: string[] = [];
    for (const base of BASE_RESOURCES) {
      const claimed = await client.query('INSERT INTO catalog_seeds (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING name', [base.schema]);
      if (claimed.rowCount === 0) continue;
      const document = baseResourceDocument(base, publishDate);
      const existing = await client.query<{ id: string }>('SELECT id FROM catalog_resources WHERE code = $1 OR topic = $2 LIMIT 1', [document.code, document.topic]);
      const id = existing.rows[0]?.id ?? (await repository.create(document, null, client)).id;
      await client.query('UPDATE catalog_seeds SET resource_id = $2 WHERE name = $1', [base.schema, id]);
      if (existing.rowCount === 0) created.push(document.code);
    }
    return created;
  });
}
