import { api } from '../api.js';
import { h, replaceChildren, table } from '../dom.js';
import { t } from '../i18n/index.js';

const HOLDER_CODE_TYPES = ['111', '001'];

function field(id, text, input) {
  return h('div', { class: 'field' }, h('label', { for: id }, text), input);
}

function failure(area, error) {
  replaceChildren(area, h('p', { role: 'alert' }, t('error.failed', { message: error.message })));
}

function licencesTable(licences) {
  if (licences.length === 0) return h('p', { class: 'empty' }, t('verify.noLicences'));
  const columns = Object.keys(licences[0].record);
  return table({
    caption: t('verify.licencesCaption', { count: licences.length }),
    className: 'licences-table',
    head: columns.map((column) => h('span', { class: 'code' }, column)),
    rows: licences.map((licence) => h('tr', null, columns.map((column) => h('td', { dataset: { field: column } }, licence.record[column] ?? '—')))),
  });
}

/** 证照核验: the counter-side example of a query subscription (holder code → valid licences; name + ID number). */
export async function verifyPage(context) {
  const page = await api('/api/v1/subscriptions', { query: { status: 'active', limit: 500 } });
  const subscriptions = page.items.filter((subscription) => subscription.delivery.mode === 'query');
  const heading = h('h1', { tabindex: -1 }, t('verify.title'));
  if (subscriptions.length === 0) return { title: t('verify.title'), content: h('section', { class: 'card' }, heading, h('p', { class: 'empty' }, t('verify.noSubscription'))) };

  const choose = (list) => h('select', { id: 'verify-subscription' }, list.map((subscription) => h('option', { value: subscription.id }, `${subscription.resource.name}（${subscription.resource.code}）`)));
  const licenceSelect = choose(subscriptions.filter((subscription) => subscription.approvedFields.includes('licence_number')));
  const personSelect = choose(subscriptions.filter((subscription) => !subscription.approvedFields.includes('licence_number')));
  licenceSelect.id = 'licence-subscription';
  personSelect.id = 'person-subscription';
  const purpose = h('input', { id: 'verify-purpose', required: true, value: '' });
  const operator = h('input', { id: 'verify-operator', required: true, value: context.principal.name });
  const caseNumber = h('input', { id: 'verify-case' });
  const accounting = () => ({ purpose: purpose.value, operator: operator.value, ...(caseNumber.value ? { caseNumber: caseNumber.value } : {}) });

  const codeType = h('select', { id: 'holder-code-type' }, HOLDER_CODE_TYPES.map((type) => h('option', { value: type }, t(`verify.codeType.${type}`))));
  const holderCode = h('input', { id: 'holder-code', required: true, autocomplete: 'off' });
  const licencesArea = h('div', { class: 'licences-result', 'aria-live': 'polite' });
  async function findLicences(event) {
    event.preventDefault();
    try {
      const answer = await api(`/api/v1/subscriptions/${licenceSelect.value}/licences`, { method: 'POST', body: { holderCodeType: codeType.value, holderCode: holderCode.value, ...accounting() } });
      replaceChildren(licencesArea, licencesTable(answer.licences));
    } catch (error) {
      failure(licencesArea, error);
    }
  }

  const idNumber = h('input', { id: 'verify-id-number', required: true, autocomplete: 'off' });
  const name = h('input', { id: 'verify-name', required: true, autocomplete: 'off' });
  const verdictArea = h('div', { class: 'verify-result', 'aria-live': 'polite' });
  async function verify(event) {
    event.preventDefault();
    try {
      const answer = await api(`/api/v1/subscriptions/${personSelect.value}/verify`, { method: 'POST', body: { key: idNumber.value, claims: { name: name.value }, ...accounting() } });
      const verdict = answer.fields.name;
      replaceChildren(verdictArea, h('p', { class: `verdict verdict-${verdict}`, dataset: { verdict } }, t(`verify.verdict.${verdict}`)));
    } catch (error) {
      failure(verdictArea, error);
    }
  }

  return {
    title: t('verify.title'),
    content: h(
      'article',
      { class: 'verify-page' },
      h('header', null, heading, h('p', { class: 'hint' }, t('verify.hint'))),
      h('section', { class: 'card', 'aria-labelledby': 'accounting-heading' }, h('h2', { id: 'accounting-heading' }, t('verify.accounting')), field('verify-purpose', t('verify.purpose'), purpose), field('verify-operator', t('verify.operator'), operator), field('verify-case', t('verify.caseNumber'), caseNumber)),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'licences-heading' },
        h('h2', { id: 'licences-heading' }, t('verify.licences')),
        h('form', { onsubmit: findLicences }, field('licence-subscription', t('verify.subscription'), licenceSelect), field('holder-code-type', t('verify.holderCodeType'), codeType), field('holder-code', t('verify.holderCode'), holderCode), h('button', { type: 'submit' }, t('verify.findLicences'))),
        licencesArea,
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'identity-heading' },
        h('h2', { id: 'identity-heading' }, t('verify.identity')),
        h('form', { onsubmit: verify }, field('person-subscription', t('verify.subscription'), personSelect), field('verify-id-number', t('verify.idNumber'), idNumber), field('verify-name', t('verify.name'), name), h('button', { type: 'submit' }, t('verify.check'))),
        verdictArea,
      ),
    ),
  };
}
