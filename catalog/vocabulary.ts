/**
 * The closed vocabularies of the resource catalogue (GB/T 21063 and the 2017 compilation guide), each value with
 * its Chinese label (the catalogue's language) and an English one. Values are stable API strings; labels may change.
 */

export interface Label {
  readonly zh: string;
  readonly en: string;
}

type Labelled<T extends string> = Readonly<Record<T, Label>>;

export const CATALOGUE_KINDS = ['base', 'theme', 'department'] as const;
export type CatalogueKind = (typeof CATALOGUE_KINDS)[number];
export const CATALOGUE_KIND_LABELS: Labelled<CatalogueKind> = {
  base: { zh: '基础信息资源', en: 'Base resource' },
  theme: { zh: '主题信息资源', en: 'Theme resource' },
  department: { zh: '部门信息资源', en: 'Department resource' },
};
/** First digit of the classification code (类) for each kind of catalogue. */
export const KIND_CLASS_DIGIT: Readonly<Record<CatalogueKind, string>> = { base: '1', theme: '2', department: '3' };

export const RESOURCE_FORMATS = ['electronic-file', 'spreadsheet', 'database', 'image', 'streaming-media', 'self-describing', 'service-interface'] as const;
export type ResourceFormat = (typeof RESOURCE_FORMATS)[number];
export const RESOURCE_FORMAT_LABELS: Labelled<ResourceFormat> = {
  'electronic-file': { zh: '电子文件', en: 'Electronic file' },
  spreadsheet: { zh: '电子表格', en: 'Spreadsheet' },
  database: { zh: '数据库', en: 'Database' },
  image: { zh: '图形图像', en: 'Graphics or image' },
  'streaming-media': { zh: '流媒体', en: 'Streaming media' },
  'self-describing': { zh: '自描述格式', en: 'Self-describing format' },
  'service-interface': { zh: '服务接口', en: 'Service interface' },
};

/**
 * Format types (资源格式类型) of each format class, as the national template pairs them: the file type of files and
 * spreadsheets, the product of databases, the protocol of interfaces. `other` is for a type the list lacks.
 */
export const FORMAT_TYPES: Readonly<Record<ResourceFormat, readonly string[]>> = {
  'electronic-file': ['OFD', 'PDF', 'DOC', 'DOCX', 'WPS', 'TXT', 'other'],
  spreadsheet: ['XLS', 'XLSX', 'ET', 'CSV', 'other'],
  database: ['Oracle', 'MySQL', 'PostgreSQL', 'SQL Server', 'DM', 'KingbaseES', 'GBase', 'OceanBase', 'other'],
  image: ['JPG', 'PNG', 'TIFF', 'BMP', 'GIF', 'other'],
  'streaming-media': ['MP4', 'FLV', 'AVI', 'MP3', 'other'],
  'self-describing': ['XML', 'JSON', 'Avro', 'other'],
  'service-interface': ['REST', 'WebService', 'other'],
};

export const SHARING_TYPES = ['unconditional', 'conditional', 'not-shared'] as const;
export type SharingType = (typeof SHARING_TYPES)[number];
export const SHARING_TYPE_LABELS: Labelled<SharingType> = {
  unconditional: { zh: '无条件共享', en: 'Shared unconditionally' },
  conditional: { zh: '有条件共享', en: 'Shared on conditions' },
  'not-shared': { zh: '不予共享', en: 'Not shared' },
};

/**
 * Sharing method types (共享方式类型) of the national template. The gateway's deliveries are database-table
 * (records replicated to the consumer: kafka and webhook subscriptions) and interface (HTTP look-ups and reads).
 * `subscription`, an earlier value of the gateway's own, became database-table (migration 0011).
 */
export const SHARING_METHODS = ['database-table', 'interface', 'file'] as const;
export type SharingMethod = (typeof SHARING_METHODS)[number];
export const SHARING_METHOD_LABELS: Labelled<SharingMethod> = {
  'database-table': { zh: '库表', en: 'Database table (records replicated to the consumer)' },
  interface: { zh: '接口', en: 'Interface (HTTP)' },
  file: { zh: '文件', en: 'File' },
};

/** Sharing method classes (共享方式分类): every method the gateway offers goes through the shared platform. */
export const SHARING_METHOD_CLASSES = ['platform'] as const;
export type SharingMethodClass = (typeof SHARING_METHOD_CLASSES)[number];
export const SHARING_METHOD_CLASS_LABELS: Labelled<SharingMethodClass> = {
  platform: { zh: '共享平台方式', en: 'Through the shared platform' },
};
export const SHARING_METHOD_CLASS_OF: Readonly<Record<SharingMethod, SharingMethodClass>> = { 'database-table': 'platform', interface: 'platform', file: 'platform' };

