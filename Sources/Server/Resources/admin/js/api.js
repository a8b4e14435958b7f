// The session (DESIGN §7): a launch token from `#launch=` is exchanged once for a session
// token kept in sessionStorage; every API call sends it as a Bearer token.

const SESSION_KEY = 'bkntc.session';
const REOPEN = 'Campaigns is not open in this tab. Open WordPress → Booknetic → Campaigns again; links from it work for two minutes.';
const EXPIRED = 'This link has expired or was already used. Open WordPress → Booknetic → Campaigns again; links from it work for two minutes.';
export const SESSION_ENDED = 'Your Campaigns session has ended. Open WordPress → Booknetic → Campaigns again; links from it work for two minutes.';

export class APIError extends Error {
  constructor(status, body) {
    super(body?.error?.message || fallbackMessage(status));
    this.status = status;
    this.code = body?.error?.code;
    this.field = body?.error?.field;
    this.body = body;
  }
}

function fallbackMessage(status) {
  if (status === 0) return 'The Campaigns service could not be reached. Check your connection and try again.';
  if (status >= 500) return 'Something went wrong on the Campaigns service. Nothing was lost: try again in a minute.';
  return `The request was refused (${status}).`;
}

/** A fresh key for one user action (DESIGN §21): the server answers a repeat with the first answer. */
export function newIdempotencyKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
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
    // An expired or already used link (they work once, for two minutes): say how to get a new one.
    if (answer.status === 401 || answer.status === 400) throw new APIError(answer.status, { error: { code: 'launch_expired', message: EXPIRED } });
    if (!answer.ok) throw new APIError(answer.status, body);
    sessionStorage.setItem(SESSION_KEY, body.session_token);
  }
  if (!sessionStorage.getItem(SESSION_KEY)) {
    throw new APIError(401, { error: { code: 'no_session', message: REOPEN } });
  }
}

function authorization() {
  return { Authorization: `Bearer ${sessionStorage.getItem(SESSION_KEY) || ''}` };
}

/**
 * Calls the JSON API; throws APIError with the contract's code, message and field.
 * `options.idempotencyKey` is sent as `Idempotency-Key` (every POST that creates or sends has
 * one per user action, reused when the same request of that action is retried).
 */
export async function api(method, path, body, options = {}) {
  const headers = authorization();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
  let answer;
  // The same key while its first request still runs: 409 idempotency_in_progress with
  // Retry-After; waiting for it gets the first answer, never a second send.
  for (let attempt = 0; ; attempt += 1) {
    try {
      answer = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new APIError(0, null);
    }
    if (!(options.idempotencyKey && answer.status === 409 && attempt < 10)) break;
    const peek = await answer.clone().json().catch(() => null);
    if (peek?.error?.code !== 'idempotency_in_progress') break;
    const seconds = Math.min(5, Math.max(1, Number(answer.headers.get('Retry-After')) || 1));
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  }
  if (answer.status === 204) return null;
  const json = await answer.json().catch(() => null);
  if (!answer.ok) {
    if (answer.status === 401) {
      sessionStorage.removeItem(SESSION_KEY);
      throw new APIError(401, { error: { code: json?.error?.code || 'unauthorized', message: SESSION_ENDED } });
    }
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

/**
 * Reads a server-sent event stream (DESIGN §17) with `fetch`, so the Bearer header goes along
 * (EventSource cannot send it): calls `onEvent(name, data)` for each event, JSON data parsed,
 * and resolves when the server closes the stream. Throws APIError when the answer is not a
 * stream (refused, unreachable) and when `signal` aborts it.
 */
export async function eventStream(path, onEvent, signal) {
  let answer;
  try {
    answer = await fetch(`/api/v1${path}`, { headers: { ...authorization(), Accept: 'text/event-stream' }, signal });
  } catch {
    throw new APIError(0, null);
  }
  if (!answer.ok || !answer.body) throw new APIError(answer.status, await answer.json().catch(() => null));
  const reader = answer.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue; // a comment (": keep-alive")
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const content = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') name = content;
        else if (field === 'data') data.push(content);
      }
      if (data.length) onEvent(name, JSON.parse(data.join('\n')));
    }
  }
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Whether a failed request may be retried with the same key (its outcome is unknown or still running). */
function retryable(error) {
  return error?.status === 0 || error?.status >= 500 || (error?.status === 409 && /idempotency|in_progress/.test(error?.code || ''));
}

/**
 * One user action that creates or sends (DESIGN §21): one Idempotency-Key per request of the
 * action (named: 'create', 'send', …), reused when the action is retried after an unknown
 * outcome (no answer, a server error, still running) with the same body, new once the body
 * changed or the action got a definite answer; and one run at a time: a second click while it
 * runs gets the same promise and sends nothing.
 *
 *   const sending = action();
 *   button.onclick = () => sending.run((key) => api('POST', path, body, { idempotencyKey: key('send', body) }));
 */
export function action() {
  const keys = new Map();
  let running = null;
  const key = (name = 'default', body = null) => {
    const fingerprint = JSON.stringify(body ?? null);
    const known = keys.get(name);
    if (known && known.fingerprint === fingerprint) return known.key;
    const fresh = { key: newIdempotencyKey(), fingerprint };
    keys.set(name, fresh);
    return fresh.key;
  };
  return {
    get running() { return running !== null; },
    key,
    /** Forgets the keys: the next run is a new action. */
    reset() { keys.clear(); },
    run(fn) {
      if (running) return running;
      running = (async () => {
        try {
          const result = await fn(key);
          keys.clear();
          return result;
        } catch (error) {
          if (!retryable(error)) keys.clear();
          throw error;
        } finally {
          running = null;
        }
      })();
      return running;
    },
  };
}
