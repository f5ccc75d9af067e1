export interface CodeTableEntry {
  readonly code: string;
  readonly name: string;
  readonly nameEn?: string;
}

export interface CodeTable {
  readonly id: string;
  readonly standard: string;
  readonly entries: readonly CodeTableEntry[];
}

function defineTable(id: string, standard: string, entries: readonly CodeTableEntry[]): CodeTable {
  return Object.freeze({ id, standard, entries: Object.freeze(entries.map((e) => Object.freeze({ ...e }))) });
}

export const SEX = defineTable('sex', 'GB/T 2261.1-2003', [
  { code: '0', name: '未知的性别', nameEn: 'unknown' },
  { code: '1', name: '男性', nameEn: 'male' },
  { code: '2', name: '女性', nameEn: 'female' },
  { code: '9', name: '未说明的性别', nameEn: 'not stated' },
]);

const ETHNIC_GROUP_NAMES = [
  '汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族', '彝族', '壮族', '布依族', '朝鲜族',
  '满族', '侗族', '瑶族', '白族', '土家族', '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族',
  '佤族', '畲族', '高山族', '拉祜族', '水族', '东乡族', '纳西族', '景颇族', '柯尔克孜族', '土族',
  '达斡尔族', '仫佬族', '羌族', '布朗族', '撒拉族', '毛南族', '仡佬族', '锡伯族', '阿昌族', '普米族',
  '塔吉克族', '怒族', '乌孜别克族', '俄罗斯族', '鄂温克族', '德昂族', '保安族', '裕固族', '京族', '塔塔尔族',
  '独龙族', '鄂伦春族', '赫哲族', '门巴族', '珞巴族', '基诺族',
];

export const ETHNICITY = defineTable('ethnicity', 'GB/T 3304-1991', [
  ...ETHNIC_GROUP_NAMES.map((name, i) => ({ code: String(i + 1).padStart(2, '0'), name })),
  { code: '97', name: '其他', nameEn: 'other' },
  { code: '98', name: '外国血统中国籍人士', nameEn: 'Chinese citizen of foreign origin' },
]);

export const ORGANISATION_STATUS = defineTable('organisation-status', 'GB/T 36104-2018', [
  { code: '1', name: '正常', nameEn: 'normal' },
  { code: '2', name: '异常', nameEn: 'abnormal' },
  { code: '3', name: '吊销', nameEn: 'revoked' },
  { code: '4', name: '注销', nameEn: 'cancelled' },
  { code: '9', name: '其他', nameEn: 'other' },
]);

/**
 * Codes 1 and 2 are those implementations of GB/T 36903 use; the standard's own values could not be checked, so
 * 3-6 are the gateway's, for the states real registers distinguish (see docs/domain.md). Codes are never renumbered.
 */
export const LICENCE_STATUS = defineTable('licence-status', 'GB/T 36903-2018 (as implemented; 3-6 the gateway\'s own)', [
  { code: '1', name: '有效', nameEn: 'current' },
  { code: '2', name: '注销', nameEn: 'cancelled' },
  { code: '3', name: '吊销', nameEn: 'revoked' },
  { code: '4', name: '撤销', nameEn: 'withdrawn' },
  { code: '5', name: '变更', nameEn: 'changed' },
  { code: '6', name: '过期', nameEn: 'expired' },
]);

export const HOLDER_CODE_TYPE = defineTable('holder-code-type', 'GB/T 36903-2018 (as implemented)', [
  { code: '111', name: '公民身份号码', nameEn: 'citizen ID number' },
  { code: '001', name: '统一社会信用代码', nameEn: 'unified social credit code' },
]);

export const CURRENCY = defineTable('currency', 'GB/T 12406-2008 (ISO 4217)', [
  { code: 'CNY', name: '人民币', nameEn: 'yuan renminbi' },
  { code: 'USD', name: '美元', nameEn: 'US dollar' },
  { code: 'EUR', name: '欧元', nameEn: 'euro' },
  { code: 'HKD', name: '港元', nameEn: 'Hong Kong dollar' },
  { code: 'JPY', name: '日元', nameEn: 'yen' },
  { code: 'GBP', name: '英镑', nameEn: 'pound sterling' },
  { code: 'MOP', name: '澳门元', nameEn: 'pataca' },
  { code: 'TWD', name: '新台币', nameEn: 'new Taiwan dollar' },
]);

export const CODE_TABLES: readonly CodeTable[] = Object.freeze([
  SEX,
  ETHNICITY,
  ORGANISATION_STATUS,
  LICENCE_STATUS,
  HOLDER_CODE_TYPE,
  CURRENCY,
]);

export function codesOf(table: CodeTable): string[] {
  return table.entries.map((e) => e.code);
}

export function codeName(table: CodeTable, code: string): string | undefined {
  return table.entries.find((e) => e.code === code)?.name;
}
