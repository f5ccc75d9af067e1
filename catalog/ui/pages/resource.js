import { api } from '../api.js';
import { h, replaceChildren, table } from '../dom.js';
import { formatDateTime, formatNumber, formatTime, label, language, t } from '../i18n/index.js';
import { freshnessBadge } from '../widgets/freshness-badge.js';
import { lineageDiagram, lineageList } from '../widgets/lineage-diagram.js';
import { disputesSection } from '../widgets/resource-disputes.js';
import { harvestedResourcePage } from './harvested-resource.js';
import { throughputChart } from '../widgets/throughput-chart.js';

const HOUR = 3_600_000;
/** Chart ranges: bucket size and span. */
const RANGES = {
  '60m': { bucket: 'minute', span: HOUR },
  '24h': { bucket: 'hour', span: 24 * HOUR },
  '7d': { bucket: 'hour', span: 7 * 24 * HOUR },
  '30d': { bucket: 'hour', span: 30 * 24 * HOUR },
};
const DEFAULT_RANGE = '24h';

const list = (values) => values.join(t('common.listSeparator'));

function section(id, heading, ...children) {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, heading), ...children);
}

function details(rows) {
  return h(
    'dl',
    { class: 'details' },
    rows.filter(([, value]) => value !== undefined).map(([term, value]) => h('div', null, h('dt', null, term), h('dd', null, value ?? t('common.none')))),
  );
}

function metadata(resource) {
  const { sharing, open } = resource;
  return details([
    [t('meta.code'), h('span', { class: 'code' }, resource.code)],
    [t('meta.kind'), label('kinds', resource.kind)],
    [t('meta.provider'), t('meta.providerValue', { name: resource.providerName, code: resource.providerCode })],
    [t('meta.providerCreditCode'), resource.providerCreditCode ? h('span', { class: 'code provider-credit-code' }, resource.providerCreditCode) : null],
    [t('meta.format'), resource.formatType ? t('meta.formatValue', { format: label('formats', resource.format), type: resource.formatType }) : label('formats', resource.format)],
    [t('meta.sharingType'), label('sharingTypes', sharing.type)],
    [t('meta.sharingCondition'), sharing.condition],
    [t('meta.sharingMethods'), sharing.methods.length > 0 ? list(sharing.methods.map((method) => label('sharingMethods', method))) : null],
    [t('meta.open'), open.open ? t('common.yes') : t('common.no')],
    [t('meta.openCondition'), open.condition],
    [t('meta.updateCycle'), label('updateCycles', resource.updateCycle)],
    [t('meta.publishDate'), resource.publishDate],
    [t('meta.related'), resource.related.length > 0 ? resource.related.map((code) => h('a', { href: `#/search?q=${encodeURIComponent(code)}`, class: 'code related' }, code)) : null],
    [t('meta.topic'), resource.topic ? h('span', { class: 'code' }, resource.topic) : null],
    [t('meta.schemaSubject'), resource.schemaSubject ? h('span', { class: 'code' }, resource.schemaSubject) : null],
    [t('meta.version'), t('meta.versionValue', { version: resource.version, at: formatDateTime(resource.updatedAt) })],
  ]);
}

function itemsTable(items) {
  return table({
    caption: t('items.caption', { count: items.length }),
    className: 'items-table',
    head: [t('items.index'), t('items.name'), t('items.field'), t('items.dataType'), t('items.sensitivity'), t('items.masking'), t('items.shareable'), t('items.description')],
    rows: items.map((item, index) =>
      h(
        'tr',
        { dataset: { field: item.canonicalField ?? '' } },
        h('td', { class: 'number' }, index + 1),
        h('th', { scope: 'row' }, item.name),
        h('td', { class: 'code' }, item.canonicalField ?? '—'),
        h('td', null, label('dataTypes', item.dataType)),
        h('td', null, h('span', { class: `chip sensitivity-${item.sensitivity}` }, `${item.sensitivity} ${label('sensitivityLevels', item.sensitivity)}`)),
        h('td', null, item.masking === 'none' ? label('maskingRules', item.masking) : h('strong', null, label('maskingRules', item.masking))),
        h('td', null, item.shareable ? t('common.yes') : t('common.no')),
        h('td', { class: 'description' }, item.description ?? ''),
      ),
    ),
  });
}

