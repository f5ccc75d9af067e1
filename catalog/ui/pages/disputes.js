import { api } from '../api.js';
import { h, replaceChildren, table } from '../dom.js';
import { formatDateTime, formatNumber, t } from '../i18n/index.js';
import { deadline } from '../widgets/deadline.js';

const PAGE_SIZE = 50;

function breadcrumb(...trail) {
  const parts = [h('a', { href: '#/disputes' }, t('nav.disputes'))];
  for (const part of trail) parts.push(h('span', { 'aria-hidden': 'true' }, ' › '), h('span', { 'aria-current': 'page' }, part));
  return h('nav', { 'aria-label': t('nav.breadcrumb'), class: 'breadcrumb' }, parts);
}

const statusChip = (dispute) => h('span', { class: `chip dispute-${dispute.status}` }, t(`disputes.status.${dispute.status}`));

/** The caller's disputes: an integrator those it raised, a department those on its resources, the office all. */
export async function disputesPage(context) {
  const overdue = context.query.get('overdue') === 'true';
  const page = await api('/api/v1/disputes', { query: { limit: PAGE_SIZE, overdue: overdue ? 'true' : undefined } });
  const title = t('disputes.title');
  return {
    title,
    content: h(
      'div',
      { class: 'disputes-page' },
      h('h1', { tabindex: -1 }, title),
      h('p', null, t(`disputes.intro.${context.principal.kind}`)),
      h('p', null, overdue ? h('a', { href: '#/disputes' }, t('disputes.showAll')) : h('a', { href: '#/disputes?overdue=true' }, t('disputes.showOverdue'))),
      page.items.length === 0
        ? h('p', { class: 'empty card' }, t('disputes.none'))
        : h(
            'section',
            { class: 'card' },
            table({
              caption: t('disputes.caption', { count: formatNumber(page.total) }),
              className: 'disputes-table',
              head: [t('disputes.resource'), t('disputes.fields'), t('disputes.raisedBy'), t('disputes.raisedAt'), t('disputes.answerDue'), t('disputes.state')],
              rows: page.items.map((dispute) =>
                h(
                  'tr',
                  { dataset: { disputeId: dispute.id, overdue: String(dispute.overdue) } },
                  h('th', { scope: 'row' }, h('a', { href: `#/disputes/${dispute.id}` }, dispute.resource.name), h('br'), h('span', { class: 'code muted' }, dispute.resource.code)),
                  h('td', { class: 'code' }, dispute.fields.join(t('common.listSeparator'))),
                  h('td', null, dispute.raisedBy.name),
                  h('td', null, formatDateTime(dispute.createdAt)),
                  h('td', null, deadline(dispute.answerDue, dispute.answerDueProvisional, dispute.answerDueReason, dispute.overdue)),
                  h('td', null, statusChip(dispute)),
                ),
              ),
            }),
          ),
    ),
  };
}

function answerForm(dispute, context) {
  const note = h('textarea', { id: 'dispute-answer-text', rows: 3, maxlength: 2000 });
  const error = h('p', { class: 'form-error', role: 'alert' });
  async function send(verb) {
    const text = note.value.trim();
    if (verb === 'reject' && text === '') {
      error.textContent = t('disputes.reasonRequired');
      note.focus();
      return;
    }
    try {
      await api(`/api/v1/disputes/${dispute.id}/${verb}`, { method: 'POST', body: verb === 'reject' ? { reason: text } : text ? { note: text } : {} });
      context.navigate(`/disputes/${dispute.id}`);
    } catch (failure) {
      error.textContent = t('error.failed', { message: failure.message });
    }
  }
  return h(
    'form',
    { class: 'answer-form', onsubmit: (event) => event.preventDefault() },
    h('label', { for: 'dispute-answer-text' }, t('disputes.answerText')),
    h('p', { class: 'hint' }, t('disputes.answerHint')),
    note,
    error,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: () => void send('confirm') }, t('disputes.confirm')), ' ', h('button', { type: 'button', class: 'secondary', onclick: () => void send('reject') }, t('disputes.reject'))),
  );
}

