import { api } from '../api.js';
import { h, table } from '../dom.js';
import { formatDateTime, formatNumber, t } from '../i18n/index.js';
import { issueList, sourceDetails } from '../widgets/issues.js';
import { warningsSection } from '../widgets/warnings.js';

const PAGE_SIZE = 50;
const STATUSES = ['open', 'replayed', 'all'];

/** A connector's rejected records with their reasons, open ones first; paged by the id of the last one shown. */
export async function rejectedPage(context) {
  const [id] = context.params;
  const { query } = context;
  const status = STATUSES.includes(query.get('status')) ? query.get('status') : 'open';
  const after = Math.max(0, Number.parseInt(query.get('after') ?? '0', 10) || 0);
  const [connector, page, warnings] = await Promise.all([
    api(`/api/v1/connectors/${id}`),
    api(`/api/v1/connectors/${id}/rejected`, { query: { limit: PAGE_SIZE, after, status } }),
    api(`/api/v1/connectors/${id}/warnings`, { query: { limit: PAGE_SIZE } }),
  ]);
  const base = `#/connectors/${id}/rejected`;
  const href = (params) => {
    const search = new URLSearchParams(params).toString();
    return search ? `${base}?${search}` : base;
  };
  const statusSelect = h(
    'select',
    { id: 'rejected-status', onchange: () => { window.location.hash = href(statusSelect.value === 'open' ? {} : { status: statusSelect.value }); } },
    STATUSES.map((value) => h('option', { value, selected: value === status }, t(`rejected.status.${value}`))),
  );
  const last = page.items[page.items.length - 1];
  const keep = status === 'open' ? {} : { status };
  const title = t('rejected.title', { name: connector.name });

  return {
    title,
    content: h(
      'div',
      { class: 'rejected-page' },
      h('nav', { 'aria-label': t('nav.breadcrumb'), class: 'breadcrumb' }, h('a', { href: '#/connectors' }, context.principal.kind === 'office' ? t('nav.allConnectors') : t('nav.myConnectors')), h('span', { 'aria-hidden': 'true' }, ' › '), h('span', { 'aria-current': 'page' }, title)),
      h('h1', { tabindex: -1 }, title),
      h('p', null, t('rejected.intro', { topic: connector.deadLetterTopic })),
      h('div', { class: 'inline-field' }, h('label', { for: 'rejected-status' }, t('rejected.statusLabel')), statusSelect),
      page.items.length === 0
        ? h('p', { class: 'empty card' }, after > 0 ? t('rejected.noMore') : t('rejected.none'))
        : h(
            'section',
            { class: 'card' },
            table({
              caption: t('rejected.caption', { count: formatNumber(page.items.length) }),
              className: 'rejected-table',
              head: [t('rejected.id'), t('rejected.at'), t('rejected.partition'), t('rejected.reasons'), t('rejected.state'), t('rejected.source')],
              rows: page.items.map((record) =>
                h(
                  'tr',
                  { dataset: { rejectedId: record.id } },
                  h('td', { class: 'number' }, record.id),
                  h('td', null, formatDateTime(record.createdAt)),
                  h('td', { class: 'code' }, record.partition, h('br'), h('span', { class: 'muted' }, JSON.stringify(record.offset))),
                  h('td', { class: 'reasons' }, issueList(record.errors)),
                  h('td', null, t(`rejected.status.${record.status}`)),
                  h('td', null, sourceDetails(record.source)),
                ),
              ),
            }),
          ),
      h(
        'nav',
        { class: 'pager', 'aria-label': t('pager.label') },
        after > 0 ? h('a', { href: href(keep) }, t('rejected.first')) : null,
        page.items.length === PAGE_SIZE && last ? h('a', { href: href({ ...keep, after: last.id }), rel: 'next' }, t('pager.next')) : null,
      ),
      warningsSection(warnings),
    ),
  };
}
