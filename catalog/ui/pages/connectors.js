import { api } from '../api.js';
import { h, replaceChildren, table } from '../dom.js';
import { formatDateTime, formatNumber, t } from '../i18n/index.js';
import { issueList, sourceDetails } from '../widgets/issues.js';
import { pager } from '../widgets/pager.js';

const PAGE_SIZE = 50;
const TEST_RECORDS = 5;

function testResult(connector, result) {
  const valid = result.records.filter((record) => record.errors.length === 0).length;
  return [
    h('h2', { id: 'test-heading' }, t('test.heading', { name: connector.name })),
    h('p', { class: `test-check ${result.check.ok ? 'ok' : 'fail'}`, dataset: { ok: String(result.check.ok) } }, h('span', { 'aria-hidden': 'true' }, result.check.ok ? '✓ ' : '✗ '), t(result.check.ok ? 'test.ok' : 'test.notOk', { message: result.check.message })),
    result.records.length === 0
      ? h('p', null, t('test.noRecords'))
      : [
          h('p', null, t('test.summary', { count: result.records.length, valid, invalid: result.records.length - valid })),
          table({
            head: [t('test.index'), t('rejected.partition'), t('test.outcome'), t('rejected.source')],
            rows: result.records.map((record, index) =>
              h('tr', null, h('td', { class: 'number' }, index + 1), h('td', { class: 'code' }, record.partition), h('td', null, record.errors.length === 0 ? t('test.valid') : issueList(record.errors)), h('td', null, sourceDetails(record.source))),
            ),
          }),
        ],
  ];
}

function lastActivity(connector, status) {
  if (!status) return t('common.unknown');
  if (connector.kind === 'push') return t('connectors.lastPushed', { at: formatDateTime(status.totals.lastPublishedAt) });
  if (!status.lastRun) return t('connectors.neverRun');
  const run = status.lastRun;
  return h('span', null, t(`run.${run.status}`), h('br'), h('span', { class: 'muted' }, formatDateTime(run.finishedAt ?? run.startedAt)));
}

/** The caller's connectors (the data office: every department's) with state, counts, last activity, a test button and their rejects. */
export async function connectorsPage(context) {
  const { principal, query } = context;
  const office = principal.kind === 'office';
  const title = office ? t('nav.allConnectors') : t('nav.myConnectors');
  if (!context.mayOperateConnectors) {
    return { title, content: h('section', { class: 'card' }, h('h1', { tabindex: -1 }, title), h('p', null, t('connectors.integrator'))) };
  }
  const offset = Math.max(0, Number.parseInt(query.get('offset') ?? '0', 10) || 0);
  const page = await api('/api/v1/connectors', { query: { limit: PAGE_SIZE, offset } });
  const statuses = await Promise.all(page.items.map((connector) => api(`/api/v1/connectors/${connector.id}/status`).catch(() => null)));
  const resultPanel = h('section', { class: 'card test-result', 'aria-live': 'polite', 'aria-labelledby': 'test-heading', hidden: true });

  async function runTest(connector, button) {
    const idle = button.textContent;
    button.disabled = true;
    button.textContent = t('test.running');
    resultPanel.hidden = false;
    replaceChildren(resultPanel, h('h2', { id: 'test-heading' }, t('test.heading', { name: connector.name })), h('p', null, t('test.running')));
    try {
      const result = await api(`/api/v1/connectors/${connector.id}/test`, { method: 'POST', query: { limit: TEST_RECORDS } });
      replaceChildren(resultPanel, testResult(connector, result));
    } catch (error) {
      replaceChildren(resultPanel, h('h2', { id: 'test-heading' }, t('test.heading', { name: connector.name })), h('p', { class: 'form-error', role: 'alert' }, t('test.failed', { message: error.message })));
    }
    button.disabled = false;
    button.textContent = idle;
  }

  const rows = page.items.map((connector, index) => {
    const status = statuses[index];
    const totals = status?.totals;
    const testButton = connector.kind === 'pull' ? h('button', { type: 'button', class: 'secondary', 'aria-label': t('connectors.testNamed', { name: connector.name }), onclick: (event) => void runTest(connector, event.currentTarget) }, t('connectors.test')) : h('span', { class: 'muted' }, t('connectors.pushNoTest'));
    return h(
      'tr',
      { dataset: { connectorId: connector.id } },
      h('th', { scope: 'row' }, connector.name, h('br'), h('span', { class: 'muted' }, t('connectors.typeKind', { type: connector.type, kind: t(`connectors.kind.${connector.kind}`) }))),
      office ? h('td', { class: 'code' }, connector.departmentCode) : null,
      h('td', { class: 'code' }, connector.topic, (connector.problems ?? []).map((problem) => [h('br'), h('span', { class: 'chip problem', role: 'note', title: problem.message, dataset: { problem: problem.code } }, t('connectors.topicProblem'))])),
      h('td', null, h('span', { class: `chip state-${connector.state}` }, t(`connectors.state.${connector.state}`)), status?.running ? [' ', h('span', { class: 'chip state-running' }, t('connectors.running'))] : null),
      h('td', { class: 'number', dataset: { count: 'read' } }, totals ? formatNumber(totals.read) : '—'),
      h('td', { class: 'number', dataset: { count: 'published' } }, totals ? formatNumber(totals.published) : '—'),
      h('td', { class: 'number', dataset: { count: 'rejected' } }, totals ? formatNumber(totals.rejected) : '—'),
      h('td', null, lastActivity(connector, status)),
      h('td', { class: 'last-error' }, totals?.lastError ? [h('span', { title: totals.lastError }, totals.lastError), h('br'), h('span', { class: 'muted' }, formatDateTime(totals.lastErrorAt))] : t('common.none')),
      h('td', { class: 'actions' }, testButton, h('a', { href: `#/connectors/${connector.id}/rejected`, 'aria-label': t('connectors.rejectsNamed', { name: connector.name }) }, t('connectors.rejects'))),
    );
  });

  return {
    title,
    content: h(
      'div',
      { class: 'connectors-page' },
      h('h1', { tabindex: -1 }, title),
      h('p', null, office ? t('connectors.introOffice') : t('connectors.intro', { department: principal.departmentCode })),
      page.items.length === 0
        ? h('p', { class: 'empty card' }, t('connectors.none'))
        : h(
            'section',
            { class: 'card' },
            table({
              caption: t('connectors.caption', { total: formatNumber(page.total) }),
              className: 'connectors-table',
              head: [t('connectors.name'), office ? t('connectors.department') : null, t('connectors.topic'), t('connectors.stateHeading'), t('connectors.read'), t('connectors.published'), t('connectors.rejected'), t('connectors.lastActivity'), t('connectors.lastError'), t('connectors.actions')].filter(Boolean),
              rows,
            }),
            pager({ total: page.total, limit: PAGE_SIZE, offset, hrefFor: (next) => (next > 0 ? `#/connectors?offset=${next}` : '#/connectors') }),
          ),
      resultPanel,
    ),
  };
}
