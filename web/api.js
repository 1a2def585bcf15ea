// api.js - the one place the UI talks to the server (/api/v1). Sends the
// session cookie (credentials: 'same-origin') and, on every request that
// changes something, the CSRF token the server handed out at log-in.

const BASE = '/api/v1';

let csrfToken = null;
let onUnauthenticated = null;

/** Remember the CSRF token from POST/GET /session (null after log-out). */
export function setCsrf(token) {
  csrfToken = token || null;
}

/** fn() is called when a request that needed a session gets 401. */
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn;
}

/** An error answer: status, code and message as the server sent them. */
export class ApiError extends Error {
  constructor(status, code, message, detail) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail || {};
  }
}

async function readJson(res) {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function fallbackMessage(status) {
  if (status === 0) return 'Cannot reach the server. Check your connection and try again.';
  if (status >= 500) return `The server had a problem (${status}). Try again in a moment.`;
  return `The server refused the request (${status}).`;
}

/**
 * api('GET', '/queue') -> parsed JSON, or null for 204.
 * Throws ApiError for every non-2xx answer and for network failures.
 * opts.quiet401: do not treat 401 as "session ended" (log-in, session probe).
 */
export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let res;
  try {
    res = await fetch(BASE + path, init);
  } catch {
    throw new ApiError(0, 'network', fallbackMessage(0));
  }
  if (res.status === 204) return null;
  const data = await readJson(res);
  if (res.ok) return data;

  const e = (data && data.error) || {};
  const err = new ApiError(res.status, e.code || `http_${res.status}`,
    e.message || fallbackMessage(res.status), e);
  if (res.status === 401 && !opts.quiet401 && onUnauthenticated) onUnauthenticated(err);
  throw err;
}

/** Builds "?a=1&b=2" from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
