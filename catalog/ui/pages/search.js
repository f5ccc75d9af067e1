import { api } from '../api.js';
import { h } from '../dom.js';
import { formatDateTime, formatNumber, label, t } from '../i18n/index.js';
import { freshnessBadge } from '../widgets/freshness-badge.js';
import { pager } from '../widgets/pager.js';
import { originBadge } from './harvested-resource.js';

const PAGE_SIZE = 20;
/** Facets in the order shown, with the vocabulary group labelling their values (the provider's label is its name). */
const FACETS = [
  ['origin', null],
  ['provider', null],
  ['kind', 'kinds'],
  ['sharingType', 'sharingTypes'],
  ['updateCycle', 'updateCycles'],
  ['format', 'formats'],
  ['freshness', 'freshness'],
];
const SORTS = ['relevance', 'name', 'publishDate', 'updated', 'freshness'];

function searchHref(query, changes) {
  const next = new URLSearchParams(query);
  next.delete('offset');
  for (const [name, value] of Object.entries(changes)) {
    next.delete(name);
    for (const one of Array.isArray(value) ? value : [value]) if (one !== undefined && one !== null && one !== '' && one !== 0) next.append(name, String(one));
  }
  const search = next.toString();
  return search ? `#/search?${search}` : '#/search';
}

function facetGroup(facet, group, buckets, selected, query) {
  // A chosen value stays listed (with 0) even when the other filters leave nothing of it.
  const shown = [...buckets];
  for (const value of selected) if (!shown.some((bucket) => bucket.value === value)) shown.push({ value, label: value, count: 0 });
  if (shown.length === 0) return null;
  return h(
    'fieldset',
    { class: 'facet', dataset: { facet } },
    h('legend', null, t(`facet.${facet}`)),
    h(
      'ul',
      null,
      shown.map((bucket) => {
        const id = `facet-${facet}-${bucket.value}`;
        const checked = selected.includes(bucket.value);
        const text = group ? label(group, bucket.value) : bucket.label;
        return h(
          'li',
          null,
          h('input', {
            type: 'checkbox',
            id,
            name: facet,
            value: bucket.value,
            checked,
            onchange: () => {
              window.location.hash = searchHref(query, { [facet]: checked ? selected.filter((value) => value !== bucket.value) : [...selected, bucket.value] });
            },
          }),
          h('label', { for: id }, text, ' ', h('span', { class: 'count' }, `(${formatNumber(bucket.count)})`)),
        );
      }),
    ),
  );
}

/** A resource harvested from a peer: its origin's badge instead of the local-only facets and freshness. */
function harvestedItem(item) {
  return h(
    'li',
    { class: 'result harvested', dataset: { resourceId: item.id, origin: item.origin.instanceId } },
    h('h3', null, h('a', { href: `#/resources/${item.id}` }, item.name), ' ', originBadge(item.origin)),
    h('p', { class: 'result-meta' }, h('span', { class: 'code' }, item.code), h('span', null, item.providerName)),
    h('p', { class: 'result-summary' }, item.summary),
    h(
      'p',
      { class: 'result-foot' },
      h('span', { class: 'muted' }, t('search.items', { count: formatNumber(item.itemCount) })),
      item.keywords.length > 0 ? h('span', { class: 'keywords' }, item.keywords.map((keyword) => h('span', { class: 'chip' }, keyword))) : null,
    ),
  );
}

function resultItem(item) {
  if (item.origin) return harvestedItem(item);
  return h(
    'li',
    { class: 'result', dataset: { resourceId: item.id } },
    h('h3', null, h('a', { href: `#/resources/${item.id}` }, item.name)),
    h(
      'p',
      { class: 'result-meta' },
      h('span', { class: 'code' }, item.code),
      h('span', null, item.providerName),
      h('span', null, label('kinds', item.kind)),
      h('span', null, label('updateCycles', item.updateCycle)),
      h('span', null, label('sharingTypes', item.sharingType)),
      h('span', null, label('formats', item.format)),
    ),
    h('p', { class: 'result-summary' }, item.summary),
    h(
      'p',
      { class: 'result-foot' },
      freshnessBadge(item.freshness.state),
      h('span', { class: 'muted' }, t('search.lastRecord', { at: formatDateTime(item.freshness.lastRecordAt) })),
      h('span', { class: 'muted' }, t('search.items', { count: formatNumber(item.itemCount) })),
      item.keywords.length > 0 ? h('span', { class: 'keywords' }, item.keywords.map((keyword) => h('span', { class: 'chip' }, keyword))) : null,
    ),
  );
}

