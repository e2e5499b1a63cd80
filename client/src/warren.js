/*
 * Warren browser client: one dependency-free file, an ES module (served as /warren.js); the plain-script
 * build /warren.global.js is generated from it (npm run build) and sets window.Warren.
 *
 *   import { Warren } from '/warren.js';
 *   const w = new Warren('https://host', { transport: 'auto' });
 *   w.on('open', info => ...);
 *   const sub = w.subscribe('/chat/**', d => console.log(d.path, d.data));
 *   await sub.ready;
 *   const ack = await w.publish('/chat/room1', { text: 'hi' });
 *
 * See docs/client.md for the whole API and the guarantees.
 */

/** Transports in the order `auto` tries them. */
const ORDER = ['ws', 'sse', 'stream', 'longpoll', 'iframe', 'jsonp'];

const DEFAULTS = {
  transport: 'auto',
  openTimeout: 10000,   // ms for the open datagram to arrive before the transport counts as failed
  backoffMin: 500,      // ms, first retry delay (then doubled, with jitter)
  backoffMax: 15000,    // ms, longest retry delay
  dedupWindow: 2048,    // datagram ids remembered to drop duplicates
  publishTimeout: 30000, // ms before publish() rejects without an ack
  deadAfter: 0,         // ms of silence before a connection counts as dead; 0: from the server's keepalive
  shareTabs: false,     // share one tunnel between the tabs of this origin
};

let seq = 0;
const nextSeq = () => ++seq;
const randomId = () => Math.random().toString(36).slice(2, 10) + Date.now().toString(36).slice(-4);
const hasWindow = typeof window !== 'undefined' && typeof document !== 'undefined';
const root = typeof globalThis !== 'undefined' ? globalThis : (hasWindow ? window : self);

