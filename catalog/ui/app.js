// The shell: header, hash routes, and one render per route change. Pages are async functions of a context
// returning { title, content }; they never touch the header or the session directly.
import { api, session } from './api.js';
import { h, replaceChildren } from './dom.js';
import { LANGUAGES, language, setLanguage, setVocabulary, t } from './i18n/index.js';
import { connectorsPage } from './pages/connectors.js';
import { disputePage, disputesPage } from './pages/disputes.js';
import { rejectedPage } from './pages/rejected.js';
import { resourcePage } from './pages/resource.js';
import { searchPage } from './pages/search.js';
import { signInPage } from './pages/sign-in.js';
import { verifyPage } from './pages/verify.js';

const NEXT_STORAGE = 'dx-ui-next';
const UUID = '([0-9a-fA-F-]{36})';

const ROUTES = [
  { pattern: /^\/sign-in$/, page: signInPage, public: true },
  { pattern: /^\/(?:search)?$/, page: searchPage, nav: 'search' },
  { pattern: new RegExp(`^/resources/${UUID}$`), page: resourcePage, nav: 'search' },
  { pattern: /^\/connectors$/, page: connectorsPage, nav: 'connectors' },
  { pattern: /^\/verify$/, page: verifyPage, nav: 'verify' },
  { pattern: new RegExp(`^/connectors/${UUID}/rejected$`), page: rejectedPage, nav: 'connectors' },
  { pattern: /^\/disputes$/, page: disputesPage, nav: 'disputes' },
  { pattern: new RegExp(`^/disputes/${UUID}$`), page: disputePage, nav: 'disputes' },
];

const header = document.getElementById('site-header');
const skip = document.getElementById('skip');
const main = document.getElementById('main');
let renders = 0;
let vocabularyLoaded = false;
let notice = null;
let lastPath = null;

function currentLocation() {
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = raw.split('?');
  return { path, query: new URLSearchParams(search) };
}

function matchRoute(path) {
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (match) return { route, params: match.slice(1) };
  }
  return { route: null, params: [] };
}

function navigate(path, query) {
  const search = query && [...query.keys()].length > 0 ? `?${query.toString()}` : '';
  const target = `#${path}${search}`;
  if (window.location.hash === target) void render();
  else window.location.hash = target;
}

/** Offices and departments own connectors; integrators consume and have none. */
const mayOperateConnectors = (principal) => principal?.kind === 'office' || principal?.kind === 'department';

function signOut(message) {
  session.signOut();
  vocabularyLoaded = false;
  notice = message ?? null;
  navigate('/sign-in');
}

function renderHeader(principal, activeNav) {
  const otherLanguage = LANGUAGES.find((candidate) => candidate !== language());
  const navLink = (name, href, text) => h('li', null, h('a', { href, 'aria-current': activeNav === name ? 'page' : null }, text));
  replaceChildren(
    skip,
    h('a', { href: '#main', class: 'skip-link', onclick: (event) => { event.preventDefault(); main.focus(); } }, t('app.skip')),
  );
  replaceChildren(
    header,
    h(
      'div',
      { class: 'header-inner' },
      h('a', { href: '#/search', class: 'brand' }, h('img', { src: 'favicon.svg', alt: '', width: 28, height: 28 }), h('span', null, t('app.title'))),
      principal
        ? h('nav', { 'aria-label': t('nav.label'), class: 'site-nav' }, h('ul', null, navLink('search', '#/search', t('nav.search')), navLink('disputes', '#/disputes', t('nav.disputes')), mayOperateConnectors(principal) ? navLink('connectors', '#/connectors', principal.kind === 'office' ? t('nav.allConnectors') : t('nav.myConnectors')) : null, principal.kind === 'integrator' ? navLink('verify', '#/verify', t('nav.verify')) : null))
        : null,
      h(
        'div',
        { class: 'header-tools' },
        principal
          ? h('p', { class: 'whoami', dataset: { principalKind: principal.kind } }, h('span', { class: 'visually-hidden' }, t('who.label')), t('who.principal', { name: principal.name, kind: t(`who.kind.${principal.kind}`, { code: principal.departmentCode ?? '' }) }))
          : null,
        h('button', { type: 'button', id: 'language-switch', class: 'link-button', lang: otherLanguage === 'en' ? 'en' : 'zh-CN', 'aria-label': t('lang.switchTo'), onclick: () => { setLanguage(otherLanguage); void render(); } }, t(`lang.${otherLanguage}`)),
        principal ? h('button', { type: 'button', class: 'secondary', onclick: () => signOut(t('signIn.signedOut')) }, t('nav.signOut')) : null,
      ),
    ),
  );
}

function errorView(error) {
  const message = error?.status === 404 ? t('error.notFound') : error?.status === 403 ? t('error.forbidden') : t('error.failed', { message: error?.message ?? String(error) });
  return h('section', { class: 'card' }, h('h1', { tabindex: -1 }, t('error.title')), h('p', { role: 'alert' }, message), h('p', null, h('a', { href: '#/search' }, t('error.back'))));
}

async function loadVocabulary() {
  if (vocabularyLoaded) return;
  try {
    setVocabulary(await api('/api/v1/catalog/vocabulary'));
    vocabularyLoaded = true;
  } catch {
    // Labels fall back to the raw values; the page itself still renders and reports its own errors.
  }
}

async function render() {
  const token = ++renders;
  const { path, query } = currentLocation();
  const focusedId = lastPath === path ? document.activeElement?.id : null;
  const principal = session.principal();
  const { route, params } = matchRoute(path);
  if (route && !route.public && !principal) {
    if (path !== '/') sessionStorage.setItem(NEXT_STORAGE, window.location.hash);
    navigate('/sign-in');
    return;
  }
  if (route?.public && principal) {
    navigate('/search');
    return;
  }
  if (principal) await loadVocabulary();
  if (token !== renders) return;
  renderHeader(principal, route?.nav);

  main.setAttribute('aria-busy', 'true');
  const context = {
    params,
    query,
    principal,
    navigate,
    mayOperateConnectors: mayOperateConnectors(principal),
    signedIn() {
      const next = sessionStorage.getItem(NEXT_STORAGE);
      sessionStorage.removeItem(NEXT_STORAGE);
      notice = null;
      if (next && next !== '#/sign-in') window.location.hash = next;
      else navigate('/search');
    },
  };
  let view;
  try {
    view = route ? await route.page(context) : { title: t('error.title'), content: errorView({ status: 404 }) };
  } catch (error) {
    view = { title: t('error.title'), content: errorView(error) };
  }
  if (token !== renders) return;
  const shownNotice = notice ? h('p', { class: 'notice', role: 'status' }, notice) : null;
  if (route && !route.public) notice = null;
  replaceChildren(main, shownNotice, view.content);
  main.removeAttribute('aria-busy');
  main.dataset.location = window.location.hash;
  document.title = `${view.title} · ${t('app.title')}`;
  const keep = focusedId ? document.getElementById(focusedId) : null;
  if (keep) keep.focus();
  else if (lastPath !== path) (main.querySelector('h1') ?? main).focus();
  lastPath = path;
}

window.addEventListener('hashchange', () => void render());
window.addEventListener('dx:unauthorized', () => signOut(t('signIn.expired')));
void render();
