import { isCalendarDate } from '../../../schemas/formats/calendar.ts';
import { compileDatePattern, matchDatePattern, type DatePattern } from './date-pattern.ts';

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

/** NFKC turns full-width letters, digits, punctuation and the ideographic space into their ASCII forms. */
export function toHalfWidth(text: string): string {
  return FULL_WIDTH.test(text) ? text.normalize('NFKC') : text;
}

// Full-width forms and the ideographic space: the only characters NFKC changes that sources commonly hold.
const FULL_WIDTH = /[\u3000\uFF01-\uFF5E]/;
const EDGE_SPACE = /^[\s\u3000]|[\s\u3000]$/;

export function trimAll(text: string): string {
  return EDGE_SPACE.test(text) ? text.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '') : text;
}

// What either toHalfWidth or trimAll would change: most source text has none, and is let through after one test.
const NEEDS_CLEANING = /[\u3000\uFF01-\uFF5E]|^[\s\u3000]|[\s\u3000]$/;

/** Whether toHalfWidth and trimAll would both leave the text as it is. */
export function isClean(text: string): boolean {
  return !NEEDS_CLEANING.test(text);
}

/** toHalfWidth, then trimAll. */
export function cleanText(text: string): string {
  return isClean(text) ? text : trimAll(toHalfWidth(text));
}

const twoDigits = (value: number) => (value < 10 ? `0${value}` : String(value));

/** Years before 100 are refused: no register holds them, and a source writing one has most likely lost its century. */
function isoDate(year: number, month: number, day: number): string | undefined {
  if (year < 100 || !isCalendarDate(year, month, day)) return undefined;
  return `${String(year).padStart(4, '0')}-${twoDigits(month)}-${twoDigits(day)}`;
}

/** Excel stores dates as days since 1899-12-30 (its 1900 leap-year bug is folded into that epoch). */
export function excelSerialToDate(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return undefined;
  const date = new Date(EXCEL_EPOCH_MS + Math.floor(serial) * DAY_MS);
  return isoDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

const AUTO_PATTERNS: [RegExp, (m: RegExpExecArray) => string | undefined][] = [
  [/^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/, (m) => isoDate(Number(m[1]), Number(m[2]), Number(m[3]))],
  [/^(\d{4})(\d{2})(\d{2})$/, (m) => isoDate(Number(m[1]), Number(m[2]), Number(m[3]))],
  [/^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?: [\d:.]+)?$/, (m) => isoDate(Number(m[1]), Number(m[2]), Number(m[3]))],
  [/^(\d{4})年(\d{1,2})月(\d{1,2})日$/, (m) => isoDate(Number(m[1]), Number(m[2]), Number(m[3]))],
];

const compiledPatterns = new Map<string, DatePattern>();

function byPattern(text: string, pattern: string): string | undefined {
  let compiled = compiledPatterns.get(pattern);
  if (!compiled) {
    compiled = compileDatePattern(pattern);
    compiledPatterns.set(pattern, compiled);
  }
  const match = matchDatePattern(compiled, text);
  return match && isoDate(match.year, match.month, match.day);
}

/** A date as ISO `YYYY-MM-DD`, or undefined when the input is not a real date in the given form. */
export function parseDate(input: unknown, form: string): string | undefined {
  if (typeof input === 'number') return form === 'auto' || form === 'excel' ? excelSerialToDate(input) : undefined;
  if (input instanceof Date) return Number.isNaN(input.getTime()) ? undefined : input.toISOString().slice(0, 10);
  const text = cleanText(String(input));
  if (form === 'excel') return /^\d+(\.\d+)?$/.test(text) ? excelSerialToDate(Number(text)) : undefined;
  if (form !== 'auto') return byPattern(text, form);
  for (const [pattern, convert] of AUTO_PATTERNS) {
    const match = pattern.exec(text);
    if (match) return convert(match);
  }
  return /^\d{5}(\.\d+)?$/.test(text) ? excelSerialToDate(Number(text)) : undefined;
}

/** A decimal number as a plain string (no thousands separators, no exponent), or undefined. */
export function parseDecimal(input: unknown): string | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? String(input) : undefined;
  const text = cleanText(String(input)).replace(/[,\s]/g, '');
  return /^-?\d+(\.\d+)?$/.test(text) ? text.replace(/^(-?)0+(?=\d)/, '$1') : undefined;
}