/** Small event emitter: on() returns a function that removes the listener. */
class Emitter {
  constructor() { this._listeners = new Map(); }
  on(name, fn) {
    if (!this._listeners.has(name)) this._listeners.set(name, new Set());
    this._listeners.get(name).add(fn);
    return () => this.off(name, fn);
  }
  off(name, fn) { const s = this._listeners.get(name); if (s) s.delete(fn); }
  _emit(name, arg) {
    const s = this._listeners.get(name);
    if (!s) return;
    for (const fn of [...s]) {
      try { fn(arg); } catch (e) { if (name !== 'error') this._emit('error', { error: 'handler', message: String(e), cause: e }); }
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

/** Remembers the last `size` ids; `add` answers false for an id seen before. */
export class IdWindow {
  constructor(size) { this.size = size; this.set = new Set(); this.order = []; this.head = 0; }
  add(id) {
    if (this.set.has(id)) return false;
    this.set.add(id);
    this.order.push(id);
    if (this.order.length - this.head > this.size) {
      this.set.delete(this.order[this.head++]);
      if (this.head > 4096) { this.order = this.order.slice(this.head); this.head = 0; }
    }
    return true;
  }
}

/** Exponential backoff with jitter: between half and all of min * 2^attempt, capped at max. */
export function backoff(attempt, min, max) {
  const full = Math.min(max, min * Math.pow(2, Math.min(attempt, 20)));
  return Math.round(full / 2 + Math.random() * full / 2);
}

/** Which transports this environment can run. */
export function available() {
  const out = {};
  for (const name of ORDER) out[name] = transports[name].usable();
  return out;
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

// ---------------------------------------------------------------------------------------------------------
// Transports: usable() tells whether this environment can run it; open() opens one connection, which
// reports to the core: core._receive(conn, datagram) for each
// datagram, core._pollAnswered(conn) after each poll answer, core._lost(conn, reason) when it fails or
// ends. conn.close() stops it silently. Reports from a connection the core has given up are ignored.

export const transports = {
  ws: {
    usable: () => typeof root.WebSocket === 'function',
    open(core, params) {
      const sock = new WebSocket(core._url('/tunnel', { format: 'ws', ...params }).replace(/^http/, 'ws'));
      const conn = {
        name: 'ws', framed: true,
        send(obj) { sock.send(JSON.stringify(obj)); },
        close() { sock.onmessage = sock.onclose = sock.onerror = null; try { sock.close(1000); } catch (e) { /* already closed */ } },
      };
      sock.onmessage = e => {
        let d;
        try { d = JSON.parse(e.data); } catch (err) { core._lost(conn, 'bad-message'); return; }
        core._receive(conn, d);
      };
      sock.onclose = e => core._lost(conn, e.reason || 'closed');
      return conn;
    },
  },

  sse: {
    usable: () => typeof root.EventSource === 'function',
    open(core, params) {
      const es = new EventSource(core._url('/tunnel', { format: 'sse', ...params }));
      const conn = { name: 'sse', close() { es.onmessage = es.onerror = null; es.close(); } };
      es.onmessage = e => {
        let d;
        try { d = JSON.parse(e.data); } catch (err) { core._lost(conn, 'bad-message'); return; }
        core._receive(conn, d);
      };
      // EventSource would reconnect by itself to the same URL (new=1): close it and reconnect with tunnel=T&last=ID.
      es.onerror = () => core._lost(conn, 'error');
      return conn;
    },
  },

  stream: {
    usable: () => typeof root.fetch === 'function' && typeof root.ReadableStream === 'function' && typeof root.TextDecoder === 'function',
    open(core, params) {
      const ctl = new AbortController();
      const conn = { name: 'stream', close() { ctl.abort(); } };
      (async () => {
        const r = await fetch(core._url('/tunnel', { format: 'stream', ...params }), { signal: ctl.signal, cache: 'no-store' });
        if (!r.ok || !r.body) throw new Error('HTTP ' + r.status);
        const reader = r.body.getReader();
        const decoder = new TextDecoder();
        const lines = new LineSplitter();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const line of lines.push(decoder.decode(value, { stream: true }))) {
            core._receive(conn, JSON.parse(line));
          }
        }
        throw new Error('ended');
      })().catch(e => core._lost(conn, e && e.message || 'error'));
      return conn;
    },
  },

  longpoll: {
    usable: () => typeof root.fetch === 'function',
    open(core, params) {
      return pollLoop(core, params, 'longpoll', async (url, conn) => {
        const r = await fetch(url, { signal: conn.ctl.signal, cache: 'no-store' });
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      });
    },
  },

  jsonp: {
    usable: () => typeof root.document !== 'undefined',
    open(core, params) {
      return pollLoop(core, params, 'jsonp', (url, conn) => new Promise((resolve, reject) => {
        const name = '__warren_jsonp' + nextSeq();
        const script = document.createElement('script');
        const done = () => { window[name] = () => {}; script.onerror = null; script.remove(); conn.cleanup = null; };
        window[name] = arr => { done(); resolve(arr); };
        script.onerror = () => { done(); reject(new Error('script error')); };
        conn.cleanup = () => { done(); reject(new Error('closed')); };
        script.src = url + '&callback=' + name;
        document.head.appendChild(script);
      }));
    },
  },

  iframe: {
    usable: () => typeof root.document !== 'undefined',
    open(core, params) {
      const name = '__warren_iframe' + nextSeq();
      const frame = document.createElement('iframe');
      const conn = {
        name: 'iframe',
        close() { window[name] = () => {}; frame.onload = null; frame.remove(); },
      };
      // Objects made in the iframe belong to its realm: copy them into ours.
      window[name] = d => core._receive(conn, JSON.parse(JSON.stringify(d)));
      frame.style.display = 'none';
      frame.setAttribute('aria-hidden', 'true');
      // The document finishes loading when the response ends, whether by its footer or a cut connection.
      frame.onload = () => core._lost(conn, 'ended');
      frame.src = core._url('/tunnel', { format: 'iframe', ...params, callback: name });
      document.body.appendChild(frame);
      return conn;
    },
  },
};

/** Polls in a loop: each answer is a batch of datagrams; the next poll acknowledges with last=ID. */
function pollLoop(core, params, name, request) {
  const conn = { name, poll: true, ctl: new AbortController(), cleanup: null,
    close() { this.closed = true; this.ctl.abort(); if (this.cleanup) this.cleanup(); } };
  (async () => {
    let p = { format: name, ...params };
    while (!conn.closed) {
      core._touch(conn);
      const batch = await request(core._url('/tunnel', p), conn);
      if (conn.closed) return;
      if (!Array.isArray(batch)) throw new Error('bad answer');
      for (const d of batch) {
        core._receive(conn, d);
        if (conn.closed) return;
      }
      core._pollAnswered(conn);
      p = { format: name, tunnel: core._tunnel };
      if (core._last) p.last = core._last;
    }
  })().catch(e => { if (!conn.closed) core._lost(conn, e && e.message || 'error'); });
  return conn;
}

// ---------------------------------------------------------------------------------------------------------

/**
 * The connection logic of one client: tunnel, transports and fallback, reconnection, de-duplication,
 * subscriptions (reference-counted by pattern) and the outbox of client datagrams awaiting acks.
 */
class Core {
  constructor(url, options, emit) {
    this.baseUrl = url.replace(/\/+$/, '');
    this.opts = options;
    this.emit = emit;
    this.state = 'connecting';
    this.client = null;
    this.transport = null;
    this.keepalive = 25000;
    this._tunnel = null;
    this._last = null;
    this._everOpened = false;
    this._seen = new IdWindow(options.dedupWindow);
    this._subs = new Map();      // key -> {pattern, subpaths, match, handlers:Set, active, waiters:[]}
    this._outbox = new Map();    // ref -> {datagram, inflight, resolve, reject, timer}
    this._conn = null;
    this._attempt = 0;
    this._failures = 0;
    const can = available();
    const wanted = options.transport === 'auto' ? ORDER : [options.transport];
    for (const t of wanted) {
      if (!ORDER.includes(t)) throw new Error('unknown transport: ' + t);
    }
    this._candidates = wanted.filter(t => can[t]);
    if (this._candidates.length === 0) throw new Error('no usable transport among ' + wanted.join(', '));
    this._ti = 0;
    this._connect();
  }

  _url(path, params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== undefined && v !== null) q.append(k, String(v));
    }
    const s = q.toString();
    return this.baseUrl + path + (s ? '?' + s : '');
  }

