// Small pieces shared by every module: the event emitter, pattern matching, the de-duplication window,
// backoff, ndjson line splitting and the error shape every rejection and `error` event uses.

let seq = 0;
export const nextSeq = () => ++seq;
export const randomId = () => Math.random().toString(36).slice(2, 10) + Date.now().toString(36).slice(-4);
export const hasWindow = typeof window !== 'undefined' && typeof document !== 'undefined';
export const root = typeof globalThis !== 'undefined' ? globalThis : (hasWindow ? window : self);

/** Moves `owner` (a Core or a tab's SharedCore) to `state`, announcing it with a `state` event. */
export function setState(owner, state, info) {
  if (!state || owner.state === state) return;
  const previous = owner.state;
  owner.state = state;
  owner.emit('state', { state, previous, ...info });
}

/** An Error carrying a Warren error code (`error`), as rejections and `error` events do. */
export function failure(code, message, extra) {
  return Object.assign(new Error(message || code), { error: code }, extra);
}

/** Event emitter: on() returns a function removing the listener; a throwing listener is reported. */
export class Emitter {
  constructor() { this._listeners = new Map(); }
  on(name, fn) {
    if (!this._listeners.has(name)) this._listeners.set(name, new Set());
    this._listeners.get(name).add(fn);
    return () => this.off(name, fn);
  }
  off(name, fn) { const s = this._listeners.get(name); if (s) s.delete(fn); }
  _emit(name, arg) {
    const s = this._listeners.get(name);
    // Errors nobody listens to are not swallowed: they go to the console.
    if (name === 'error' && (!s || !s.size)) { console.error('warren', arg); return; }
    if (!s) return;
    for (const fn of [...s]) {
      try { fn(arg); } catch (e) {
        if (name === 'error') console.error(e);
        else this._emit('error', { error: 'handler', message: String(e), cause: e });
      }
    }
  }
}

/**
 * Client-side matching of a subscription pattern, the same rules as the server: `/a/b` exact, `/a/*` one
 * segment below, `/a/**` any depth below, `{subpaths:true}` the path and everything below it. Wildcards
 * never match `/meta/` nor `/client/` paths.
 */
export function matcher(pattern, subpaths) {
  const reserved = p => p.startsWith('/meta/') || p.startsWith('/client/');
  if (subpaths) {
    const base = pattern === '/' ? '' : pattern;
    return p => p === pattern || (p.startsWith(base + '/') && !reserved(p));
  }
  if (pattern.endsWith('/**')) {
    const base = pattern.slice(0, -3);
    return p => p.length > base.length + 1 && p.startsWith(base + '/') && !reserved(p);
  }
  if (pattern.endsWith('/*')) {
    const base = pattern.slice(0, -2);
    return p => p.length > base.length + 1 && p.startsWith(base + '/') && p.indexOf('/', base.length + 1) < 0 && !reserved(p);
  }
  return p => p === pattern;
}

/** Remembers the last `size` ids (a Set keeps insertion order); `add` answers false for an id seen before. */
export class IdWindow {
  constructor(size) { this.size = size; this.set = new Set(); }
  add(id) {
    if (this.set.has(id)) return false;
    this.set.add(id);
    if (this.set.size > this.size) this.set.delete(this.set.values().next().value);
    return true;
  }
}

/** Full-jitter exponential backoff: uniform in [0, min(max, min * 2^attempt)], never below `floor`. */
export function backoff(attempt, min, max, floor = 0) {
  const cap = Math.min(max, min * Math.pow(2, Math.min(attempt, 20)));
  return Math.max(floor, Math.round(Math.random() * cap));
}

/** Splits a byte stream of ndjson into lines; `push` returns the complete lines. */
export class LineSplitter {
  constructor() { this.rest = ''; }
  push(text) {
    const parts = (this.rest + text).split('\n');
    this.rest = parts.pop();
    return parts.filter(l => l.trim() !== '');
  }
}

/** Reads a failed HTTP answer: its status, the server's error code and Retry-After (ms). */
export async function httpFailure(r) {
  let body = null;
  try { body = await r.json(); } catch (e) { /* not JSON */ }
  const retry = Number(r.headers.get('Retry-After'));
  return failure(body && body.error || 'http-' + r.status, body && body.message || 'HTTP ' + r.status,
    { status: r.status, retryAfter: retry > 0 ? retry * 1000 : 0 });
}
