import { api, session } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n/index.js';

/** Sign-in with an API key: the key is checked with GET /api/v1/me and kept for this tab only. */
export async function signInPage(context) {
  const error = h('p', { id: 'sign-in-error', class: 'form-error', role: 'alert' });
  const input = h('input', { id: 'api-key', name: 'key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'api-key-help sign-in-error' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('signIn.submit'));

  async function signIn(event) {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      error.textContent = t('signIn.empty');
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    submit.disabled = true;
    error.textContent = '';
    try {
      const principal = await api('/api/v1/me', { key });
      session.signIn(key, principal);
      context.signedIn();
    } catch (failure) {
      error.textContent = failure.status === 401 ? t('signIn.invalid') : t('error.failed', { message: failure.message });
      input.setAttribute('aria-invalid', 'true');
      submit.disabled = false;
      input.focus();
      input.select();
    }
  }

  return {
    title: t('signIn.title'),
    content: h(
      'section',
      { class: 'card narrow' },
      h('h1', { tabindex: -1 }, t('signIn.title')),
      h('p', null, t('signIn.intro')),
      h(
        'form',
        { class: 'stack', onsubmit: signIn, novalidate: true },
        h('label', { for: 'api-key' }, t('signIn.key')),
        input,
        h('p', { id: 'api-key-help', class: 'hint' }, t('signIn.keyHelp')),
        error,
        h('div', null, submit),
      ),
    ),
  };
}