  _connect() {
    this._retryTimer = null;
    if (this.state === 'closed') return;
    const name = this._candidates[this._ti];
    const params = this._tunnel ? { tunnel: this._tunnel, last: this._last || undefined } : { new: 1 };
    let conn;
    try {
      conn = transports[name].open(this, params);
    } catch (e) {
      conn = { name, close() {} };
      this._conn = conn;
      this._lost(conn, String(e));
      return;
    }
    conn.opened = false;
    this._conn = conn;
    this._activity = Date.now();
    // A poll re-attaching to its tunnel is answered without an open datagram (an ordinary poll is no
    // resume), possibly only after the poll timeout: only new tunnels wait for /meta/open.
    if (!(conn.poll && this._tunnel)) {
      this._openTimer = setTimeout(() => this._lost(conn, 'open-timeout'), this.opts.openTimeout);
    }
  }

  _touch(conn) { if (conn === this._conn) this._activity = Date.now(); }

  _receive(conn, d) {
    if (conn !== this._conn || !d || typeof d.path !== 'string') return;
    this._activity = Date.now();
    switch (d.path) {
      case '/meta/open': this._opened(conn, d.data || {}); return;
      case '/meta/keepalive': return;
      case '/meta/ack': this._ack(d.data || {}); return;
      case '/meta/error': this.emit('error', d.data); return;
      case '/meta/close': this._closedByServer(conn, d.data || {}); return;
      default: break;
    }
    if (d.path.startsWith('/meta/')) return;
    if (conn.poll && !conn.opened) this._resumedByPoll(conn);
    if (d.id != null) {
      if (!this._seen.add(d.id)) return;
      this._last = d.id;
    }
    const datagram = { id: d.id, path: d.path, data: d.data };
    if (d.from !== undefined) datagram.from = d.from;
    for (const sub of [...this._subs.values()]) {
      if (!sub.match(d.path)) continue;
      for (const h of [...sub.handlers]) {
        try { h(datagram); } catch (e) { this.emit('error', { error: 'handler', message: String(e), cause: e }); }
      }
    }
    this.emit('datagram', datagram);
  }

