// The only door to the gateway: every call carries the signed-in key; a 401 ends the session.

const KEY_STORAGE = 'dx-ui-key';
const PRINCIPAL_STORAGE = 'dx-ui-principal';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body?.code;
  }
}

/** The session lives in sessionStorage: it ends with the tab and is not shared with other tabs. */
export const session = {
  key: () => sessionStorage.getItem(KEY_STORAGE),
  principal() {
    const stored = sessionStorage.getItem(PRINCIPAL_STORAGE);
    return stored ? JSON.parse(stored) : null;
  },
  signIn(key, principal) {
    sessionStorage.setItem(KEY_STORAGE, key);
    sessionStorage.setItem(PRINCIPAL_STORAGE, JSON.stringify(principal));
  },
  signOut() {
    sessionStorage.removeItem(KEY_STORAGE);
    sessionStorage.removeItem(PRINCIPAL_STORAGE);
  },
};

function urlOf(path, query) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== undefined && one !== null && one !== '') url.searchParams.append(name, String(one));
    }
  }
  return url;
}

/** Calls the gateway's API; throws ApiError with the gateway's message on any non-2xx answer. */
export async function api(path, { method = 'GET', query, body, key } = {}) {
  const headers = { accept: 'application/json', authorization: `Bearer ${key ?? session.key() ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(urlOf(path, query), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, json);
    if (response.status === 401 && key === undefined) window.dispatchEvent(new CustomEvent('dx:unauthorized'));
    throw error;
  }
  return json;
}
