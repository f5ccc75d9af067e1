import { h } from '../dom.js';
import { formatNumber, t } from '../i18n/index.js';

/** Previous and next links over offset paging; links, not buttons, so a page can be bookmarked and opened anew. */
export function pager({ total, limit, offset, hrefFor }) {
  if (total <= limit && offset === 0) return null;
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.max(1, Math.ceil(total / limit));
  return h(
    'nav',
    { class: 'pager', 'aria-label': t('pager.label') },
    offset > 0 ? h('a', { href: hrefFor(Math.max(0, offset - limit)), rel: 'prev' }, t('pager.previous')) : h('span', { class: 'pager-disabled', 'aria-hidden': 'true' }, t('pager.previous')),
    h('span', { class: 'pager-status' }, t('pager.status', { page: formatNumber(page), pages: formatNumber(pages) })),
    offset + limit < total ? h('a', { href: hrefFor(offset + limit), rel: 'next' }, t('pager.next')) : h('span', { class: 'pager-disabled', 'aria-hidden': 'true' }, t('pager.next')),
  );
}
