/* warren-client: built from src/ by build.cjs */

// src/util.js
var seq = 0;
var nextSeq = () => ++seq;
var randomId = () => Math.random().toString(36).slice(2, 10) + Date.now().toString(36).slice(-4);
var hasWindow = typeof window !== "undefined" && typeof document !== "undefined";
var root = typeof globalThis !== "undefined" ? globalThis : hasWindow ? window : self;
function setState(owner, state, info) {
  if (!state || owner.state === state) return;
  const previous = owner.state;
  owner.state = state;
  owner.a("state", { state, previous, ...info });
}
function failure(code, message, extra) {
  return Object.assign(new Error(message || code), { error: code }, extra);
}
var Emitter = class {
  constructor() {
    this.v = /* @__PURE__ */ new Map();
  }
  on(name, fn) {
    if (!this.v.has(name)) this.v.set(name, /* @__PURE__ */ new Set());
    this.v.get(name).add(fn);
    return () => this.off(name, fn);
  }
  off(name, fn) {
    const s = this.v.get(name);
    if (s) s.delete(fn);
  }
  ea(name, arg) {
    const s = this.v.get(name);
    if (name === "error" && (!s || !s.size)) {
      console.error("warren", arg);
      return;
    }
    if (!s) return;
    for (const fn of [...s]) {
      try {
        fn(arg);
      } catch (e) {
        if (name === "error") console.error(e);
        else this.ea("error", { error: "handler", message: String(e), cause: e });
      }
    }
  }
};
function matcher(pattern, subpaths) {
  const reserved = (p) => p.startsWith("/meta/") || p.startsWith("/client/");
  if (subpaths) {
    const base = pattern === "/" ? "" : pattern;
    return (p) => p === pattern || p.startsWith(base + "/") && !reserved(p);
  }
  if (pattern.endsWith("/**")) {
    const base = pattern.slice(0, -3);
    return (p) => p.length > base.length + 1 && p.startsWith(base + "/") && !reserved(p);
  }
  if (pattern.endsWith("/*")) {
    const base = pattern.slice(0, -2);
    return (p) => p.length > base.length + 1 && p.startsWith(base + "/") && p.indexOf("/", base.length + 1) < 0 && !reserved(p);
  }
  return (p) => p === pattern;
}
var IdWindow = class {
  constructor(size) {
    this.size = size;
    this.set = /* @__PURE__ */ new Set();
  }
  add(id) {
    if (this.set.has(id)) return false;
    this.set.add(id);
    if (this.set.size > this.size) this.set.delete(this.set.values().next().value);
    return true;
  }
};
function backoff(attempt, min, max, floor = 0) {
  const cap = Math.min(max, min * Math.pow(2, Math.min(attempt, 20)));
  return Math.max(floor, Math.round(Math.random() * cap));
}
var LineSplitter = class {
  constructor() {
    this.rest = "";
  }
  push(text) {
    const parts = (this.rest + text).split("\n");
    this.rest = parts.pop();
    return parts.filter((l) => l.trim() !== "");
  }
};
async function httpFailure(r) {
  let body = null;
  try {
    body = await r.json();
  } catch (e) {
  }
  const retry = Number(r.headers.get("Retry-After"));
  return failure(
    body && body.error || "http-" + r.status,
    body && body.message || "HTTP " + r.status,
    { status: r.status, retryAfter: retry > 0 ? retry * 1e3 : 0 }
  );
}

// src/outbox.js
var MAX_BATCH = 1e3;
var Outbox = class {
  constructor(core) {
    this.i = core;
    this.l = /* @__PURE__ */ new Map();
    this.H = false;
    this.maxBody = core.b.maxBody;
    this.w = 0;
  }
  /** Queues `datagram`; resolves with its ack. */
  send(datagram, control = false) {
    return new Promise((resolve, reject) => {
      if (this.i.state === "closed") {
        reject(failure("closed"));
        return;
      }
      const ref = datagram.id || "w" + randomId() + nextSeq();
      datagram.id = ref;
      const bytes = JSON.stringify(datagram).length + 64;
      if (bytes > this.maxBody) {
        reject(failure("too-large", "over maxBody"));
        return;
      }
      const item = { x: datagram, I: bytes, Ea: control, y: false, sent: false, resolve, reject };
      if (!control) {
        const ms = this.i.b.publishTimeout;
        item.s = setTimeout(() => this.g(ref, { ok: false, error: "timeout", message: "no ack within " + ms + " ms" }), ms);
      }
      this.l.set(ref, item);
      this.z();
    });
  }
  /** Sends what is not in flight, if a connection is open. */
  z() {
    const core = this.i;
    const conn = core.c;
    if (core.state !== "open" || !conn) return;
    if (conn.Fa) {
      this.Ga(conn);
      return;
    }
    if (this.H) return;
    const batch = this.U(MAX_BATCH);
    if (batch.length) this.h(conn, batch);
  }
  /** Takes the oldest items not in flight, up to `max` of them and maxBody bytes. */
  U(max) {
    const batch = [];
    let size = 2;
    for (const item of this.l.values()) {
      if (item.y) continue;
      if (batch.length === max || batch.length && size + item.I > this.maxBody) break;
      item.y = true;
      item.sent = true;
      size += item.I + 1;
      batch.push(item);
    }
    return batch;
  }
  Ga(conn) {
    for (let batch = this.U(MAX_BATCH); batch.length; batch = this.U(MAX_BATCH)) {
      for (const item of batch) item.fa = true;
      this.w = Math.max(this.w, batch.reduce((n, i) => n + i.I, 2));
      try {
        conn.send(batch.length === 1 ? batch[0].x : batch.map((i) => i.x));
      } catch (e) {
        for (const item of batch) item.y = false;
        return;
      }
    }
  }
  h(conn, batch) {
    const core = this.i;
    this.H = true;
    const tunnel = core.tunnel;
    const body = JSON.stringify(batch.map((i) => ({ ...i.x, tunnel })));
    fetch(core.url("/events"), { ...core.t(), method: "POST", body, headers: { "Content-Type": "text/plain;charset=UTF-8" } }).then(async (r) => {
      if (r.status === 404) throw failure("unknown-tunnel");
      if (r.status === 429 || r.status >= 500) throw await httpFailure(r);
      const acks = r.ok ? await r.json() : null;
      if (!Array.isArray(acks)) {
        const e = await httpFailure(r);
        for (const item of batch) this.g(item.x.id, { ok: false, error: e.error, message: e.message });
      } else {
        acks.forEach((a, i) => this.g(batch[i].x.id, a));
      }
      this.H = false;
      this.z();
    }).catch((e) => {
      this.H = false;
      for (const item of batch) item.y = false;
      if (e && e.error === "unknown-tunnel" && core.c === conn) core.f(conn, "unknown-tunnel");
      else setTimeout(() => this.z(), backoff(1, core.b.backoffMin, core.b.backoffMax, e && e.retryAfter || 0));
    });
  }
  /** An ack (or a rejection) for `ref` arrived. */
  ack(a) {
    if (a && a.ref != null) this.g(String(a.ref), a);
  }
  g(ref, ack) {
    const item = this.l.get(ref);
    if (!item) return;
    this.l.delete(ref);
    clearTimeout(item.s);
    if (ack.ok) item.resolve(ack.expires ? { ok: true, id: ack.id, expires: ack.expires } : { ok: true, id: ack.id });
    else item.reject(failure(ack.error, ack.message, { ack }));
  }
  /** The socket that carried some datagrams is gone: they go out again on the next connection. */
  ga(detail) {
    if (detail && detail.code === 1009 && this.w) {
      this.maxBody = Math.max(1024, this.w - 1);
      for (const [ref, item] of this.l) {
        if (item.I > this.maxBody) this.g(ref, { ok: false, error: "too-large", message: "frame refused (1009)" });
      }
    }
    this.w = 0;
    for (const item of this.l.values()) if (item.fa) {
      item.y = false;
      item.fa = false;
    }
  }
  /**
   * The tunnel was replaced by a new one. Control datagrams are dropped (the subscriptions are registered
   * again); a publish already sent may have been published by the old tunnel, whose idempotency window
   * is gone: it rejects `replaced` rather than risk a duplicate. Unsent publishes go to the new tunnel.
   */
  replaced() {
    for (const [ref, item] of [...this.l]) {
      if (item.Ea) {
        this.l.delete(ref);
        continue;
      }
      if (item.sent) this.g(ref, { ok: false, error: "replaced", message: "sent to a replaced tunnel: maybe published" });
    }
  }
  /** Rejects everything pending with `code`. */
  V(code, message) {
    for (const ref of [...this.l.keys()]) this.g(ref, { ok: false, error: code, message });
  }
};

