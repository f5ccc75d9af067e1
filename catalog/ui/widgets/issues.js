import { h } from '../dom.js';
import { t } from '../i18n/index.js';

/** Why a record was refused: one line per issue, the field path, the message, the rule. */
export function issueList(errors) {
  return h('ul', { class: 'issues' }, errors.map((issue) => h('li', null, h('span', { class: 'code' }, issue.path || '(record)'), ' ', issue.message, ' ', h('span', { class: 'muted' }, `(${issue.rule})`))));
}

/** A source record, folded away: it may hold personal data, so it is shown only on request. */
export function sourceDetails(source) {
  return h('details', null, h('summary', null, t('rejected.showSource')), h('pre', { class: 'source' }, JSON.stringify(source, null, 2)));
}