/** One dispute: what is disputed, the deadline, the answer and the correction; the provider answers here. */
export async function disputePage(context) {
  const [id] = context.params;
  const dispute = await api(`/api/v1/disputes/${id}`);
  const { principal } = context;
  const mayAnswer = dispute.status === 'open' && (principal.kind === 'office' || (principal.kind === 'department' && principal.departmentCode === dispute.resource.providerCode));
  const title = t('disputes.detailTitle', { name: dispute.resource.name });
  const row = (term, value) => h('div', null, h('dt', null, term), h('dd', null, value ?? t('common.none')));
  const attachment = h('span', null, dispute.attachment ? `${dispute.attachment.name}（${formatNumber(dispute.attachment.bytes)} B）` : null);
  return {
    title,
    content: h(
      'article',
      { class: 'dispute-page', dataset: { disputeId: dispute.id, status: dispute.status } },
      breadcrumb(title),
      h('h1', { tabindex: -1 }, title),
      h('p', { class: 'dispute-state' }, statusChip(dispute)),
      h(
        'section',
        { class: 'card' },
        h(
          'dl',
          { class: 'details' },
          row(t('disputes.resource'), h('a', { href: `#/resources/${dispute.resource.id}` }, `${dispute.resource.name}（${dispute.resource.code}）`)),
          row(t('disputes.businessKey'), h('span', { class: 'code' }, dispute.businessKey)),
          row(t('disputes.fields'), h('span', { class: 'code' }, dispute.fields.join(t('common.listSeparator')))),
          row(t('disputes.problem'), dispute.problem),
          row(t('disputes.evidence'), dispute.evidence),
          row(t('disputes.attachment'), dispute.attachment ? attachment : null),
          row(t('disputes.raisedBy'), `${dispute.raisedBy.name} · ${formatDateTime(dispute.createdAt)}`),
          row(t('disputes.answerDue'), deadline(dispute.answerDue, dispute.answerDueProvisional, dispute.answerDueReason, dispute.overdue)),
          row(t('disputes.answer'), dispute.answer ? h('span', { class: 'dispute-answer' }, dispute.answer.reason ?? t('common.none'), ' · ', formatDateTime(dispute.answer.at), dispute.answer.late ? [' ', h('span', { class: 'chip problem' }, t('disputes.late'))] : null) : null),
          dispute.status === 'confirmed'
            ? row(t('disputes.correction'), dispute.correction ? h('span', { class: 'code dispute-correction' }, t('disputes.correctedAt', { partition: dispute.correction.partition, offset: dispute.correction.offset, at: formatDateTime(dispute.correction.at) })) : t('disputes.awaitingCorrection'))
            : null,
        ),
      ),
      mayAnswer ? h('section', { class: 'card', 'aria-labelledby': 'answer-heading' }, h('h2', { id: 'answer-heading' }, t('disputes.answerHeading')), answerForm(dispute, context)) : null,
    ),
  };
}

/** Raises a dispute from a resource page (integrators with an active subscription, the office). */
export function raiseForm(resource, fields, context) {
  const key = h('input', { id: 'dispute-key', type: 'text', maxlength: 100, autocomplete: 'off' });
  const problem = h('textarea', { id: 'dispute-problem', rows: 2, maxlength: 2000 });
  const evidence = h('textarea', { id: 'dispute-evidence', rows: 3, maxlength: 10000 });
  const boxes = fields.map((field) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: field, name: 'dispute-field' }), ' ', h('span', { class: 'code' }, field)));
  const error = h('p', { class: 'form-error', role: 'alert' });
  async function submit(event) {
    event.preventDefault();
    const chosen = boxes.map((box) => box.querySelector('input')).filter((input) => input.checked).map((input) => input.value);
    if (!key.value.trim() || chosen.length === 0 || !problem.value.trim() || !evidence.value.trim()) {
      error.textContent = t('disputes.formIncomplete');
      return;
    }
    try {
      const created = await api('/api/v1/disputes', { method: 'POST', body: { resourceId: resource.id, businessKey: key.value.trim(), fields: chosen, problem: problem.value.trim(), evidence: evidence.value.trim() } });
      context.navigate(`/disputes/${created.id}`);
    } catch (failure) {
      replaceChildren(error, t('error.failed', { message: failure.message }));
    }
  }
  return h(
    'form',
    { class: 'raise-form', onsubmit: (event) => void submit(event) },
    h('div', { class: 'field' }, h('label', { for: 'dispute-key' }, t('disputes.businessKey')), key),
    h('fieldset', null, h('legend', null, t('disputes.fields')), boxes),
    h('div', { class: 'field' }, h('label', { for: 'dispute-problem' }, t('disputes.problem')), problem),
    h('div', { class: 'field' }, h('label', { for: 'dispute-evidence' }, t('disputes.evidence')), evidence),
    error,
    h('button', { type: 'submit', class: 'primary' }, t('disputes.raise')),
  );
}
