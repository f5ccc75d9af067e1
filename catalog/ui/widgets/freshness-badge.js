import { h } from '../dom.js';
import { label } from '../i18n/index.js';

/** The freshness state as a badge: colour and an icon-like mark, and always the word, so it never rests on colour alone. */
export function freshnessBadge(state) {
  const mark = { 'on-time': '●', late: '▲', stale: '■' }[state] ?? '●';
  return h('span', { class: `badge freshness freshness-${state}`, dataset: { freshness: state } }, h('span', { 'aria-hidden': 'true' }, mark), ' ', label('freshness', state));
}
