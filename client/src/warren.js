/*
 * Warren browser client, ES module entry (bundled to /warren.js; /warren.global.js sets window.Warren).
 *
 *   import { Warren } from '/warren.js';
 *   const w = new Warren('https://host', { transport: 'auto' });
 *   w.on('state', s => console.log(s.state));
 *   const sub = w.subscribe('/chat/**', d => console.log(d.path, d.data));
 *   await sub.ready;
 *   const ack = await w.publish('/chat/room1', { text: 'hi' });
 *
 * Modules: core (state machine, credentials), policy (which transport, when), subscriptions, outbox,
 * transports/ (one module each behind the sink interface), share/ (tab sharing). See docs/client.md.
 */
import { Emitter, hasWindow } from './util.js';
import { Core } from './core.js';
import { SharedCore } from './share/tab.js';
import { installWorker } from './share/worker.js';

export { matcher, IdWindow, LineSplitter, backoff } from './util.js';
export { transports } from './transports/index.js';

const DEFAULTS = {
  transport: 'auto',
  openTimeout: 10000,    // ms for the open datagram to arrive before the attempt counts as failed
  backoffMin: 500,       // ms: retry delays are uniform in [0, min(backoffMax, backoffMin * 2^attempt)]
  backoffMax: 15000,
  maxAttempts: 0,        // failed attempts in a row before closing with `unreachable`; 0: never give up
  probeInterval: 60000,  // ms after a step down before the best transport is tried again (0: never)
  dedupWindow: 2048,     // datagram ids remembered to drop duplicates
  publishTimeout: 30000, // ms before publish() rejects without an ack
  maxBody: 65536,        // bytes per /events request or ws frame: the server's max-body
  deadAfter: 0,          // ms of silence before a connection counts as dead; 0: from the server's keepalive
  refreshAhead: 60000,   // ms before the credentials' expiry that getToken() is called to refresh them in-band
  // Off unless given: token (sent as token= on /tunnel), getToken (async () => token: at open, after a
  // 401/403, on `expired`), withCredentials (cookies cross-origin), shareTabs (one tunnel for the tabs of
  // this origin), workerUrl (this script's URL, to share through a SharedWorker), workerType ('module').
};

installWorker();

const isPath = p => typeof p === 'string' && p.startsWith('/');

/**
 * A Warren client: one tunnel to the server at `url`, over the best transport available.
 * Events: state, open, reconnecting, resume, gap, replaced, close, error, datagram, refresh, unsubscribed.
 */
export class Warren extends Emitter {
  constructor(url, options = {}) {
    super();
    if (url === undefined || url === null) url = hasWindow ? location.origin : '';
    this.url = new URL(url, hasWindow ? location.href : undefined).href;
    this.options = { ...DEFAULTS, ...options };
    const emit = (name, arg) => this._emit(name, arg);
    const o = this.options;
    const shareable = o.shareTabs && hasWindow
      && (typeof SharedWorker === 'function' && o.workerUrl || typeof BroadcastChannel === 'function' && navigator.locks);
    this._core = shareable ? new SharedCore(this.url, o, emit) : new Core(this.url, o, emit);
  }

  /** The public client id (null until open). */
  get client() { return this._core.client; }

  /** The transport in use now, after any fallback (null until open). */
  get transport() { return this._core.transport; }

  /** connecting, open, reconnecting or closed. */
  get state() { return this._core.state; }

  /** How tabs share the tunnel: 'shared-worker', 'broadcast-channel', or null when they do not. */
  get sharing() { return this._core.sharing || null; }

  /**
   * Registers interest in `pattern` (`/a/b`, `/a/*`, `/a/**`; `{subpaths:true}` for a path and all below
   * it). The handler gets each matching datagram {id, path, data, from} once. `ready` resolves when the
   * server acknowledged the interest, rejects with its refusal or `closed`.
   */
  subscribe(pattern, handler, options = {}) {
    if (!isPath(pattern)) throw new TypeError('a pattern is a path starting with /');
    if (typeof handler !== 'function') throw new TypeError('subscribe needs a handler function');
    return this._core.subscribe(pattern, handler, !!options.subpaths);
  }

  /**
   * Publishes `data` to `path`; resolves with the server's ack {ok, id}, rejects with its error code
   * (too-large, forbidden, rate-limited, ...) or timeout, replaced, closed. A client-chosen id
   * (options.id, generated otherwise) makes resends safe.
   */
  publish(path, data, options = {}) {
    if (!isPath(path)) return Promise.reject(new TypeError('a path starts with /'));
    return this._core.publish(path, data, options.id);
  }

  /** Drops the current connection as a network failure would (for demos and tests); it resumes. */
  drop() { this._core.drop(); }

  /** Closes the tunnel for good: pending publishes and subscriptions reject `closed`. */
  close() { this._core.close(); }
}

export default Warren;