/** Catalogue search: a query box, facets with counts over the filtered result, sorting and paging, all in the address. */
export async function searchPage(context) {
  const { query } = context;
  const q = query.get('q') ?? '';
  const selected = Object.fromEntries(FACETS.map(([facet]) => [facet, query.getAll(facet)]));
  const sort = SORTS.includes(query.get('sort')) ? query.get('sort') : '';
  const offset = Math.max(0, Number.parseInt(query.get('offset') ?? '0', 10) || 0);
  const result = await api('/api/v1/catalog/resources', { query: { q, ...selected, sort: sort || undefined, limit: PAGE_SIZE, offset } });

  const queryInput = h('input', { id: 'search-q', name: 'q', type: 'search', value: q, maxlength: 200, placeholder: t('search.placeholder') });
  const sortSelect = h(
    'select',
    { id: 'search-sort', name: 'sort', onchange: () => { window.location.hash = searchHref(query, { sort: sortSelect.value }); } },
    h('option', { value: '', selected: sort === '' }, t('sort.default')),
    SORTS.filter((key) => key !== 'relevance' || q).map((key) => h('option', { value: key, selected: sort === key }, t(`sort.${key}`))),
  );
  const anySelected = Object.values(selected).some((values) => values.length > 0);
  const first = result.total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + result.items.length, result.total);

  return {
    title: q ? t('search.titleWithQuery', { q }) : t('search.title'),
    content: h(
      'div',
      { class: 'search-page' },
      h('h1', { tabindex: -1 }, t('search.title')),
      h(
        'form',
        {
          role: 'search',
          class: 'search-form',
          onsubmit: (event) => {
            event.preventDefault();
            window.location.hash = searchHref(query, { q: queryInput.value.trim() });
          },
        },
        h('label', { for: 'search-q' }, t('search.query')),
        h('div', { class: 'search-row' }, queryInput, h('button', { type: 'submit', class: 'primary', id: 'search-submit' }, t('search.submit'))),
        h('p', { class: 'hint' }, t('search.hint')),
      ),
      h(
        'div',
        { class: 'search-layout' },
        h(
          'aside',
          { class: 'facets', 'aria-labelledby': 'facets-heading' },
          h('h2', { id: 'facets-heading' }, t('search.filters')),
          FACETS.map(([facet, group]) => facetGroup(facet, group, result.facets[facet] ?? [], selected[facet], query)),
          anySelected ? h('p', null, h('a', { href: searchHref(query, Object.fromEntries(FACETS.map(([facet]) => [facet, []]))) }, t('search.clearFilters'))) : null,
        ),
        h(
          'section',
          { class: 'results', 'aria-labelledby': 'results-heading' },
          h(
            'div',
            { class: 'results-head' },
            h('h2', { id: 'results-heading' }, t('search.results')),
            h('p', { class: 'results-count', role: 'status' }, result.total === 0 ? t('search.none') : t('search.range', { first: formatNumber(first), last: formatNumber(last), total: formatNumber(result.total) })),
            h('div', { class: 'inline-field' }, h('label', { for: 'search-sort' }, t('search.sort')), sortSelect),
          ),
          result.items.length > 0 ? h('ol', { class: 'result-list' }, result.items.map(resultItem)) : h('p', { class: 'empty' }, q ? t('search.noneFor', { q }) : t('search.none')),
          pager({ total: result.total, limit: PAGE_SIZE, offset, hrefFor: (next) => searchHref(query, { offset: next }) }),
        ),
      ),
    ),
  };
}