  _pollAnswered(conn) {
    if (conn === this._conn && !conn.opened) this._resumedByPoll(conn);
  }

  /** A poll answered without an open datagram re-attached to the same tunnel with nothing lost. */
  _resumedByPoll(conn) {
    this._markOpen(conn);
    this.emit('resume', { client: this.client, transport: this.transport, resumed: true });
    this._flushOutbox();
  }

  _markOpen(conn) {
    clearTimeout(this._openTimer);
    conn.opened = true;
    this.transport = conn.name;
    this.state = 'open';
    this._attempt = 0;
    this._failures = 0;
    this._startWatchdog();
  }

  _opened(conn, info) {
    const first = !this._everOpened;
    const replaced = !first && (info.replaced || !info.resumed);
    this._everOpened = true;
    this._tunnel = info.tunnel;
    this.client = info.client;
    if (info.keepalive > 0) this.keepalive = info.keepalive;
    this._markOpen(conn);
    const event = { client: this.client, transport: this.transport, path: info.path, resumed: !!info.resumed };
    if (first || replaced) {
      // A new tunnel holds no interest yet: (re-)register every subscription, then report.
      this._last = null;
      const ready = [];
      for (const sub of this._subs.values()) {
        sub.active = false;
        ready.push(this._register(sub).catch(() => {}));
      }
      if (first) {
        this.emit('open', event);
      } else {
        event.replaced = true;
        Promise.all(ready).then(() => { if (this.client === event.client) this.emit('replaced', event); });
      }
    } else if (info.gap) {
      event.gap = true;
      this.emit('gap', event);
    } else {
      this.emit('resume', event);
    }
    this._flushOutbox();
  }

  _closedByServer(conn, info) {
    conn.close();
    this._conn = null;
    clearTimeout(this._openTimer);
    if (info.reconnect === false) {
      this._end({ reason: info.reason || 'closed', error: info.error, message: info.message, byServer: true });
      return;
    }
    this._reconnecting(info.reason || 'closed');
    this._schedule();
  }

  _lost(conn, reason) {
    if (conn !== this._conn || this.state === 'closed') return;
    conn.close();
    this._conn = null;
    clearTimeout(this._openTimer);
    for (const item of this._outbox.values()) {
      if (item.viaSocket) item.inflight = false;
    }
    if (!conn.opened) {
      this._failures++;
      // auto: a transport that never opened (blocked, or a proxy buffering the stream) yields to the
      // next one; once one has worked it gets a second chance before the next takes over.
      if (this._candidates.length > 1 && (!this._everOpened || this._failures >= 2 || reason === 'open-timeout')) {
        this._ti = (this._ti + 1) % this._candidates.length;
        this._failures = 0;
      }
    }
    this._reconnecting(reason);
    this._schedule();
  }

  _reconnecting(reason) {
    this._stopWatchdog();
    if (this.state === 'open') {
      this.state = 'reconnecting';
      this.emit('reconnecting', { reason, transport: this.transport });
    }
  }

  _schedule() {
    if (this.state === 'closed' || this._retryTimer) return;
    const delay = backoff(this._attempt++, this.opts.backoffMin, this.opts.backoffMax);
    this._retryTimer = setTimeout(() => this._connect(), delay);
  }

  _startWatchdog() {
    this._stopWatchdog();
    const conn = this._conn;
    const dead = this.opts.deadAfter || (conn.poll ? this.keepalive * 2 + 2000 : Math.round(this.keepalive * 1.5) + 2000);
    this._watchdog = setInterval(() => {
      if (this._conn === conn && Date.now() - this._activity > dead) this._lost(conn, 'silent');
    }, Math.max(250, Math.min(1000, dead / 4)));
  }

  _stopWatchdog() { clearInterval(this._watchdog); this._watchdog = null; }

  /** Drops the connection as a network failure would; the client reconnects and resumes. */
  drop() {
    if (this._conn) this._lost(this._conn, 'dropped');
  }