export const UPDATE_CYCLES = ['real-time', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular'] as const;
export type UpdateCycle = (typeof UPDATE_CYCLES)[number];
export const UPDATE_CYCLE_LABELS: Labelled<UpdateCycle> = {
  'real-time': { zh: '实时', en: 'Real-time' },
  daily: { zh: '每日', en: 'Daily' },
  weekly: { zh: '每周', en: 'Weekly' },
  monthly: { zh: '每月', en: 'Monthly' },
  quarterly: { zh: '每季度', en: 'Quarterly' },
  yearly: { zh: '每年', en: 'Yearly' },
  irregular: { zh: '不定期', en: 'Irregular' },
};

/** Data types of information items, after the compilation guide's item types (字符型 C, 整型 I, ...). */
export const DATA_TYPES = ['string', 'integer', 'number', 'date', 'datetime', 'boolean', 'text', 'binary'] as const;
export type DataType = (typeof DATA_TYPES)[number];
export const DATA_TYPE_LABELS: Labelled<DataType> = {
  string: { zh: '字符型', en: 'String' },
  integer: { zh: '整型', en: 'Integer' },
  number: { zh: '数值型', en: 'Number' },
  date: { zh: '日期型', en: 'Date' },
  datetime: { zh: '日期时间型', en: 'Date and time' },
  boolean: { zh: '逻辑型', en: 'Boolean' },
  text: { zh: '备注型', en: 'Long text' },
  binary: { zh: '二进制', en: 'Binary' },
};

/**
 * Sensitivity of an information item, 1 (least) to 4 (most):
 * 1 public: may be open to society (codes, authority names, registered facts already published);
 * 2 internal: for government use, not about a person (type codes, validity dates of documents);
 * 3 sensitive: personal information (names, addresses, birth dates); shared only under an approval;
 * 4 highly sensitive: sensitive personal information (PIPL art. 28, GB/T 35273), e.g. citizen ID numbers.
 */
export const SENSITIVITY_LEVELS = [1, 2, 3, 4] as const;
export type SensitivityLevel = (typeof SENSITIVITY_LEVELS)[number];
export const SENSITIVITY_LABELS: Readonly<Record<SensitivityLevel, Label>> = {
  1: { zh: '公开', en: 'Public' },
  2: { zh: '内部', en: 'Internal' },
  3: { zh: '敏感', en: 'Sensitive' },
  4: { zh: '高度敏感', en: 'Highly sensitive' },
};

/**
 * How an item reaches a consumer whose approval includes it (applied by subscriptions, not by the catalogue):
 * none as is; partial keeps the ends and stars the middle (110105********1234, 张*); pseudonym replaces it with a
 * keyed hash stable per consumer, so records still join; drop never delivers it.
 */
export const MASKING_RULES = ['none', 'partial', 'pseudonym', 'drop'] as const;
export type MaskingRule = (typeof MASKING_RULES)[number];
export const MASKING_RULE_LABELS: Labelled<MaskingRule> = {
  none: { zh: '不脱敏', en: 'None' },
  partial: { zh: '部分遮蔽', en: 'Partial mask' },
  pseudonym: { zh: '假名化', en: 'Pseudonym' },
  drop: { zh: '不提供', en: 'Dropped' },
};

export const FRESHNESS_STATES = ['on-time', 'late', 'stale'] as const;
export type FreshnessState = (typeof FRESHNESS_STATES)[number];
export const FRESHNESS_LABELS: Labelled<FreshnessState> = {
  'on-time': { zh: '按时更新', en: 'On time' },
  late: { zh: '更新延迟', en: 'Late' },
  stale: { zh: '数据陈旧', en: 'Stale' },
};

export const VOCABULARY = {
  kinds: CATALOGUE_KIND_LABELS,
  formats: RESOURCE_FORMAT_LABELS,
  formatTypes: FORMAT_TYPES,
  sharingTypes: SHARING_TYPE_LABELS,
  sharingMethods: SHARING_METHOD_LABELS,
  sharingMethodClasses: SHARING_METHOD_CLASS_LABELS,
  sharingMethodClassOf: SHARING_METHOD_CLASS_OF,
  updateCycles: UPDATE_CYCLE_LABELS,
  dataTypes: DATA_TYPE_LABELS,
  sensitivityLevels: SENSITIVITY_LABELS,
  maskingRules: MASKING_RULE_LABELS,
  freshness: FRESHNESS_LABELS,
} as const;
