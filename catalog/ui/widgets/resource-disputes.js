import { api } from '../api.js';
import { h, table } from '../dom.js';
import { formatNumber, t } from '../i18n/index.js';
import { raiseForm } from '../pages/disputes.js';
import { deadline } from './deadline.js';

function counts(summary) {
  const tile = (name, value) => h('div', { class: 'tile', dataset: { stat: `disputes-${name}` } }, h('dt', null, t(`disputes.count.${name}`)), h('dd', null, value));
  return h(
    'dl',
    { class: 'tiles dispute-counts' },
    tile('open', formatNumber(summary.open)),
    tile('overdue', formatNumber(summary.overdue)),
    tile('confirmed', formatNumber(summary.confirmed)),
    tile('rejected', formatNumber(summary.rejected)),
    tile('answeredLate', formatNumber(summary.answeredLate)),
    tile('averageAnswerDays', summary.averageAnswerDays === null ? t('common.none') : t('disputes.days', { days: summary.averageAnswerDays })),
  );
}

function subscriptionsTable(subscriptions) {
  return table({
    caption: t('subscriptions.caption'),
    className: 'subscriptions-table',
    head: [t('subscriptions.integrator'), t('subscriptions.status'), t('subscriptions.replyDue'), t('subscriptions.fields')],
    rows: subscriptions.map((subscription) =>
      h(
        'tr',
        { dataset: { subscriptionId: subscription.id } },
        h('td', null, subscription.integrator.name),
        h('td', null, t(`subscriptions.state.${subscription.status}`)),
        h('td', null, subscription.replyDue ? deadline(subscription.replyDue, subscription.replyDueProvisional, subscription.replyDueReason, subscription.overdue) : t('common.none')),
        h('td', { class: 'code' }, (subscription.approvedFields ?? subscription.requestedFields).join(t('common.listSeparator'))),
      ),
    ),
  });
}

/**
 * The resource's disputes (数据异议): counts and answer times for everyone, the caller's subscriptions with their
 * reply dates, and the form to raise a dispute for an integrator with an active subscription (the office: any item).
 */
export async function disputesSection(resource, summary, context) {
  const { principal } = context;
  const mine = await api('/api/v1/subscriptions', { query: { resourceId: resource.id, limit: 20 } });
  const active = mine.items.find((subscription) => subscription.status === 'active' && subscription.integrator.id === principal.id);
  const fields = principal.kind === 'office' ? resource.items.flatMap((item) => (item.canonicalField ? [item.canonicalField] : [])) : (active?.approvedFields ?? []);
  const mayRaise = principal.kind === 'office' || active !== undefined;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'disputes-heading' },
    h('h2', { id: 'disputes-heading' }, t('resource.disputes')),
    counts(summary),
    h('p', null, h('a', { href: '#/disputes' }, t('disputes.goToList'))),
    mine.items.length > 0 ? subscriptionsTable(mine.items) : null,
    mayRaise ? h('details', { class: 'raise' }, h('summary', null, t('disputes.raiseHeading')), raiseForm(resource, fields, context)) : null,
  );
}