  _end(info) {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this._stopWatchdog();
    clearTimeout(this._retryTimer);
    clearTimeout(this._openTimer);
    if (this._conn) { this._conn.close(); this._conn = null; }
    for (const item of this._outbox.values()) {
      clearTimeout(item.timer);
      item.reject(Object.assign(new Error('closed'), { error: 'closed' }));
    }
    this._outbox.clear();
    this.emit('close', info);
  }

  close() { this._end({ reason: 'client' }); }

  // ---- outbox: client datagrams with client-chosen ids, sent again until acknowledged ----

  _send(datagram) {
    return new Promise((resolve, reject) => {
      if (this.state === 'closed') { reject(Object.assign(new Error('closed'), { error: 'closed' })); return; }
      const ref = datagram.id || 'w' + randomId() + nextSeq();
      datagram.id = ref;
      const item = { datagram, inflight: false, resolve, reject };
      item.timer = setTimeout(() => {
        this._outbox.delete(ref);
        reject(Object.assign(new Error('no ack within ' + this.opts.publishTimeout + ' ms'), { error: 'timeout' }));
      }, this.opts.publishTimeout);
      this._outbox.set(ref, item);
      this._flushOutbox();
    });
  }

  _flushOutbox() {
    if (this.state !== 'open' || !this._conn) return;
    const batch = [];
    for (const item of this._outbox.values()) {
      if (!item.inflight) { item.inflight = true; batch.push(item); }
    }
    if (batch.length === 0) return;
    const conn = this._conn;
    if (conn.framed) {
      for (const item of batch) item.viaSocket = true;
      try {
        conn.send(batch.length === 1 ? batch[0].datagram : batch.map(i => i.datagram));
      } catch (e) {
        for (const item of batch) item.inflight = false;
      }
      return;
    }
    const tunnel = this._tunnel;
    const body = JSON.stringify(batch.map(i => ({ ...i.datagram, tunnel })));
    fetch(this._url('/events'), { method: 'POST', body, headers: { 'Content-Type': 'text/plain;charset=UTF-8' }, cache: 'no-store' })
      .then(async r => {
        if (r.status === 404) throw Object.assign(new Error('unknown tunnel'), { unknownTunnel: true });
        const acks = await r.json();
        if (!r.ok || !Array.isArray(acks)) {
          const err = Object.assign(new Error(acks && acks.message || 'HTTP ' + r.status), acks || {});
          for (const item of batch) this._settle(item.datagram.id, { ok: false, error: err.error || 'bad-request', message: err.message });
          return;
        }
        acks.forEach((a, i) => this._settle(batch[i].datagram.id, a));
      })
      .catch(e => {
        for (const item of batch) item.inflight = false;
        // The tunnel is gone (culled) or the network failed: the connection will notice and re-attach,
        // or it already has; either way the outbox is sent again when a connection is open.
        if (e && e.unknownTunnel && this._conn === conn) this._lost(conn, 'unknown-tunnel');
        else setTimeout(() => this._flushOutbox(), backoff(1, this.opts.backoffMin, this.opts.backoffMax));
      });
  }

  _ack(a) {
    if (a && a.ref != null) this._settle(String(a.ref), a);
  }

  _settle(ref, ack) {
    const item = this._outbox.get(ref);
    if (!item) return;
    this._outbox.delete(ref);
    clearTimeout(item.timer);
    if (ack.ok) {
      const out = { ok: true, id: ack.id };
      item.resolve(out);
    } else {
      item.reject(Object.assign(new Error(ack.message || ack.error), { error: ack.error, ack }));
    }
  }

  // ---- subscriptions ----

  _register(sub) {
    const data = sub.subpaths ? { path: sub.pattern, subpaths: true } : { path: sub.pattern };
    const p = this._send({ path: '/meta/subscribe', data });
    p.then(() => {
      sub.active = true;
      for (const w of sub.waiters.splice(0)) w.resolve();
    }, e => {
      if (e.error === 'closed' || e.error === 'timeout') return;
      for (const w of sub.waiters.splice(0)) w.reject(e);
      if (this._subs.get(sub.key) === sub) this._subs.delete(sub.key);
      this.emit('error', { error: e.error, message: e.message, pattern: sub.pattern });
    });
    return p;
  }