// src/transports/ws.js
var ws = {
  usable: () => typeof root.WebSocket === "function",
  open(sink, params) {
    const sock = new WebSocket(sink.url("/tunnel", { format: "ws", ...params }).replace(/^http/, "ws"));
    const conn = {
      name: "ws",
      Fa: true,
      send(obj) {
        sock.send(JSON.stringify(obj));
      },
      close() {
        sock.onmessage = sock.onclose = sock.onerror = null;
        try {
          sock.close(1e3);
        } catch (e) {
        }
      }
    };
    sock.onmessage = (e) => {
      let d;
      try {
        d = JSON.parse(e.data);
      } catch (err) {
        sink.f(conn, "bad-message");
        return;
      }
      sink.A(conn, d);
    };
    sock.onclose = (e) => sink.f(conn, e.reason || "closed", { code: e.code });
    return conn;
  }
};

// src/transports/sse.js
var sse = {
  usable: () => typeof root.EventSource === "function",
  open(sink, params) {
    const es = new EventSource(sink.url("/tunnel", { format: "sse", ...params }), { withCredentials: sink.withCredentials });
    const conn = { name: "sse", close() {
      es.onmessage = es.onerror = null;
      es.close();
    } };
    es.onmessage = (e) => {
      let d;
      try {
        d = JSON.parse(e.data);
      } catch (err) {
        sink.f(conn, "bad-message");
        return;
      }
      sink.A(conn, d);
    };
    es.onerror = () => sink.f(conn, "error");
    return conn;
  }
};

// src/transports/stream.js
var stream = {
  usable: () => typeof root.fetch === "function" && typeof root.ReadableStream === "function" && typeof root.TextDecoder === "function",
  open(sink, params) {
    const ctl = new AbortController();
    const conn = { name: "stream", close() {
      ctl.abort();
    } };
    (async () => {
      const r = await fetch(sink.url("/tunnel", { format: "stream", ...params }), { ...sink.t(), signal: ctl.signal });
      if (!r.ok || !r.body) throw await httpFailure(r);
      const reader = r.body.getReader();
      const decoder = new TextDecoder();
      const lines = new LineSplitter();
      for (; ; ) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const line of lines.push(decoder.decode(value, { stream: true }))) sink.A(conn, JSON.parse(line));
      }
      throw new Error("ended");
    })().catch((e) => sink.f(conn, e && e.message || "error", e));
    return conn;
  }
};

// src/transports/poll.js
function pollLoop(sink, params, name, request) {
  const conn = {
    name,
    W: true,
    ha: new AbortController(),
    J: null,
    close() {
      this.closed = true;
      this.ha.abort();
      if (this.J) this.J();
    }
  };
  (async () => {
    let p = { format: name, ...params };
    while (!conn.closed) {
      sink.Ha(conn);
      const batch = await request(sink.url("/tunnel", p), conn);
      if (conn.closed) return;
      if (!Array.isArray(batch)) throw new Error("bad answer");
      for (const d of batch) {
        sink.A(conn, d);
        if (conn.closed) return;
      }
      sink.Ia(conn);
      p = { format: name, ...sink.Ja() };
    }
  })().catch((e) => {
    if (!conn.closed) sink.f(conn, e && e.message || "error", e);
  });
  return conn;
}

// src/transports/longpoll.js
var longpoll = {
  usable: () => typeof root.fetch === "function",
  open(sink, params) {
    return pollLoop(sink, params, "longpoll", async (url, conn) => {
      const r = await fetch(url, { ...sink.t(), signal: conn.ha.signal });
      if (!r.ok) throw await httpFailure(r);
      return r.json();
    });
  }
};