function statisticsTiles(statistics) {
  const tile = (name, value, note, textual = false) =>
    h('div', { class: textual ? 'tile tile-text' : 'tile', dataset: { stat: name } }, h('dt', null, t(`stats.${name}`)), h('dd', null, value, note ? h('span', { class: 'tile-note' }, note) : null));
  return h(
    'dl',
    { class: 'tiles' },
    tile('published', formatNumber(statistics.published), t('stats.last24h', { count: formatNumber(statistics.last24h.published) })),
    tile('rejected', formatNumber(statistics.rejected), t('stats.last24h', { count: formatNumber(statistics.last24h.rejected) })),
    tile('connectors', formatNumber(statistics.connectors)),
    tile('lastRecord', formatDateTime(statistics.lastRecordAt), null, true),
    tile('schema', statistics.schema ? t('stats.schemaVersion', { version: statistics.schema.version }) : t('common.none'), statistics.schema?.subject, true),
  );
}

function freshnessPanel(freshness) {
  const cycle = label('updateCycles', freshness.cycle);
  const basis = t(`freshness.basis.${freshness.basis}`, { at: formatDateTime(freshness.since) });
  const specific = freshness.lateAt
    ? t('freshness.specific', { cycle, basis, lateAt: formatDateTime(freshness.lateAt), staleAt: formatDateTime(freshness.staleAt) })
    : t('freshness.irregular', { cycle, basis });
  // The gateway states its rule in English; Chinese readers get the dictionary's translation of it.
  const rule = language() === 'en' ? freshness.rule : t('freshness.rule');
  return h(
    'div',
    { class: 'freshness-panel' },
    h('p', { class: 'freshness-state' }, freshnessBadge(freshness.state), ' ', h('span', { class: 'freshness-specific' }, specific)),
    h('details', null, h('summary', null, t('freshness.ruleHeading')), h('p', { class: 'freshness-rule' }, rule)),
  );
}

async function throughputSection(resource) {
  const area = h('div', { class: 'chart-area', 'aria-live': 'polite' });
  const select = h(
    'select',
    { id: 'throughput-range', onchange: () => void draw(select.value) },
    Object.keys(RANGES).map((range) => h('option', { value: range, selected: range === DEFAULT_RANGE }, t(`chart.range.${range}`))),
  );
  async function draw(range) {
    const { bucket, span } = RANGES[range];
    area.setAttribute('aria-busy', 'true');
    try {
      const series = await api(`/api/v1/catalog/resources/${resource.id}/throughput`, { query: { bucket, from: new Date(Date.now() - span).toISOString() } });
      const busy = series.points.filter((point) => point.published + point.rejected > 0);
      replaceChildren(
        area,
        throughputChart(series),
        h(
          'details',
          null,
          h('summary', null, t('chart.asTable')),
          busy.length === 0
            ? h('p', null, t('chart.empty'))
            : table({ head: [t('chart.at'), t('chart.published'), t('chart.rejected')], rows: busy.map((point) => h('tr', null, h('td', null, formatTime(point.at, true)), h('td', { class: 'number' }, formatNumber(point.published)), h('td', { class: 'number' }, formatNumber(point.rejected)))) }),
        ),
      );
    } catch (error) {
      replaceChildren(area, h('p', { role: 'alert' }, t('error.failed', { message: error.message })));
    }
    area.removeAttribute('aria-busy');
  }
  await draw(DEFAULT_RANGE);
  return section('throughput-heading', t('resource.throughput'), h('div', { class: 'inline-field' }, h('label', { for: 'throughput-range' }, t('chart.range')), select), area);
}

