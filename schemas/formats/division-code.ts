export const PROVINCE_CODES: Readonly<Record<string, string>> = Object.freeze({
  '11': '北京市',
  '12': '天津市',
  '13': '河北省',
  '14': '山西省',
  '15': '内蒙古自治区',
  '21': '辽宁省',
  '22': '吉林省',
  '23': '黑龙江省',
  '31': '上海市',
  '32': '江苏省',
  '33': '浙江省',
  '34': '安徽省',
  '35': '福建省',
  '36': '江西省',
  '37': '山东省',
  '41': '河南省',
  '42': '湖北省',
  '43': '湖南省',
  '44': '广东省',
  '45': '广西壮族自治区',
  '46': '海南省',
  '50': '重庆市',
  '51': '四川省',
  '52': '贵州省',
  '53': '云南省',
  '54': '西藏自治区',
  '61': '陕西省',
  '62': '甘肃省',
  '63': '青海省',
  '64': '宁夏回族自治区',
  '65': '新疆维吾尔自治区',
  '71': '台湾省',
  '81': '香港特别行政区',
  '82': '澳门特别行政区',
});

export type DivisionLevel = 'province' | 'prefecture' | 'county';
export type DivisionCodeProblem = 'format' | 'province';

export type DivisionCodeCheck =
  | { readonly valid: true; readonly level: DivisionLevel }
  | { readonly valid: false; readonly problem: DivisionCodeProblem };

export const DIVISION_CODE_PROBLEM_MESSAGES: Readonly<Record<DivisionCodeProblem, string>> = {
  format: 'must be 6 digits (GB/T 2260)',
  province: 'does not start with a province code of GB/T 2260',
};

const CODE_PATTERN = /^\d{6}$/;

/** Structural check only: the prefecture and county parts are not looked up in the current code list. */
export function checkDivisionCode(code: string): DivisionCodeCheck {
  if (!CODE_PATTERN.test(code)) return { valid: false, problem: 'format' };
  if (PROVINCE_CODES[code.slice(0, 2)] === undefined) return { valid: false, problem: 'province' };
  if (code.endsWith('0000')) return { valid: true, level: 'province' };
  return { valid: true, level: code.endsWith('00') ? 'prefecture' : 'county' };
}

export function isValidDivisionCode(code: string): boolean {
  return checkDivisionCode(code).valid;
}

export function provinceName(code: string): string | undefined {
  return PROVINCE_CODES[code.slice(0, 2)];
}