// src/transports/callbacks.js
var GRACE = 1e4;
function registry() {
  if (!window.__warren) Object.defineProperty(window, "__warren", { value: /* @__PURE__ */ Object.create(null), configurable: true });
  return window.__warren;
}
function callback(prefix, fn) {
  const reg = registry();
  const key = prefix + nextSeq();
  reg[key] = fn;
  return {
    name: "__warren." + key,
    done() {
      delete reg[key];
    },
    abandon() {
      reg[key] = () => {
      };
      setTimeout(() => {
        delete reg[key];
      }, GRACE);
    }
  };
}

// src/transports/iframe.js
var iframe = {
  usable: () => typeof root.document !== "undefined",
  open(sink, params) {
    const frame = document.createElement("iframe");
    const cb = callback("f", (d) => sink.A(conn, JSON.parse(JSON.stringify(d))));
    const conn = {
      name: "iframe",
      close() {
        frame.onload = null;
        frame.remove();
        cb.done();
      }
    };
    frame.style.display = "none";
    frame.setAttribute("aria-hidden", "true");
    frame.onload = () => sink.f(conn, "ended");
    frame.src = sink.url("/tunnel", { format: "iframe", ...params, callback: cb.name });
    document.body.appendChild(frame);
    return conn;
  }
};

// src/transports/jsonp.js
var jsonp = {
  usable: () => typeof root.document !== "undefined",
  open(sink, params) {
    return pollLoop(sink, params, "jsonp", (url, conn) => new Promise((resolve, reject) => {
      const script = document.createElement("script");
      const cb = callback("j", (arr) => {
        finish();
        cb.done();
        resolve(arr);
      });
      const finish = () => {
        script.onerror = null;
        script.remove();
        conn.J = null;
      };
      script.onerror = () => {
        finish();
        cb.abandon();
        reject(new Error("script error"));
      };
      conn.J = () => {
        finish();
        cb.abandon();
        reject(new Error("closed"));
      };
      script.src = url + "&callback=" + cb.name;
      document.head.appendChild(script);
    }));
  }
};

// src/transports/index.js
var ORDER = ["ws", "sse", "stream", "longpoll", "iframe", "jsonp"];
var transports = { ws, sse, stream, longpoll, iframe, jsonp };

// src/policy.js
var Policy = class {
  constructor(opts) {
    this.b = opts;
    const wanted = opts.transport === "auto" ? ORDER : [opts.transport];
    this.B = wanted.filter((t) => ORDER.includes(t) && transports[t].usable());
    if (this.B.length === 0) throw new Error("no usable transport: " + wanted);
    this.index = 0;
    this.X = 0;
    this.K = 0;
    this.ia = /* @__PURE__ */ new Set();
    this.L = opts.probeInterval;
  }
  Ka() {
    return this.B[this.index];
  }
  ja() {
    return this.B[0];
  }
  La() {
    return this.index < this.B.length - 1;
  }
  /** An attempt opened: counters reset; answers whether to probe the best transport later. */
  q(name) {
    this.index = Math.max(0, this.B.indexOf(name));
    this.X = 0;
    this.K = 0;
    this.ia.add(name);
    return this.index > 0 && this.b.probeInterval > 0;
  }
  /** A connection failed before opening: whether the reachable-server check may lead to a step down. */
  Ma(name) {
    this.K++;
    return this.La() && (!this.ia.has(name) || this.K >= 2);
  }
  Na() {
    this.index++;
    this.K = 0;
  }
  Oa() {
    this.L = Math.min(this.L * 2, this.b.probeInterval * 16);
  }
  Pa() {
    this.L = this.b.probeInterval;
  }
  /** The next retry delay (ms), or -1 when `maxAttempts` is spent. */
  Qa(floor) {
    if (this.b.maxAttempts > 0 && this.X >= this.b.maxAttempts) return -1;
    return backoff(this.X++, this.b.backoffMin, this.b.backoffMax, floor || 0);
  }
};

// src/subscriptions.js
var Subscriptions = class {
  constructor(send, emit) {
    this.send = send;
    this.a = emit;
    this.e = /* @__PURE__ */ new Map();
    this.M = false;
  }
  add(pattern, handler, subpaths) {
    const key = subpaths ? pattern + " +subpaths" : pattern;
    let sub = this.e.get(key);
    if (!sub) {
      sub = { ka: key, pattern, subpaths: !!subpaths, Ra: matcher(pattern, subpaths), N: /* @__PURE__ */ new Set(), Y: false, u: [], O: 0 };
      this.e.set(key, sub);
      if (this.M) this.la(sub);
    }
    sub.N.add(handler);
    const ready = sub.Y ? Promise.resolve() : new Promise((resolve, reject) => sub.u.push({ resolve, reject }));
    ready.catch(() => {
    });
    let done = false;
    return {
      pattern,
      ready,
      unsubscribe: () => {
        if (done) return;
        done = true;
        sub.N.delete(handler);
        if (sub.N.size > 0 || this.e.get(key) !== sub) return;
        this.e.delete(key);
        for (const w of sub.u.splice(0)) w.reject(failure("unsubscribed"));
        if (this.M) this.send({ path: "/meta/unsubscribe", data: this.ma(sub) }, true).catch(() => {
        });
      }
    };
  }
  ma(sub) {
    return sub.subpaths ? { path: sub.pattern, subpaths: true } : { path: sub.pattern };
  }
  la(sub) {
    const epoch = ++sub.O;
    sub.Y = false;
    return this.send({ path: "/meta/subscribe", data: this.ma(sub) }, true).then(() => {
      if (sub.O !== epoch) return;
      sub.Y = true;
      for (const w of sub.u.splice(0)) w.resolve();
    }, (e) => {
      if (sub.O !== epoch || e.error === "closed") return;
      for (const w of sub.u.splice(0)) w.reject(e);
      if (this.e.get(sub.ka) === sub) this.e.delete(sub.ka);
      this.a("error", { error: e.error, message: e.message, pattern: sub.pattern });
    });
  }
  /** A new tunnel holds no interest: (re-)register every subscription; resolves when all are answered. */
  Sa() {
    this.M = true;
    return Promise.all([...this.e.values()].map((sub) => this.la(sub)));
  }
  /** Patterns to pass as subscribe= when attaching, so a replacement tunnel has them from its first instant. */
  Ta() {
    const out = [];
    let chars = 0;
    for (const sub of this.e.values()) {
      if (sub.subpaths) continue;
      chars += sub.pattern.length + 11;
      if (chars > 1500 || out.length >= 64) break;
      out.push(sub.pattern);
    }
    return out.length ? out : void 0;
  }
  /** Calls the handlers whose pattern matches; an exception is reported, never stops the others. */
  Ua(datagram) {
    for (const sub of [...this.e.values()]) {
      if (!sub.Ra(datagram.path)) continue;
      for (const h of [...sub.N]) {
        try {
          h(datagram);
        } catch (e) {
          this.a("error", { error: "handler", message: String(e), cause: e, pattern: sub.pattern });
        }
      }
    }
  }
  /**
   * The server removed an interest (`/meta/unsubscribed`, e.g. refreshed credentials no longer allow it):
   * the subscription ends, a pending `ready` rejects with the reason, and `unsubscribed` is emitted.
   */
  revoked(data) {
    const key = data.subpaths ? data.path + " +subpaths" : data.path;
    const sub = this.e.get(key);
    if (!sub) return;
    this.e.delete(key);
    sub.O++;
    for (const w of sub.u.splice(0)) w.reject(failure(data.reason || "unsubscribed", "removed by the server"));
    this.a("unsubscribed", { pattern: sub.pattern, subpaths: sub.subpaths, reason: data.reason || "unsubscribed" });
  }
  /** close(): every pending `ready` rejects `closed`. */
  V() {
    for (const sub of this.e.values()) for (const w of sub.u.splice(0)) w.reject(failure("closed"));
  }
};

