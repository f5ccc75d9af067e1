// Chinese by default; the choice is kept in localStorage. Catalogue enumerations take their labels from the
// gateway's vocabulary (GET /api/v1/catalog/vocabulary), which carries both languages.
import en from './en.js';
import zh from './zh.js';

const DICTIONARIES = { zh, en };
const LANGUAGE_STORAGE = 'dx-ui-lang';
const HTML_LANG = { zh: 'zh-CN', en: 'en' };

let current = DICTIONARIES[localStorage.getItem(LANGUAGE_STORAGE)] ? localStorage.getItem(LANGUAGE_STORAGE) : 'zh';
let vocabulary = null;

export const LANGUAGES = Object.keys(DICTIONARIES);

export function language() {
  return current;
}

export function setLanguage(next) {
  if (!DICTIONARIES[next]) return;
  current = next;
  localStorage.setItem(LANGUAGE_STORAGE, next);
  document.documentElement.lang = HTML_LANG[next];
}
document.documentElement.lang = HTML_LANG[current];

/** A UI string; {name} placeholders are filled from params. A key missing in English falls back to Chinese. */
export function t(key, params) {
  const text = DICTIONARIES[current][key] ?? zh[key] ?? key;
  return params ? text.replace(/\{(\w+)\}/g, (match, name) => (params[name] === undefined ? match : String(params[name]))) : text;
}

export function setVocabulary(value) {
  vocabulary = value;
}

/** The label of a catalogue value (group: kinds, formats, sharingTypes, ...), or the value itself when unknown. */
export function label(group, value) {
  return vocabulary?.[group]?.[value]?.[current] ?? String(value);
}

export function formatNumber(value) {
  return new Intl.NumberFormat(HTML_LANG[current]).format(value);
}

export function formatDateTime(value) {
  if (!value) return t('common.never');
  return new Intl.DateTimeFormat(HTML_LANG[current], { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(value));
}

export function formatTime(value, withDate) {
  const options = withDate ? { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' } : { hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(HTML_LANG[current], options).format(new Date(value));
}