  subscribe(pattern, handler, subpaths) {
    if (typeof pattern !== 'string' || !pattern.startsWith('/')) throw new TypeError('a pattern is a path starting with /');
    if (typeof handler !== 'function') throw new TypeError('subscribe needs a handler function');
    const key = subpaths ? pattern + ' +subpaths' : pattern;
    let sub = this._subs.get(key);
    if (!sub) {
      sub = { key, pattern, subpaths: !!subpaths, match: matcher(pattern, subpaths), handlers: new Set(), active: false, waiters: [] };
      this._subs.set(key, sub);
      if (this._everOpened) this._register(sub).catch(() => {});
    }
    sub.handlers.add(handler);
    const ready = sub.active ? Promise.resolve() : new Promise((resolve, reject) => sub.waiters.push({ resolve, reject }));
    ready.catch(() => {});
    let done = false;
    return {
      pattern,
      ready,
      unsubscribe: () => {
        if (done) return;
        done = true;
        sub.handlers.delete(handler);
        if (sub.handlers.size === 0 && this._subs.get(key) === sub) {
          this._subs.delete(key);
          if (this._everOpened && this.state !== 'closed') {
            const data = sub.subpaths ? { path: pattern, subpaths: true } : { path: pattern };
            this._send({ path: '/meta/unsubscribe', data }).catch(() => {});
          }
        }
      },
    };
  }