// src/core.js
var Core = class {
  constructor(url, opts, emit) {
    this.Va = new URL(url);
    this.b = opts;
    this.a = emit;
    this.state = "connecting";
    this.client = null;
    this.transport = null;
    this.keepalive = 25e3;
    this.tunnel = opts.resume ? opts.resume.tunnel : null;
    this.last = opts.resume ? opts.resume.last : null;
    this.c = null;
    this.token = opts.token || null;
    this.Z = !!this.tunnel;
    this.C = new IdWindow(opts.dedupWindow);
    this.j = new Policy(opts);
    this.k = new Outbox(this);
    this.e = new Subscriptions((d, control) => this.k.send(d, control), emit);
    if (this.tunnel) this.e.M = true;
    this.Wa = {
      url: (path, params) => this.url(path, params),
      t: () => this.t(),
      withCredentials: !!opts.withCredentials,
      A: (conn, d) => this.Xa(conn, d),
      Ia: (conn) => {
        if (conn === this.c && !conn.q) this.na(conn);
      },
      Ha: (conn) => {
        if (conn === this.c) this.P = Date.now();
      },
      f: (conn, reason, detail) => this.f(conn, reason, detail),
      Ja: () => ({ tunnel: this.tunnel, last: this.last || void 0 })
    };
    this.Ya = listenEnvironment(this);
    this.r = !!opts.getToken;
    this._();
  }
  /** A URL on the server: the base URL's path and query kept, then `params` (arrays repeat), then the token. */
  url(path, params) {
    const u = new URL(this.Va.href);
    u.pathname = u.pathname.replace(/\/+$/, "") + path;
    for (const [k, v] of Object.entries(params || {})) {
      if (v === void 0 || v === null) continue;
      for (const one of Array.isArray(v) ? v : [v]) u.searchParams.append(k, String(one));
    }
    if (this.token && path === "/tunnel") u.searchParams.set("token", this.token);
    return u.href;
  }
  t() {
    return { cache: "no-store", credentials: this.b.withCredentials ? "include" : "same-origin" };
  }
  o(state, info) {
    setState(this, state, info);
  }
  async _() {
    this.D = null;
    if (this.state === "closed") return;
    if (this.r) {
      this.r = false;
      try {
        this.token = await this.b.getToken();
      } catch (e) {
        this.a("error", { error: "token", message: "getToken failed: " + e, cause: e });
        this.r = true;
        this.$(0, true);
        return;
      }
      if (this.state === "closed") return;
    }
    const name = this.j.Ka();
    const conn = this.oa(name);
    if (!conn) return;
    this.c = conn;
    this.P = Date.now();
    const wait = conn.W && this.tunnel ? this.aa(conn) : this.b.openTimeout;
    this.ba = setTimeout(() => this.f(conn, "open-timeout"), wait);
  }
  /** Opens a connection with `name` to the current tunnel (or a new one); null when it threw. */
  oa(name, probe) {
    const params = this.tunnel ? { tunnel: this.tunnel, last: this.last || void 0 } : { new: 1 };
    const patterns = this.e.Ta();
    if (patterns) params.subscribe = patterns;
    try {
      const conn = transports[name].open(this.Wa, params);
      conn.q = false;
      conn.jb = !!probe;
      return conn;
    } catch (e) {
      if (probe) return null;
      const conn = { name, close() {
      } };
      this.c = conn;
      this.f(conn, String(e));
      return null;
    }
  }
  Xa(conn, d) {
    if (conn === this.n && d && d.path === "/meta/open") this.Za(conn);
    if (conn !== this.c || !d || typeof d.path !== "string") return;
    this.P = Date.now();
    switch (d.path) {
      case "/meta/open":
        this._a(conn, d.data || {});
        return;
      case "/meta/keepalive":
        return;
      case "/meta/ack":
        this.k.ack(d.data);
        return;
      case "/meta/error":
        this.a("error", { ...d.data });
        return;
      case "/meta/close":
        this.$a(conn, d.data || {});
        return;
      case "/meta/unsubscribed":
        if (d.id == null || !this.C.set.has(d.id)) this.e.revoked(d.data || {});
        break;
      default:
        break;
    }
    if (d.id == null && d.path.startsWith("/meta/")) return;
    if (conn.W && !conn.q) this.na(conn);
    if (d.id != null) {
      if (!this.C.add(d.id)) return;
      this.last = d.id;
    }
    const datagram = { id: d.id, path: d.path, data: d.data };
    if (d.from !== void 0) datagram.from = d.from;
    this.e.Ua(datagram);
    this.a("datagram", datagram);
  }
  /** A poll answered without an open datagram re-attached to the same tunnel with nothing lost. */
  na(conn) {
    this.pa(conn);
    this.a("resume", { client: this.client, transport: this.transport, resumed: true });
    this.k.z();
  }
  pa(conn) {
    clearTimeout(this.ba);
    conn.q = true;
    this.qa = false;
    this.transport = conn.name;
    this.o("open", { transport: conn.name });
    if (this.j.q(conn.name)) this.ra();
    this.ab();
  }
  _a(conn, info) {
    const first = !this.Z;
    const replaced = !first && (!!info.replaced || !info.resumed);
    this.Z = true;
    this.tunnel = info.tunnel;
    this.client = info.client;
    if (info.keepalive > 0) this.keepalive = info.keepalive;
    this.pa(conn);
    this.sa(info.expires);
    const event = { client: this.client, transport: this.transport, path: info.path, resumed: !!info.resumed };
    if (first || replaced) {
      this.last = null;
      if (replaced) this.k.replaced();
      const ready = this.e.Sa();
      if (first) this.a("open", event);
      else ready.then(() => {
        if (this.client === event.client) this.a("replaced", { ...event, replaced: true });
      });
    } else if (info.gap) {
      this.a("gap", { ...event, gap: true });
    } else {
      this.a("resume", event);
    }
    this.k.z();
  }
  // ---- in-band token refresh (/meta/refresh) ----
  /** Sends a fresh token from getToken() ahead of `expires` (epoch ms), so the tunnel outlives it. */
  sa(expires) {
    clearTimeout(this.Q);
    this.Q = null;
    if (!this.b.getToken || !(expires > 0) || this.state === "closed") return;
    const left = expires - Date.now();
    const delay = Math.max(0, left - Math.min(this.b.refreshAhead, left / 2));
    this.Q = setTimeout(() => this.bb(), Math.min(delay, 2147483647));
  }
  /**
   * Refused (or getToken failing): nothing more is tried on this tunnel; at expiry the server closes it
   * `expired` and the client reconnects with a fresh token, as without refresh. Every promise settles: the
   * refresh goes through the outbox like a publish (acked, refused, timed out, or rejected on close).
   */
  async bb() {
    this.Q = null;
    let token;
    try {
      token = await this.b.getToken();
    } catch (e) {
      this.a("error", { error: "token", message: "getToken failed: " + e, cause: e });
      return;
    }
    if (this.state === "closed") return;
    this.k.send({ path: "/meta/refresh", data: { token } }).then((ack) => {
      this.token = token;
      this.a("refresh", { expires: ack.expires || null });
      this.sa(ack.expires);
    }, (e) => {
      if (e.error === "closed") return;
      this.r = true;
      this.a("error", { error: e.error || "refresh", message: "token refresh refused: " + (e.message || e.error), refresh: true });
    });
  }
  $a(conn, info) {
    if (info.reason === "expired" && this.b.getToken) this.r = true;
    if (info.reconnect === false) {
      this.E({ reason: info.reason || "closed", error: info.error, message: info.message, byServer: true });
      return;
    }
    this.f(conn, info.reason || "closed", { byServer: true });
  }
  /** The connection failed or ended (reported once by its transport, or decided here). */
  f(conn, reason, detail) {
    if (conn === this.n) {
      this.ta();
      return;
    }
    if (conn !== this.c || this.state === "closed") return;
    conn.close();
    this.c = null;
    clearTimeout(this.ba);
    this.R();
    this.k.ga(detail);
    const status = detail && detail.status;
    const code = detail && detail.error;
    if (status === 401 || status === 403) {
      if (this.b.getToken && !this.qa) {
        this.qa = true;
        this.r = true;
        this.ua(conn, reason, 0);
      } else {
        this.E({ reason: code || "unauthorized", error: code || "unauthorized", message: detail.message, status });
      }
      return;
    }
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
      this.E({ reason: code || "http-" + status, error: code, message: detail.message, status });
      return;
    }
    if (!this.Z) {
      this.a("error", { error: code || "connect-failed", message: reason, transport: conn.name, status });
    }
    const floor = detail && detail.retryAfter || 0;
    if (!conn.q && !status && !(detail && detail.byServer) && this.j.Ma(conn.name)) {
      this.va(reason, conn);
      reachable(this).then((ok) => {
        if (ok && this.state !== "closed") this.j.Na();
        this.$(floor);
      });
      return;
    }
    this.ua(conn, reason, floor);
  }
  ua(conn, reason, floor) {
    this.va(reason, conn);
    this.$(floor);
  }
  va(reason, conn) {
    if (this.state === "open") {
      this.o("reconnecting", { reason });
      this.a("reconnecting", { reason, transport: conn.name });
    }
  }
  /** Connects again after a backoff delay (at once to retry with a refreshed token). */
  $(floor, backOff) {
    if (this.state === "closed" || this.D) return;
    const delay = this.r && !backOff && !floor ? 0 : this.j.Qa(floor);
    if (delay < 0) {
      this.E({ reason: "unreachable", error: "unreachable", message: "gave up after " + this.b.maxAttempts + " attempts" });
      return;
    }
    this.cb = Date.now() + floor;
    this.D = setTimeout(() => this._(), delay);
  }
  /**
   * Reconnects now if waiting to (the network came back, or the page woke up), unless a server's
   * Retry-After still runs: that wait is the server's, not the network's. Checks a stale connection.
   */
  wa() {
    if (this.state === "closed") return;
    if (this.D) {
      if (Date.now() >= this.cb) {
        clearTimeout(this.D);
        this._();
      }
      return;
    }
    if (this.c && this.c.q && Date.now() - this.P > this.aa(this.c)) this.f(this.c, "silent");
  }
  // ---- probing the best transport after a step down ----
  ra() {
    clearTimeout(this.xa);
    this.xa = setTimeout(() => {
      if (this.state !== "open" || this.n || this.transport === this.j.ja()) return;
      const probe = this.oa(this.j.ja(), true);
      if (!probe) {
        this.ta();
        return;
      }
      this.n = probe;
      probe.s = setTimeout(() => this.f(probe, "open-timeout"), this.b.openTimeout);
    }, this.j.L);
  }
  /** The probe opened: it becomes the connection (the server supersedes the old one). */
  Za(probe) {
    clearTimeout(probe.s);
    this.n = null;
    this.j.Pa();
    if (this.c) this.c.close();
    this.R();
    this.k.ga();
    this.c = probe;
  }
  ta() {
    const probe = this.n;
    this.n = null;
    if (probe) {
      clearTimeout(probe.s);
      probe.close();
    }
    this.j.Oa();
    if (this.state === "open") this.ra();
  }
  // ---- dead connections ----
  aa(conn) {
    return this.b.deadAfter || (conn.W ? this.keepalive * 2 + 2e3 : Math.round(this.keepalive * 1.5) + 2e3);
  }
  ab() {
    this.R();
    const conn = this.c;
    const dead = this.aa(conn);
    this.ya = setInterval(() => {
      if (this.c === conn && Date.now() - this.P > dead) this.f(conn, "silent");
    }, Math.max(250, Math.min(1e3, dead / 4)));
  }
  R() {
    clearInterval(this.ya);
    this.ya = null;
  }
  /** Drops the connection as a network failure would; the client reconnects and resumes. */
  drop() {
    if (this.c) this.f(this.c, "dropped");
  }
  E(info) {
    if (this.state === "closed") return;
    this.o("closed", { reason: info.reason });
    this.R();
    clearTimeout(this.D);
    clearTimeout(this.ba);
    clearTimeout(this.xa);
    clearTimeout(this.Q);
    if (this.n) {
      this.n.close();
      this.n = null;
    }
    if (this.c) {
      this.c.close();
      this.c = null;
    }
    this.Ya();
    this.k.V("closed", "the client is closed");
    this.e.V();
    this.a("close", info);
  }
  close() {
    this.E({ reason: "client" });
  }
  subscribe(pattern, handler, subpaths) {
    return this.e.add(pattern, handler, subpaths);
  }
  publish(path, data, id) {
    const d = { path, data: data === void 0 ? null : data };
    if (id != null) d.id = String(id);
    return this.k.send(d);
  }
};
async function reachable(core) {
  if (typeof root.fetch !== "function") return true;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), Math.max(2e3, core.b.openTimeout));
  try {
    const r = await fetch(core.url("/events"), { ...core.t(), signal: ctl.signal });
    await r.body?.cancel();
    return true;
  } catch (e) {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
function listenEnvironment(core) {
  if (!hasWindow) return () => {
  };
  const wake = () => core.wa();
  const visible = () => {
    if (document.visibilityState === "visible") core.wa();
  };
  window.addEventListener("online", wake);
  document.addEventListener("visibilitychange", visible);
  return () => {
    window.removeEventListener("online", wake);
    document.removeEventListener("visibilitychange", visible);
  };
}

// src/share/hub.js
var Hub = class {
  constructor(url, options, onPosition) {
    this.S = /* @__PURE__ */ new Set();
    const emit = (name, arg) => {
      const core = this.i;
      if (name === "datagram") {
        if (onPosition && core) onPosition({ tunnel: core.tunnel, last: core.last });
        return;
      }
      const msg = { op: "event", name, arg: strip(arg), ...snapshot(core) };
      for (const l of [...this.S]) l(msg);
    };
    this.i = new Core(url, { ...options, shareTabs: false }, emit);
  }
  db(fn) {
    this.S.add(fn);
    return () => this.S.delete(fn);
  }
  /** Stops serving (the tabs are told by the next hub); the tunnel stays for the next hub to re-attach. */
  close() {
    this.S.clear();
    this.i.close();
  }
};
function snapshot(core) {
  return core ? { state: core.state, client: core.client, transport: core.transport, tunnel: core.tunnel, last: core.last } : {};
}
var strip = (arg) => arg && typeof arg === "object" ? JSON.parse(JSON.stringify(arg, (k, v) => k === "cause" ? void 0 : v)) : arg;
function serveTab(hub, port) {
  const subs = /* @__PURE__ */ new Map();
  const off = hub.db((msg) => port.postMessage(msg));
  port.postMessage({ op: "state", ...snapshot(hub.i) });
  return function onMessage(m) {
    const core = hub.i;
    switch (m.op) {
      case "sub": {
        if (subs.has(m.sid)) break;
        const s = core.subscribe(m.pattern, (d) => port.postMessage({ op: "datagram", sid: m.sid, d, last: core.last }), m.subpaths);
        subs.set(m.sid, s);
        s.ready.then(
          () => port.postMessage({ op: "ready", sid: m.sid, ok: true }),
          (e) => port.postMessage({ op: "ready", sid: m.sid, ok: false, error: e.error, message: e.message })
        );
        break;
      }
      case "unsub": {
        const s = subs.get(m.sid);
        if (s) {
          s.unsubscribe();
          subs.delete(m.sid);
        }
        break;
      }
      case "pub":
        core.publish(m.path, m.data, m.id).then(
          (ack) => port.postMessage({ op: "ack", rid: m.rid, ok: true, ack }),
          (e) => port.postMessage({ op: "ack", rid: m.rid, ok: false, error: e.error, message: e.message })
        );
        break;
      case "drop":
        core.drop();
        break;
      case "bye":
        for (const s of subs.values()) s.unsubscribe();
        subs.clear();
        off();
        break;
      default:
        break;
    }
  };
}

// src/share/leader.js
function leaderPort(url, options, onMessage, onNewHub) {
  const name = "warren " + url;
  const me = "t" + randomId();
  let position = options.resume || null;
  let bc = null;
  let lead = null;
  let abort = null;
  const join = () => {
    bc = new BroadcastChannel(name);
    bc.onmessage = (e) => {
      const m = e.data;
      if (m.to === me) {
        if (m.msg.tunnel) position = { tunnel: m.msg.tunnel, last: m.msg.last };
        onMessage(m.msg);
      } else if (m.to === "*" && m.msg.op === "pos") position = m.msg.pos;
      else if (m.to === "*" && m.msg.op === "hub") onNewHub();
    };
    abort = new AbortController();
    navigator.locks.request(name, { signal: abort.signal }, () => new Promise((release) => {
      const channel = new BroadcastChannel(name);
      const hub = new Hub(
        url,
        { ...options, resume: position && position.tunnel ? position : void 0 },
        (pos) => channel.postMessage({ to: "*", msg: { op: "pos", pos } })
      );
      const tabs = /* @__PURE__ */ new Map();
      channel.onmessage = (e) => {
        const m = e.data;
        if (m.to !== "hub") return;
        if (m.msg.op === "hello") {
          tabs.set(m.from, serveTab(hub, { postMessage: (msg) => channel.postMessage({ to: m.from, msg }) }));
        } else {
          const h = tabs.get(m.from);
          if (h) h(m.msg);
          if (m.msg.op === "bye") tabs.delete(m.from);
        }
      };
      lead = { eb: hub, fb: channel, gb: release };
      channel.postMessage({ to: "*", msg: { op: "hub" } });
    })).catch(() => {
    });
  };
  const leave = () => {
    if (abort) abort.abort();
    if (lead) {
      lead.eb.close();
      lead.fb.close();
      lead.gb();
      lead = null;
    }
    if (bc) {
      bc.close();
      bc = null;
    }
  };
  join();
  return { postMessage: (msg) => {
    if (bc) bc.postMessage({ to: "hub", from: me, msg });
  }, ca: leave, za: join };
}

// src/share/tab.js
var SharedCore = class {
  constructor(url, options, emit) {
    this.a = emit;
    this.state = "connecting";
    this.client = null;
    this.transport = null;
    this.p = /* @__PURE__ */ new Map();
    this.F = /* @__PURE__ */ new Map();
    this.C = new IdWindow(options.dedupWindow);
    this.hb = url;
    this.da = { ...options, shareTabs: false, getToken: void 0 };
    const onMessage = (m) => this.ib(m);
    this.Aa = () => {
      this.G = leaderPort(url, { ...this.da, getToken: options.getToken }, onMessage, () => this.T());
      this.sharing = "broadcast-channel";
    };
    if (typeof SharedWorker === "function" && options.workerUrl && !options.getToken) {
      const worker = new SharedWorker(options.workerUrl, { name: "warren " + url, type: options.workerType || "classic" });
      const fallback = () => {
        if (this.sharing === "shared-worker" && this.state !== "closed") {
          this.Aa();
          this.T();
        }
      };
      const timer = setTimeout(fallback, options.openTimeout);
      worker.onerror = () => {
        clearTimeout(timer);
        fallback();
      };
      this.G = { postMessage: (m) => worker.port.postMessage(m), ca() {
      }, za() {
      } };
      worker.port.onmessage = (e) => {
        clearTimeout(timer);
        if (this.sharing === "shared-worker") onMessage(e.data);
      };
      worker.port.start();
      this.sharing = "shared-worker";
      this.T();
    } else {
      this.Aa();
      this.Ba();
    }
    if (hasWindow) {
      this.Ca = () => {
        this.h({ op: "bye" });
        this.G.ca();
      };
      this.Da = (e) => {
        if (e.persisted && this.state !== "closed") {
          this.G.za();
          this.T();
        }
      };
      window.addEventListener("pagehide", this.Ca);
      window.addEventListener("pageshow", this.Da);
    }
  }
  h(m) {
    this.G.postMessage(m);
  }
  Ba() {
    this.h({ op: "hello", url: this.hb, options: this.da });
  }
  /** A new hub (leader handover, worker fallback, bfcache restore): register this tab there again. */
  T() {
    this.Ba();
    for (const [sid, s] of this.p) this.h({ op: "sub", sid, pattern: s.pattern, subpaths: s.subpaths });
    for (const p of this.F.values()) this.h(p.m);
  }
  o(state, info) {
    setState(this, state, info);
  }
  ib(m) {
    if (this.state === "closed") return;
    if (m.client !== void 0) {
      this.client = m.client;
      this.transport = m.transport;
    }
    switch (m.op) {
      case "state":
        if (m.state === "open" && this.state !== "open") {
          this.o("open");
          this.a("open", { client: m.client, transport: m.transport, shared: true });
        } else if (m.state !== "closed") this.o(m.state);
        break;
      case "event":
        if (m.name === "close" || m.name === "state") break;
        if (m.state !== "closed") this.o(m.state);
        this.a(m.name, m.arg);
        break;
      case "datagram": {
        const s = this.p.get(m.sid);
        if (!s) break;
        const fresh = m.d.id == null || this.C.add(m.d.id + " " + m.sid);
        if (!fresh) break;
        try {
          s.handler(m.d);
        } catch (e) {
          this.a("error", { error: "handler", message: String(e), cause: e });
        }
        if (m.d.id == null || this.C.add(m.d.id)) this.a("datagram", m.d);
        break;
      }
      case "ready": {
        const s = this.p.get(m.sid);
        if (!s) break;
        if (m.ok) s.resolve();
        else {
          s.reject(failure(m.error, m.message));
          this.p.delete(m.sid);
          this.a("error", { error: m.error, message: m.message, pattern: s.pattern });
        }
        break;
      }
      case "ack":
        this.g(m.rid, m.ok ? null : failure(m.error, m.message), m.ack);
        break;
      default:
        break;
    }
  }
  g(rid, error, ack) {
    const p = this.F.get(rid);
    if (!p) return;
    this.F.delete(rid);
    clearTimeout(p.s);
    if (error) p.reject(error);
    else p.resolve(ack);
  }
  subscribe(pattern, handler, subpaths) {
    const sid = "s" + randomId() + nextSeq();
    const s = { pattern, subpaths: !!subpaths, handler };
    const ready = new Promise((resolve, reject) => {
      s.resolve = resolve;
      s.reject = reject;
    });
    ready.catch(() => {
    });
    if (this.state === "closed") s.reject(failure("closed"));
    else {
      this.p.set(sid, s);
      this.h({ op: "sub", sid, pattern, subpaths: !!subpaths });
    }
    return {
      pattern,
      ready,
      unsubscribe: () => {
        if (!this.p.delete(sid)) return;
        s.reject(failure("unsubscribed"));
        if (this.state !== "closed") this.h({ op: "unsub", sid });
      }
    };
  }
  publish(path, data, id) {
    if (this.state === "closed") return Promise.reject(failure("closed"));
    const rid = "r" + randomId() + nextSeq();
    const m = { op: "pub", rid, path, data: data === void 0 ? null : data, id: id != null ? String(id) : "w" + randomId() + nextSeq() };
    return new Promise((resolve, reject) => {
      const ms = this.da.publishTimeout;
      const timer = setTimeout(() => this.g(rid, failure("timeout", "no ack within " + ms + " ms")), ms);
      this.F.set(rid, { m, resolve, reject, s: timer });
      this.h(m);
    });
  }
  drop() {
    this.h({ op: "drop" });
  }
  close() {
    if (this.state === "closed") return;
    this.h({ op: "bye" });
    this.G.ca();
    if (hasWindow) {
      window.removeEventListener("pagehide", this.Ca);
      window.removeEventListener("pageshow", this.Da);
    }
    this.o("closed", { reason: "client" });
    for (const rid of [...this.F.keys()]) this.g(rid, failure("closed"));
    for (const s of this.p.values()) s.reject(failure("closed"));
    this.p.clear();
    this.a("close", { reason: "client" });
  }
};

// src/share/worker.js
var hubs = /* @__PURE__ */ new Map();
function installWorker() {
  if (typeof root.SharedWorkerGlobalScope !== "function" || !(root instanceof root.SharedWorkerGlobalScope)) return;
  root.onconnect = (e) => {
    const port = e.ports[0];
    let handler = null;
    port.onmessage = (ev) => {
      const m = ev.data;
      if (m.op === "hello") {
        let hub = hubs.get(m.url);
        if (!hub || hub.i.state === "closed") {
          hub = new Hub(m.url, m.options);
          hubs.set(m.url, hub);
        }
        handler = serveTab(hub, port);
      } else if (handler) {
        handler(m);
      }
    };
    port.start();
  };
}

// src/warren.js
var DEFAULTS = {
  transport: "auto",
  openTimeout: 1e4,
  // ms for the open datagram to arrive before the attempt counts as failed
  backoffMin: 500,
  // ms: retry delays are uniform in [0, min(backoffMax, backoffMin * 2^attempt)]
  backoffMax: 15e3,
  maxAttempts: 0,
  // failed attempts in a row before closing with `unreachable`; 0: never give up
  probeInterval: 6e4,
  // ms after a step down before the best transport is tried again (0: never)
  dedupWindow: 2048,
  // datagram ids remembered to drop duplicates
  publishTimeout: 3e4,
  // ms before publish() rejects without an ack
  maxBody: 65536,
  // bytes per /events request or ws frame: the server's max-body
  deadAfter: 0,
  // ms of silence before a connection counts as dead; 0: from the server's keepalive
  refreshAhead: 6e4
  // ms before the credentials' expiry that getToken() is called to refresh them in-band
  // Off unless given: token (sent as token= on /tunnel), getToken (async () => token: at open, after a
  // 401/403, on `expired`), withCredentials (cookies cross-origin), shareTabs (one tunnel for the tabs of
  // this origin), workerUrl (this script's URL, to share through a SharedWorker), workerType ('module').
};
installWorker();
var isPath = (p) => typeof p === "string" && p.startsWith("/");
var Warren = class extends Emitter {
  constructor(url, options = {}) {
    super();
    if (url === void 0 || url === null) url = hasWindow ? location.origin : "";
    this.url = new URL(url, hasWindow ? location.href : void 0).href;
    this.options = { ...DEFAULTS, ...options };
    const emit = (name, arg) => this.ea(name, arg);
    const o = this.options;
    const shareable = o.shareTabs && hasWindow && (typeof SharedWorker === "function" && o.workerUrl || typeof BroadcastChannel === "function" && navigator.locks);
    this._core = shareable ? new SharedCore(this.url, o, emit) : new Core(this.url, o, emit);
  }
  /** The public client id (null until open). */
  get client() {
    return this._core.client;
  }
  /** The transport in use now, after any fallback (null until open). */
  get transport() {
    return this._core.transport;
  }
  /** connecting, open, reconnecting or closed. */
  get state() {
    return this._core.state;
  }
  /** How tabs share the tunnel: 'shared-worker', 'broadcast-channel', or null when they do not. */
  get sharing() {
    return this._core.sharing || null;
  }
  /**
   * Registers interest in `pattern` (`/a/b`, `/a/*`, `/a/**`; `{subpaths:true}` for a path and all below
   * it). The handler gets each matching datagram {id, path, data, from} once. `ready` resolves when the
   * server acknowledged the interest, rejects with its refusal or `closed`.
   */
  subscribe(pattern, handler, options = {}) {
    if (!isPath(pattern)) throw new TypeError("a pattern is a path starting with /");
    if (typeof handler !== "function") throw new TypeError("subscribe needs a handler function");
    return this._core.subscribe(pattern, handler, !!options.subpaths);
  }
  /**
   * Publishes `data` to `path`; resolves with the server's ack {ok, id}, rejects with its error code
   * (too-large, forbidden, rate-limited, ...) or timeout, replaced, closed. A client-chosen id
   * (options.id, generated otherwise) makes resends safe.
   */
  publish(path, data, options = {}) {
    if (!isPath(path)) return Promise.reject(new TypeError("a path starts with /"));
    return this._core.publish(path, data, options.id);
  }
  /** Drops the current connection as a network failure would (for demos and tests); it resumes. */
  drop() {
    this._core.drop();
  }
  /** Closes the tunnel for good: pending publishes and subscriptions reject `closed`. */
  close() {
    this._core.close();
  }
};
var warren_default = Warren;
export {
  IdWindow,
  LineSplitter,
  Warren,
  backoff,
  warren_default as default,
  matcher,
  transports
};
