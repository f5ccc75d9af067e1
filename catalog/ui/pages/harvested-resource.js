import { api } from '../api.js';
import { h, table } from '../dom.js';
import { formatDateTime, t } from '../i18n/index.js';

export const originBadge = (origin) => h('span', { class: 'chip origin-badge' }, t('origin.badge', { name: origin.name }));

/** An integrator's request of a harvested resource: forwarded by the federation request route to its owner. */
function requestForm(resource) {
  const status = h('p', { class: 'request-status', role: 'status' });
  const purpose = h('input', { id: 'request-purpose', name: 'purpose', required: true, maxlength: 1000 });
  const legalBasis = h('input', { id: 'request-legal-basis', name: 'legalBasis', required: true, maxlength: 1000 });
  const boxes = resource.fields.map((field) => h('input', { type: 'checkbox', name: 'fields', value: field.field, id: `request-field-${field.field}`, checked: true }));
  const form = h(
    'form',
    {
      class: 'request-form',
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          const fields = boxes.filter((box) => box.checked).map((box) => box.value);
          const created = await api(resource.request.href, { method: resource.request.method, body: { harvestedId: resource.request.harvestedId, purpose: purpose.value, legalBasis: legalBasis.value, fields } });
          status.textContent = t('origin.requested', { status: created.status });
        } catch (err) {
          status.textContent = err.message;
        }
      },
    },
    h('p', { class: 'hint' }, t('origin.requestHint')),
    h('label', { for: 'request-purpose' }, t('origin.purpose')),
    purpose,
    h('label', { for: 'request-legal-basis' }, t('origin.legalBasis')),
    legalBasis,
    h('ul', { class: 'request-fields' }, resource.fields.map((field, index) => h('li', null, boxes[index], h('label', { for: `request-field-${field.field}` }, field.name)))),
    h('button', { type: 'submit', class: 'primary', id: 'request-submit' }, t('origin.submit')),
    status,
  );
  return form;
}

/** A resource harvested from a peer: what the peer published, its origin and a link to the original; nothing to change here. */
export function harvestedResourcePage(resource, principal) {
  return {
    title: resource.name,
    content: h(
      'article',
      { class: 'resource-page harvested', dataset: { resourceId: resource.id } },
      h('nav', { 'aria-label': t('nav.breadcrumb'), class: 'breadcrumb' }, h('a', { href: '#/search' }, t('nav.search')), h('span', { 'aria-hidden': 'true' }, ' › '), h('span', { 'aria-current': 'page' }, resource.name)),
      h(
        'header',
        { class: 'resource-header' },
        h('h1', { tabindex: -1 }, resource.name),
        h('p', { class: 'resource-subtitle' }, h('span', { class: 'code' }, resource.code), ' · ', resource.publisher || resource.origin.name, ' ', originBadge(resource.origin)),
        h('p', { class: 'resource-summary' }, resource.summary),
        h('p', { class: 'notice read-only' }, t('origin.readOnly', { name: resource.origin.name })),
        // The IRI comes from the peer: linked only when it is a web address.
        /^https?:\/\//i.test(resource.originalUrl) ? h('p', null, h('a', { href: resource.originalUrl, class: 'original-link', rel: 'noopener noreferrer', target: '_blank' }, t('origin.original'))) : h('p', { class: 'code' }, resource.originalUrl),
        resource.keywords.length > 0 ? h('p', { class: 'keywords' }, resource.keywords.map((keyword) => h('span', { class: 'chip' }, keyword))) : null,
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'origin-fields-heading' },
        h('h2', { id: 'origin-fields-heading' }, t('origin.fields')),
        h('p', { class: 'muted' }, `${t('origin.modified')} ${formatDateTime(resource.modified)} · ${t('origin.harvested')} ${formatDateTime(resource.harvestedAt)}`),
        table({ head: [t('origin.field'), t('origin.fieldName'), t('origin.masking')], rows: resource.fields.map((field) => h('tr', null, h('td', { class: 'code' }, field.field), h('td', null, field.name), h('td', null, field.masking ?? t('common.none')))) }),
      ),
      principal.kind === 'integrator' ? h('section', { class: 'card', 'aria-labelledby': 'origin-request-heading' }, h('h2', { id: 'origin-request-heading' }, t('origin.request')), requestForm(resource)) : null,
    ),
  };
}