  publish(path, data, id) {
    if (typeof path !== 'string' || !path.startsWith('/')) return Promise.reject(new TypeError('a path starts with /'));
    const d = { path, data: data === undefined ? null : data };
    if (id != null) d.id = String(id);
    return this._send(d);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Tab sharing. A hub owns one Core and serves tabs over message ports: in a SharedWorker where the
// browser has them, else in one tab elected leader with Web Locks, speaking over a BroadcastChannel.
// Each tab keeps its own subscriptions; the hub holds the union (reference-counted by the Core).

/** Serves one tab (a port with postMessage) from a hub's Core. */
function serveTab(hub, port) {
  const subs = new Map();
  const off = hub.listen(msg => port.postMessage(msg));
  port.postMessage({ op: 'state', state: hub.core.state, client: hub.core.client, transport: hub.core.transport });
  return function onMessage(m) {
    const core = hub.core;
    switch (m.op) {
      case 'sub': {
        const s = core.subscribe(m.pattern, d => port.postMessage({ op: 'datagram', sid: m.sid, d }), m.subpaths);
        subs.set(m.sid, s);
        s.ready.then(() => port.postMessage({ op: 'ready', sid: m.sid, ok: true }),
          e => port.postMessage({ op: 'ready', sid: m.sid, ok: false, error: e.error, message: e.message }));
        break;
      }
      case 'unsub': { const s = subs.get(m.sid); if (s) { s.unsubscribe(); subs.delete(m.sid); } break; }
      case 'pub':
        core.publish(m.path, m.data, m.id).then(ack => port.postMessage({ op: 'ack', rid: m.rid, ok: true, ack }),
          e => port.postMessage({ op: 'ack', rid: m.rid, ok: false, error: e.error, message: e.message }));
        break;
      case 'drop': core.drop(); break;
      case 'bye':
        for (const s of subs.values()) s.unsubscribe();
        subs.clear();
        off();
        break;
      default: break;
    }
  };
}

/** One hub per server URL within a worker or leader tab. */
class Hub {
  constructor(url, options) {
    this.listeners = new Set();
    const emit = (name, arg) => {
      const msg = { op: 'event', name, arg: strip(arg), state: this.core && this.core.state, client: this.core && this.core.client, transport: this.core && this.core.transport };
      for (const l of [...this.listeners]) l(msg);
    };
    this.core = new Core(url, { ...options, shareTabs: false }, emit);
  }
  listen(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }
}

/** Event arguments cross a message port: keep plain data only. */
function strip(arg) {
  if (!arg || typeof arg !== 'object') return arg;
  const out = {};
  for (const [k, v] of Object.entries(arg)) if (k !== 'cause' && typeof v !== 'function') out[k] = v;
  return out;
}

const hubs = new Map();
function hubFor(url, options) {
  let h = hubs.get(url);
  if (!h || h.core.state === 'closed') { h = new Hub(url, options); hubs.set(url, h); }
  return h;
}

// In a SharedWorker started by the client itself: serve the tabs that connect.
if (typeof root.SharedWorkerGlobalScope === 'function' && root instanceof root.SharedWorkerGlobalScope) {
  root.onconnect = e => {
    const port = e.ports[0];
    let handler = null;
    port.onmessage = ev => {
      const m = ev.data;
      if (m.op === 'hello') handler = serveTab(hubFor(m.url, m.options), port);
      else if (handler) handler(m);
    };
    port.start();
  };
}

/** A tab's end of a shared tunnel: the same API as a direct client, backed by a hub. */
class SharedCore {
  constructor(url, options, emit, scriptUrl) {
    this.emit = emit;
    this.state = 'connecting';
    this.client = null;
    this.transport = null;
    this._subs = new Map();   // sid -> {pattern, subpaths, handler, ready}
    this._acks = new Map();   // rid -> {resolve, reject}
    this._url = url;
    this._options = { ...options, shareTabs: false };
    const onMessage = m => this._message(m);
    if (typeof SharedWorker === 'function' && scriptUrl && scriptUrl.url) {
      const worker = new SharedWorker(scriptUrl.url, { name: 'warren ' + url, type: scriptUrl.type });
      this._port = worker.port;
      this._port.onmessage = e => onMessage(e.data);
      this._port.start();
      this.sharing = 'shared-worker';
    } else {
      this._port = leaderPort(url, this._options, onMessage, () => this._rejoin());
      this.sharing = 'broadcast-channel';
    }
    this._hello();
    if (hasWindow) window.addEventListener('pagehide', () => this._post({ op: 'bye' }));
  }

  _post(m) { this._port.postMessage(m); }

  _hello() { this._post({ op: 'hello', url: this._url, options: this._options }); }

  /** A new hub took over (the leader tab went away): register this tab's subscriptions there. */
  _rejoin() {
    this._hello();
    for (const [sid, s] of this._subs) this._post({ op: 'sub', sid, pattern: s.pattern, subpaths: s.subpaths });
  }

  _message(m) {
    if (m.client !== undefined) { this.client = m.client; this.transport = m.transport; }
    switch (m.op) {
      case 'state':
        this.state = m.state;
        if (m.state === 'open') this.emit('open', { client: m.client, transport: m.transport, shared: true });
        break;
      case 'event':
        if (m.state) this.state = m.state;
        this.emit(m.name, m.arg);
        break;
      case 'datagram': { const s = this._subs.get(m.sid); if (s) s.handler(m.d); this.emit('datagram', m.d); break; }
      case 'ready': {
        const s = this._subs.get(m.sid);
        if (s) {
          if (m.ok) s.resolve();
          else { s.reject(Object.assign(new Error(m.message || m.error), { error: m.error })); this._subs.delete(m.sid); }
        }
        break;
      }
      case 'ack': {
        const a = this._acks.get(m.rid);
        if (a) {
          this._acks.delete(m.rid);
          if (m.ok) a.resolve(m.ack); else a.reject(Object.assign(new Error(m.message || m.error), { error: m.error }));
        }
        break;
      }
      default: break;
    }
  }

  subscribe(pattern, handler, subpaths) {
    if (typeof handler !== 'function') throw new TypeError('subscribe needs a handler function');
    const sid = 's' + randomId() + nextSeq();
    const s = { pattern, subpaths: !!subpaths, handler };
    const ready = new Promise((resolve, reject) => { s.resolve = resolve; s.reject = reject; });
    ready.catch(() => {});
    this._subs.set(sid, s);
    this._post({ op: 'sub', sid, pattern, subpaths: !!subpaths });
    return {
      pattern, ready,
      unsubscribe: () => { if (this._subs.delete(sid)) this._post({ op: 'unsub', sid }); },
    };
  }

  publish(path, data, id) {
    const rid = 'r' + randomId() + nextSeq();
    return new Promise((resolve, reject) => {
      this._acks.set(rid, { resolve, reject });
      this._post({ op: 'pub', rid, path, data: data === undefined ? null : data, id });
    });
  }

  drop() { this._post({ op: 'drop' }); }

  close() {
    if (this.state === 'closed') return;
    this._post({ op: 'bye' });
    this.state = 'closed';
    this.emit('close', { reason: 'client' });
  }
}

/**
 * Without SharedWorker: the tabs elect a leader with Web Locks; the leader runs the hub and every tab,
 * the leader included, talks to it over a BroadcastChannel. When the leader goes, the next tab in line
 * takes the lock, starts a hub and announces it; tabs then register their subscriptions again.
 */
function leaderPort(url, options, onMessage, onNewHub) {
  const name = 'warren ' + url;
  const me = 't' + randomId();
  const bc = new BroadcastChannel(name);
  bc.onmessage = e => {
    const m = e.data;
    if (m.to === me) onMessage(m.msg);
    else if (m.to === '*' && m.msg.op === 'hub') onNewHub();
  };
  if (root.navigator && navigator.locks) {
    navigator.locks.request(name, () => new Promise(() => {
      // This tab leads until it closes (the lock is released with it).
      const hub = hubFor(url, options);
      const hubChannel = new BroadcastChannel(name);
      const tabs = new Map();
      hubChannel.onmessage = e => {
        const m = e.data;
        if (m.to !== 'hub') return;
        if (m.msg.op === 'hello') {
          const port = { postMessage: msg => hubChannel.postMessage({ to: m.from, msg }) };
          tabs.set(m.from, serveTab(hub, port));
        } else {
          const h = tabs.get(m.from);
          if (h) h(m.msg);
          if (m.msg.op === 'bye') tabs.delete(m.from);
        }
      };
      // Every tab, this one included, answers by (re-)registering with the new hub.
      hubChannel.postMessage({ to: '*', msg: { op: 'hub' } });
    }));
  }
  return { postMessage: msg => bc.postMessage({ to: 'hub', from: me, msg }) };
}

// This very script, for the SharedWorker that shares a tunnel between tabs (the global build swaps this line).
const SCRIPT = { url: import.meta.url, type: 'module' };

// ---------------------------------------------------------------------------------------------------------

/**
 * A Warren client: one tunnel to the server at `url`, over the best transport available.
 * Events: open, reconnecting, resume, gap, replaced, close, error, datagram.
 */
export class Warren extends Emitter {
  constructor(url, options = {}) {
    super();
    if (url === undefined || url === null) url = hasWindow ? location.origin : '';
    this.url = new URL(url, hasWindow ? location.href : undefined).href.replace(/\/+$/, '');
    this.options = { ...DEFAULTS, ...options };
    const emit = (name, arg) => this._emit(name, arg);
    const shareable = this.options.shareTabs && hasWindow
      && (typeof SharedWorker === 'function' && SCRIPT.url || typeof BroadcastChannel === 'function' && navigator.locks);
    this._core = shareable
      ? new SharedCore(this.url, this.options, emit, this.options.sharedWorker === false ? null : SCRIPT)
      : new Core(this.url, this.options, emit);
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
   * server acknowledged the interest.
   */
  subscribe(pattern, handler, options = {}) {
    return this._core.subscribe(pattern, handler, !!options.subpaths);
  }

  /**
   * Publishes `data` to `path`; resolves with the server's ack {ok, id}, rejects with its error
   * ({error, message}). A client-chosen id (options.id, generated otherwise) makes retries safe.
   */
  publish(path, data, options = {}) {
    return this._core.publish(path, data, options.id);
  }

  /** Drops the current connection as a network failure would (for demos and tests); it resumes. */
  drop() { this._core.drop(); }

  /** Closes the tunnel for good. */
  close() { this._core.close(); }
}

export default Warren;
