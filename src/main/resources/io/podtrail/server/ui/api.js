// The read API with the session's bearer token. Every call answers parsed JSON or throws an ApiError that
// carries the HTTP status and the server's error body (for a 400 on a filter: diagnostics with positions).

const TOKEN_KEY = 'podtrail.token';

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(t) {
  if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * JSON.parse that keeps integers beyond 2^53 exact (nanosecond times, 64-bit ids) as BigInt, using the
 * reviver's access to the source text.
 */
export function parseJson(text) {
  return JSON.parse(text, (key, value, ctx) => {
    if (typeof value === 'number' && !Number.isSafeInteger(value) && ctx && /^-?\d+$/.test(ctx.source)) {
      return BigInt(ctx.source);
    }
    return value;
  });
}

export async function get(path, params = {}, signal) {
  if (!token()) throw new ApiError(401, { error: 'not signed in' });
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const url = path + (q.toString() ? '?' + q : '');
  const res = await fetch(url, { headers: { Authorization: 'Bearer ' + token() }, signal, cache: 'no-store' });
  const text = await res.text();
  let body = null;
  try { body = text ? parseJson(text) : null; } catch (e) { body = { error: text.slice(0, 200) }; }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

/** The field catalogue, fetched once per session. */
let fieldsPromise = null;
export function fields() {
  if (!fieldsPromise) fieldsPromise = get('/api/v1/fields').catch(e => { fieldsPromise = null; throw e; });
  return fieldsPromise;
}
export function forgetFields() { fieldsPromise = null; }
