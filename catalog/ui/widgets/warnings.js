import { h, table } from '../dom.js';
import { formatDateTime, formatNumber, t } from '../i18n/index.js';
import { issueList } from './issues.js';

/** A connector's data-quality warnings: records published all the same, with the soft rules they broke. */
export function warningsSection(warnings) {
  return h(
    'section',
    { class: 'card warnings', 'aria-labelledby': 'warnings-heading' },
    h('h2', { id: 'warnings-heading' }, t('warnings.heading')),
    h('p', null, t('warnings.intro')),
    h('p', { class: 'warnings-total', dataset: { warned: String(warnings.total) } }, t('warnings.total', { count: formatNumber(warnings.total) })),
    warnings.items.length === 0
      ? null
      : table({
          className: 'warnings-table',
          head: [t('rejected.at'), t('rejected.partition'), t('warnings.rules')],
          rows: warnings.items.map((item) =>
            h(
              'tr',
              { dataset: { warningId: item.id } },
              h('td', null, formatDateTime(item.createdAt)),
              h('td', { class: 'code' }, item.partition, h('br'), h('span', { class: 'muted' }, JSON.stringify(item.offset))),
              h('td', { class: 'reasons' }, issueList(item.warnings)),
            ),
          ),
        }),
  );
}