/** The register of the resource (size, lag, lookups per day); nothing when it has none. */
function registerSection(register) {
  if (!register.enabled) return null;
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const tile = (name, value) => h('div', { class: 'tile', dataset: { register: name } }, h('dt', null, t(`register.${name}`)), h('dd', null, value));
  return section(
    'register-heading',
    t('resource.register'),
    h(
      'dl',
      { class: 'tiles' },
      tile('size', formatNumber(register.size)),
      tile('lag', t('register.lagValue', { records: formatNumber(register.lag.records), seconds: formatNumber(Math.round(register.lag.seconds)) })),
      tile('lookupsToday', formatNumber(register.lookupsPerDay.find((day) => day.date === today)?.lookups ?? 0)),
    ),
    register.rebuilding ? h('p', { class: 'notice' }, t('register.rebuilding')) : null,
    register.lookupsPerDay.length > 0
      ? h('details', null, h('summary', null, t('register.perDay')), table({ head: [t('register.date'), t('register.lookups')], rows: register.lookupsPerDay.map((day) => h('tr', null, h('td', null, day.date), h('td', { class: 'number' }, formatNumber(day.lookups)))) }))
      : null,
  );
}

/** A resource: metadata, live statistics and freshness, information items, disputes, throughput and lineage. */
export async function resourcePage(context) {
  const [id] = context.params;
  const resource = await api(`/api/v1/catalog/resources/${id}`);
  if (resource.readOnly) return harvestedResourcePage(resource, context.principal);
  const [statistics, lineage, register] = await Promise.all([
    api(`/api/v1/catalog/resources/${id}/statistics`),
    api(`/api/v1/catalog/resources/${id}/lineage`),
    api(`/api/v1/catalog/resources/${id}/register`),
  ]);
  const { principal } = context;
  const ownsConnector = (node) => principal.kind === 'office' || (principal.kind === 'department' && principal.departmentCode === node.departmentCode);
  const linkFor = (node) => (node.kind === 'connector' && ownsConnector(node) ? `#/connectors/${node.connectorId}/rejected` : null);

  return {
    title: resource.name,
    content: h(
      'article',
      { class: 'resource-page', dataset: { resourceId: resource.id } },
      h('nav', { 'aria-label': t('nav.breadcrumb'), class: 'breadcrumb' }, h('a', { href: '#/search' }, t('nav.search')), h('span', { 'aria-hidden': 'true' }, ' › '), h('span', { 'aria-current': 'page' }, resource.name)),
      h(
        'header',
        { class: 'resource-header' },
        h('h1', { tabindex: -1 }, resource.name),
        h('p', { class: 'resource-subtitle' }, h('span', { class: 'code' }, resource.code), ' · ', resource.providerName, ' · ', label('kinds', resource.kind), ' ', freshnessBadge(statistics.freshness.state)),
        h('p', { class: 'resource-summary' }, resource.summary),
        resource.keywords.length > 0 ? h('p', { class: 'keywords' }, h('span', { class: 'visually-hidden' }, t('meta.keywords')), resource.keywords.map((keyword) => h('span', { class: 'chip' }, keyword))) : null,
      ),
      h('div', { class: 'two-columns' }, section('stats-heading', t('resource.statistics'), statisticsTiles(statistics)), section('freshness-heading', t('resource.freshness'), freshnessPanel(statistics.freshness))),
      registerSection(register),
      section('meta-heading', t('resource.metadata'), metadata(resource)),
      section('items-heading', t('resource.items'), itemsTable(resource.items)),
      await disputesSection(resource, statistics.disputes, context),
      await throughputSection(resource),
      section(
        'lineage-heading',
        t('resource.lineage'),
        h('p', { class: 'hint' }, t('lineage.hint')),
        h('div', { class: 'lineage-scroll' }, lineageDiagram(lineage, { linkFor })),
        h('details', null, h('summary', null, t('lineage.asList')), lineageList(lineage)),
      ),
    ),
  };
}
