// The session (DESIGN §7): a launch token from `#launch=` is exchanged once for a session
// token kept in sessionStorage; every API call sends it as a Bearer token.

const SESSION_KEY = 'bkntc.session';

export class APIError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `request failed (${status})`);
    this.status = status;
    this.code = body?.error?.code;
    this.field = body?.error?.field;
  }
}

/**
 * Removes a launch token from the address bar, if there is one, and exchanges it when
 * `mayExchange(token)` resolves true; without it, a session this tab already has goes on.
 */
export async function startSession(mayExchange) {
  const hash = new URLSearchParams(location.hash.slice(1));
  const launch = hash.get('launch');
  if (launch) history.replaceState(null, '', location.pathname + location.search + '#/');
  if (launch && await mayExchange(launch)) {
    const answer = await fetch('/api/v1/sessions', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ launch_token: launch }),
    });
    const body = await answer.json().catch(() => null);
    if (!answer.ok) throw new APIError(answer.status, body);
    sessionStorage.setItem(SESSION_KEY, body.session_token);
  }
  if (!sessionStorage.getItem(SESSION_KEY)) {
    throw new APIError(401, { error: { message: 'No session: open Campaigns from the WordPress admin (or Scripts/admin-link in the demo).' } });
  }
}

function authorization() {
  return { Authorization: `Bearer ${sessionStorage.getItem(SESSION_KEY) || ''}` };
}

/** Calls the JSON API; throws APIError with the contract's code, message and field. */
export async function api(method, path, body) {
  const headers = authorization();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const answer = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (answer.status === 204) return null;
  const json = await answer.json().catch(() => null);
  if (!answer.ok) {
    if (answer.status === 401) sessionStorage.removeItem(SESSION_KEY);
    throw new APIError(answer.status, json);
  }
  return json;
}

/** Downloads an authenticated file (the CSV export) through a blob link. */
export async function download(path, filename) {
  const answer = await fetch(`/api/v1${path}`, { headers: authorization() });
  if (!answer.ok) throw new APIError(answer.status, await answer.json().catch(() => null));
  const url = URL.createObjectURL(await answer.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
