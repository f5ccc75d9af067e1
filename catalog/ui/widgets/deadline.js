import { h } from '../dom.js';
import { t } from '../i18n/index.js';

/** A due date, marked provisional with the gateway's reason when a year without its holiday notice was counted. */
export function deadline(date, provisional, reason, overdue = false) {
  return h(
    'span',
    { class: 'deadline', dataset: { provisional: provisional ? 'true' : 'false' } },
    date,
    overdue ? [' ', h('span', { class: 'chip problem overdue' }, t('disputes.overdue'))] : null,
    provisional ? [' ', h('span', { class: 'chip provisional', title: reason ?? '' }, t('deadline.provisional')), h('span', { class: 'deadline-reason' }, reason ?? '')] : null,
  );
}
