/* warren-client: built from src/ by build.cjs */
(() => {
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
    owner.b("state", { state, previous, ...info });
  }
  function failure(code, message, extra) {
    return Object.assign(new Error(message || code), { error: code }, extra);
  }
  var Emitter = class {
    constructor() {
      this.u = /* @__PURE__ */ new Map();
    }
    on(name, fn) {
      if (!this.u.has(name)) this.u.set(name, /* @__PURE__ */ new Set());
      this.u.get(name).add(fn);
      return () => this.off(name, fn);
    }
    off(name, fn) {
      const s = this.u.get(name);
      if (s) s.delete(fn);
    }
    da(name, arg) {
      const s = this.u.get(name);
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
          else this.da("error", { error: "handler", message: String(e), cause: e });
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
      this.k = /* @__PURE__ */ new Map();
      this.G = false;
      this.maxBody = core.c.maxBody;
      this.v = 0;
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
        const item = { w: datagram, H: bytes, Ca: control, x: false, sent: false, resolve, reject };
        if (!control) {
          const ms = this.i.c.publishTimeout;
          item.r = setTimeout(() => this.g(ref, { ok: false, error: "timeout", message: "no ack within " + ms + " ms" }), ms);
        }
        this.k.set(ref, item);
        this.y();
      });
    }
    /** Sends what is not in flight, if a connection is open. */
    y() {
      const core = this.i;
      const conn = core.a;
      if (core.state !== "open" || !conn) return;
      if (conn.Da) {
        this.Ea(conn);
        return;
      }
      if (this.G) return;
      const batch = this.S(MAX_BATCH);
      if (batch.length) this.h(conn, batch);
    }
    /** Takes the oldest items not in flight, up to `max` of them and maxBody bytes. */
    S(max) {
      const batch = [];
      let size = 2;
      for (const item of this.k.values()) {
        if (item.x) continue;
        if (batch.length === max || batch.length && size + item.H > this.maxBody) break;
        item.x = true;
        item.sent = true;
        size += item.H + 1;
        batch.push(item);
      }
      return batch;
    }
    Ea(conn) {
      for (let batch = this.S(MAX_BATCH); batch.length; batch = this.S(MAX_BATCH)) {
        for (const item of batch) item.ea = true;
        this.v = Math.max(this.v, batch.reduce((n, i) => n + i.H, 2));
        try {
          conn.send(batch.length === 1 ? batch[0].w : batch.map((i) => i.w));
        } catch (e) {
          for (const item of batch) item.x = false;
          return;
        }
      }
    }
    h(conn, batch) {
      const core = this.i;
      this.G = true;
      const tunnel = core.tunnel;
      const body = JSON.stringify(batch.map((i) => ({ ...i.w, tunnel })));
      fetch(core.url("/events"), { ...core.s(), method: "POST", body, headers: { "Content-Type": "text/plain;charset=UTF-8" } }).then(async (r) => {
        if (r.status === 404) throw failure("unknown-tunnel");
        if (r.status === 429 || r.status >= 500) throw await httpFailure(r);
        const acks = r.ok ? await r.json() : null;
        if (!Array.isArray(acks)) {
          const e = await httpFailure(r);
          for (const item of batch) this.g(item.w.id, { ok: false, error: e.error, message: e.message });
        } else {
          acks.forEach((a, i) => this.g(batch[i].w.id, a));
        }
        this.G = false;
        this.y();
      }).catch((e) => {
        this.G = false;
        for (const item of batch) item.x = false;
        if (e && e.error === "unknown-tunnel" && core.a === conn) core.e(conn, "unknown-tunnel");
        else setTimeout(() => this.y(), backoff(1, core.c.backoffMin, core.c.backoffMax, e && e.retryAfter || 0));
      });
    }
    /** An ack (or a rejection) for `ref` arrived. */
    ack(a) {
      if (a && a.ref != null) this.g(String(a.ref), a);
    }
    g(ref, ack) {
      const item = this.k.get(ref);
      if (!item) return;
      this.k.delete(ref);
      clearTimeout(item.r);
      if (ack.ok) item.resolve({ ok: true, id: ack.id });
      else item.reject(failure(ack.error, ack.message, { ack }));
    }
    /** The socket that carried some datagrams is gone: they go out again on the next connection. */
    fa(detail) {
      if (detail && detail.code === 1009 && this.v) {
        this.maxBody = Math.max(1024, this.v - 1);
        for (const [ref, item] of this.k) {
          if (item.H > this.maxBody) this.g(ref, { ok: false, error: "too-large", message: "frame refused (1009)" });
        }
      }
      this.v = 0;
      for (const item of this.k.values()) if (item.ea) {
        item.x = false;
        item.ea = false;
      }
    }
    /**
     * The tunnel was replaced by a new one. Control datagrams are dropped (the subscriptions are registered
     * again); a publish already sent may have been published by the old tunnel, whose idempotency window
     * is gone: it rejects `replaced` rather than risk a duplicate. Unsent publishes go to the new tunnel.
     */
    replaced() {
      for (const [ref, item] of [...this.k]) {
        if (item.Ca) {
          this.k.delete(ref);
          continue;
        }
        if (item.sent) this.g(ref, { ok: false, error: "replaced", message: "sent to a replaced tunnel: maybe published" });
      }
    }
    /** Rejects everything pending with `code`. */
    T(code, message) {
      for (const ref of [...this.k.keys()]) this.g(ref, { ok: false, error: code, message });
    }
  };

  // src/transports/ws.js
  var ws = {
    usable: () => typeof root.WebSocket === "function",
    open(sink, params) {
      const sock = new WebSocket(sink.url("/tunnel", { format: "ws", ...params }).replace(/^http/, "ws"));
      const conn = {
        name: "ws",
        Da: true,
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
          sink.e(conn, "bad-message");
          return;
        }
        sink.z(conn, d);
      };
      sock.onclose = (e) => sink.e(conn, e.reason || "closed", { code: e.code });
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
          sink.e(conn, "bad-message");
          return;
        }
        sink.z(conn, d);
      };
      es.onerror = () => sink.e(conn, "error");
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
        const r = await fetch(sink.url("/tunnel", { format: "stream", ...params }), { ...sink.s(), signal: ctl.signal });
        if (!r.ok || !r.body) throw await httpFailure(r);
        const reader = r.body.getReader();
        const decoder = new TextDecoder();
        const lines = new LineSplitter();
        for (; ; ) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const line of lines.push(decoder.decode(value, { stream: true }))) sink.z(conn, JSON.parse(line));
        }
        throw new Error("ended");
      })().catch((e) => sink.e(conn, e && e.message || "error", e));
      return conn;
    }
  };

  // src/transports/poll.js
  function pollLoop(sink, params, name, request) {
    const conn = {
      name,
      U: true,
      ga: new AbortController(),
      I: null,
      close() {
        this.closed = true;
        this.ga.abort();
        if (this.I) this.I();
      }
    };
    (async () => {
      let p = { format: name, ...params };
      while (!conn.closed) {
        sink.Fa(conn);
        const batch = await request(sink.url("/tunnel", p), conn);
        if (conn.closed) return;
        if (!Array.isArray(batch)) throw new Error("bad answer");
        for (const d of batch) {
          sink.z(conn, d);
          if (conn.closed) return;
        }
        sink.Ga(conn);
        p = { format: name, ...sink.Ha() };
      }
    })().catch((e) => {
      if (!conn.closed) sink.e(conn, e && e.message || "error", e);
    });
    return conn;
  }

  // src/transports/longpoll.js
  var longpoll = {
    usable: () => typeof root.fetch === "function",
    open(sink, params) {
      return pollLoop(sink, params, "longpoll", async (url, conn) => {
        const r = await fetch(url, { ...sink.s(), signal: conn.ga.signal });
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
      const cb = callback("f", (d) => sink.z(conn, JSON.parse(JSON.stringify(d))));
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
      frame.onload = () => sink.e(conn, "ended");
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
          conn.I = null;
        };
        script.onerror = () => {
          finish();
          cb.abandon();
          reject(new Error("script error"));
        };
        conn.I = () => {
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
      this.c = opts;
      const wanted = opts.transport === "auto" ? ORDER : [opts.transport];
      this.A = wanted.filter((t) => ORDER.includes(t) && transports[t].usable());
      if (this.A.length === 0) throw new Error("no usable transport: " + wanted);
      this.index = 0;
      this.V = 0;
      this.J = 0;
      this.ha = /* @__PURE__ */ new Set();
      this.K = opts.probeInterval;
    }
    Ia() {
      return this.A[this.index];
    }
    ia() {
      return this.A[0];
    }
    Ja() {
      return this.index < this.A.length - 1;
    }
    /** An attempt opened: counters reset; answers whether to probe the best transport later. */
    q(name) {
      this.index = Math.max(0, this.A.indexOf(name));
      this.V = 0;
      this.J = 0;
      this.ha.add(name);
      return this.index > 0 && this.c.probeInterval > 0;
    }
    /** A connection failed before opening: whether the reachable-server check may lead to a step down. */
    Ka(name) {
      this.J++;
      return this.Ja() && (!this.ha.has(name) || this.J >= 2);
    }
    La() {
      this.index++;
      this.J = 0;
    }
    Ma() {
      this.K = Math.min(this.K * 2, this.c.probeInterval * 16);
    }
    Na() {
      this.K = this.c.probeInterval;
    }
    /** The next retry delay (ms), or -1 when `maxAttempts` is spent. */
    Oa(floor) {
      if (this.c.maxAttempts > 0 && this.V >= this.c.maxAttempts) return -1;
      return backoff(this.V++, this.c.backoffMin, this.c.backoffMax, floor || 0);
    }
  };

  // src/subscriptions.js
  var Subscriptions = class {
    constructor(send, emit) {
      this.send = send;
      this.b = emit;
      this.f = /* @__PURE__ */ new Map();
      this.L = false;
    }
    add(pattern, handler, subpaths) {
      const key = subpaths ? pattern + " +subpaths" : pattern;
      let sub = this.f.get(key);
      if (!sub) {
        sub = { ja: key, pattern, subpaths: !!subpaths, Pa: matcher(pattern, subpaths), M: /* @__PURE__ */ new Set(), W: false, B: [], X: 0 };
        this.f.set(key, sub);
        if (this.L) this.ka(sub);
      }
      sub.M.add(handler);
      const ready = sub.W ? Promise.resolve() : new Promise((resolve, reject) => sub.B.push({ resolve, reject }));
      ready.catch(() => {
      });
      let done = false;
      return {
        pattern,
        ready,
        unsubscribe: () => {
          if (done) return;
          done = true;
          sub.M.delete(handler);
          if (sub.M.size > 0 || this.f.get(key) !== sub) return;
          this.f.delete(key);
          for (const w of sub.B.splice(0)) w.reject(failure("unsubscribed"));
          if (this.L) this.send({ path: "/meta/unsubscribe", data: this.la(sub) }, true).catch(() => {
          });
        }
      };
    }
    la(sub) {
      return sub.subpaths ? { path: sub.pattern, subpaths: true } : { path: sub.pattern };
    }
    ka(sub) {
      const epoch = ++sub.X;
      sub.W = false;
      return this.send({ path: "/meta/subscribe", data: this.la(sub) }, true).then(() => {
        if (sub.X !== epoch) return;
        sub.W = true;
        for (const w of sub.B.splice(0)) w.resolve();
      }, (e) => {
        if (sub.X !== epoch || e.error === "closed") return;
        for (const w of sub.B.splice(0)) w.reject(e);
        if (this.f.get(sub.ja) === sub) this.f.delete(sub.ja);
        this.b("error", { error: e.error, message: e.message, pattern: sub.pattern });
      });
    }
    /** A new tunnel holds no interest: (re-)register every subscription; resolves when all are answered. */
    Qa() {
      this.L = true;
      return Promise.all([...this.f.values()].map((sub) => this.ka(sub)));
    }
    /** Patterns to pass as subscribe= when attaching, so a replacement tunnel has them from its first instant. */
    Ra() {
      const out = [];
      let chars = 0;
      for (const sub of this.f.values()) {
        if (sub.subpaths) continue;
        chars += sub.pattern.length + 11;
        if (chars > 1500 || out.length >= 64) break;
        out.push(sub.pattern);
      }
      return out.length ? out : void 0;
    }
    /** Calls the handlers whose pattern matches; an exception is reported, never stops the others. */
    Sa(datagram) {
      for (const sub of [...this.f.values()]) {
        if (!sub.Pa(datagram.path)) continue;
        for (const h of [...sub.M]) {
          try {
            h(datagram);
          } catch (e) {
            this.b("error", { error: "handler", message: String(e), cause: e, pattern: sub.pattern });
          }
        }
      }
    }
    /** close(): every pending `ready` rejects `closed`. */
    T() {
      for (const sub of this.f.values()) for (const w of sub.B.splice(0)) w.reject(failure("closed"));
    }
  };

  // src/core.js
  var Core = class {
    constructor(url, opts, emit) {
      this.Ta = new URL(url);
      this.c = opts;
      this.b = emit;
      this.state = "connecting";
      this.client = null;
      this.transport = null;
      this.keepalive = 25e3;
      this.tunnel = opts.resume ? opts.resume.tunnel : null;
      this.last = opts.resume ? opts.resume.last : null;
      this.a = null;
      this.token = opts.token || null;
      this.Y = !!this.tunnel;
      this.N = new IdWindow(opts.dedupWindow);
      this.j = new Policy(opts);
      this.l = new Outbox(this);
      this.f = new Subscriptions((d, control) => this.l.send(d, control), emit);
      if (this.tunnel) this.f.L = true;
      this.Ua = {
        url: (path, params) => this.url(path, params),
        s: () => this.s(),
        withCredentials: !!opts.withCredentials,
        z: (conn, d) => this.Va(conn, d),
        Ga: (conn) => {
          if (conn === this.a && !conn.q) this.ma(conn);
        },
        Fa: (conn) => {
          if (conn === this.a) this.O = Date.now();
        },
        e: (conn, reason, detail) => this.e(conn, reason, detail),
        Ha: () => ({ tunnel: this.tunnel, last: this.last || void 0 })
      };
      this.Wa = listenEnvironment(this);
      this.t = !!opts.getToken;
      this.Z();
    }
    /** A URL on the server: the base URL's path and query kept, then `params` (arrays repeat), then the token. */
    url(path, params) {
      const u = new URL(this.Ta.href);
      u.pathname = u.pathname.replace(/\/+$/, "") + path;
      for (const [k, v] of Object.entries(params || {})) {
        if (v === void 0 || v === null) continue;
        for (const one of Array.isArray(v) ? v : [v]) u.searchParams.append(k, String(one));
      }
      if (this.token && path === "/tunnel") u.searchParams.set("token", this.token);
      return u.href;
    }
    s() {
      return { cache: "no-store", credentials: this.c.withCredentials ? "include" : "same-origin" };
    }
    o(state, info) {
      setState(this, state, info);
    }
    async Z() {
      this.C = null;
      if (this.state === "closed") return;
      if (this.t) {
        this.t = false;
        try {
          this.token = await this.c.getToken();
        } catch (e) {
          this.b("error", { error: "token", message: "getToken failed: " + e, cause: e });
          this.t = true;
          this._(0, true);
          return;
        }
        if (this.state === "closed") return;
      }
      const name = this.j.Ia();
      const conn = this.na(name);
      if (!conn) return;
      this.a = conn;
      this.O = Date.now();
      const wait = conn.U && this.tunnel ? this.$(conn) : this.c.openTimeout;
      this.aa = setTimeout(() => this.e(conn, "open-timeout"), wait);
    }
    /** Opens a connection with `name` to the current tunnel (or a new one); null when it threw. */
    na(name, probe) {
      const params = this.tunnel ? { tunnel: this.tunnel, last: this.last || void 0 } : { new: 1 };
      const patterns = this.f.Ra();
      if (patterns) params.subscribe = patterns;
      try {
        const conn = transports[name].open(this.Ua, params);
        conn.q = false;
        conn.gb = !!probe;
        return conn;
      } catch (e) {
        if (probe) return null;
        const conn = { name, close() {
        } };
        this.a = conn;
        this.e(conn, String(e));
        return null;
      }
    }
    Va(conn, d) {
      if (conn === this.n && d && d.path === "/meta/open") this.Xa(conn);
      if (conn !== this.a || !d || typeof d.path !== "string") return;
      this.O = Date.now();
      switch (d.path) {
        case "/meta/open":
          this.Ya(conn, d.data || {});
          return;
        case "/meta/keepalive":
          return;
        case "/meta/ack":
          this.l.ack(d.data);
          return;
        case "/meta/error":
          this.b("error", { ...d.data });
          return;
        case "/meta/close":
          this.Za(conn, d.data || {});
          return;
        default:
          break;
      }
      if (d.id == null && d.path.startsWith("/meta/")) return;
      if (conn.U && !conn.q) this.ma(conn);
      if (d.id != null) {
        if (!this.N.add(d.id)) return;
        this.last = d.id;
      }
      const datagram = { id: d.id, path: d.path, data: d.data };
      if (d.from !== void 0) datagram.from = d.from;
      this.f.Sa(datagram);
      this.b("datagram", datagram);
    }
    /** A poll answered without an open datagram re-attached to the same tunnel with nothing lost. */
    ma(conn) {
      this.oa(conn);
      this.b("resume", { client: this.client, transport: this.transport, resumed: true });
      this.l.y();
    }
    oa(conn) {
      clearTimeout(this.aa);
      conn.q = true;
      this.pa = false;
      this.transport = conn.name;
      this.o("open", { transport: conn.name });
      if (this.j.q(conn.name)) this.qa();
      this._a();
    }
    Ya(conn, info) {
      const first = !this.Y;
      const replaced = !first && (!!info.replaced || !info.resumed);
      this.Y = true;
      this.tunnel = info.tunnel;
      this.client = info.client;
      if (info.keepalive > 0) this.keepalive = info.keepalive;
      this.oa(conn);
      const event = { client: this.client, transport: this.transport, path: info.path, resumed: !!info.resumed };
      if (first || replaced) {
        this.last = null;
        if (replaced) this.l.replaced();
        const ready = this.f.Qa();
        if (first) this.b("open", event);
        else ready.then(() => {
          if (this.client === event.client) this.b("replaced", { ...event, replaced: true });
        });
      } else if (info.gap) {
        this.b("gap", { ...event, gap: true });
      } else {
        this.b("resume", event);
      }
      this.l.y();
    }
    Za(conn, info) {
      if (info.reason === "expired" && this.c.getToken) this.t = true;
      if (info.reconnect === false) {
        this.D({ reason: info.reason || "closed", error: info.error, message: info.message, byServer: true });
        return;
      }
      this.e(conn, info.reason || "closed", { byServer: true });
    }
    /** The connection failed or ended (reported once by its transport, or decided here). */
    e(conn, reason, detail) {
      if (conn === this.n) {
        this.ra();
        return;
      }
      if (conn !== this.a || this.state === "closed") return;
      conn.close();
      this.a = null;
      clearTimeout(this.aa);
      this.P();
      this.l.fa(detail);
      const status = detail && detail.status;
      const code = detail && detail.error;
      if (status === 401 || status === 403) {
        if (this.c.getToken && !this.pa) {
          this.pa = true;
          this.t = true;
          this.sa(conn, reason, 0);
        } else {
          this.D({ reason: code || "unauthorized", error: code || "unauthorized", message: detail.message, status });
        }
        return;
      }
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
        this.D({ reason: code || "http-" + status, error: code, message: detail.message, status });
        return;
      }
      if (!this.Y) {
        this.b("error", { error: code || "connect-failed", message: reason, transport: conn.name, status });
      }
      const floor = detail && detail.retryAfter || 0;
      if (!conn.q && !status && !(detail && detail.byServer) && this.j.Ka(conn.name)) {
        this.ta(reason, conn);
        reachable(this).then((ok) => {
          if (ok && this.state !== "closed") this.j.La();
          this._(floor);
        });
        return;
      }
      this.sa(conn, reason, floor);
    }
    sa(conn, reason, floor) {
      this.ta(reason, conn);
      this._(floor);
    }
    ta(reason, conn) {
      if (this.state === "open") {
        this.o("reconnecting", { reason });
        this.b("reconnecting", { reason, transport: conn.name });
      }
    }
    /** Connects again after a backoff delay (at once to retry with a refreshed token). */
    _(floor, backOff) {
      if (this.state === "closed" || this.C) return;
      const delay = this.t && !backOff && !floor ? 0 : this.j.Oa(floor);
      if (delay < 0) {
        this.D({ reason: "unreachable", error: "unreachable", message: "gave up after " + this.c.maxAttempts + " attempts" });
        return;
      }
      this.$a = Date.now() + floor;
      this.C = setTimeout(() => this.Z(), delay);
    }
    /**
     * Reconnects now if waiting to (the network came back, or the page woke up), unless a server's
     * Retry-After still runs: that wait is the server's, not the network's. Checks a stale connection.
     */
    ua() {
      if (this.state === "closed") return;
      if (this.C) {
        if (Date.now() >= this.$a) {
          clearTimeout(this.C);
          this.Z();
        }
        return;
      }
      if (this.a && this.a.q && Date.now() - this.O > this.$(this.a)) this.e(this.a, "silent");
    }
    // ---- probing the best transport after a step down ----
    qa() {
      clearTimeout(this.va);
      this.va = setTimeout(() => {
        if (this.state !== "open" || this.n || this.transport === this.j.ia()) return;
        const probe = this.na(this.j.ia(), true);
        if (!probe) {
          this.ra();
          return;
        }
        this.n = probe;
        probe.r = setTimeout(() => this.e(probe, "open-timeout"), this.c.openTimeout);
      }, this.j.K);
    }
    /** The probe opened: it becomes the connection (the server supersedes the old one). */
    Xa(probe) {
      clearTimeout(probe.r);
      this.n = null;
      this.j.Na();
      if (this.a) this.a.close();
      this.P();
      this.l.fa();
      this.a = probe;
    }
    ra() {
      const probe = this.n;
      this.n = null;
      if (probe) {
        clearTimeout(probe.r);
        probe.close();
      }
      this.j.Ma();
      if (this.state === "open") this.qa();
    }
    // ---- dead connections ----
    $(conn) {
      return this.c.deadAfter || (conn.U ? this.keepalive * 2 + 2e3 : Math.round(this.keepalive * 1.5) + 2e3);
    }
    _a() {
      this.P();
      const conn = this.a;
      const dead = this.$(conn);
      this.wa = setInterval(() => {
        if (this.a === conn && Date.now() - this.O > dead) this.e(conn, "silent");
      }, Math.max(250, Math.min(1e3, dead / 4)));
    }
    P() {
      clearInterval(this.wa);
      this.wa = null;
    }
    /** Drops the connection as a network failure would; the client reconnects and resumes. */
    drop() {
      if (this.a) this.e(this.a, "dropped");
    }
    D(info) {
      if (this.state === "closed") return;
      this.o("closed", { reason: info.reason });
      this.P();
      clearTimeout(this.C);
      clearTimeout(this.aa);
      clearTimeout(this.va);
      if (this.n) {
        this.n.close();
        this.n = null;
      }
      if (this.a) {
        this.a.close();
        this.a = null;
      }
      this.Wa();
      this.l.T("closed", "the client is closed");
      this.f.T();
      this.b("close", info);
    }
    close() {
      this.D({ reason: "client" });
    }
    subscribe(pattern, handler, subpaths) {
      return this.f.add(pattern, handler, subpaths);
    }
    publish(path, data, id) {
      const d = { path, data: data === void 0 ? null : data };
      if (id != null) d.id = String(id);
      return this.l.send(d);
    }
  };
  async function reachable(core) {
    if (typeof root.fetch !== "function") return true;
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), Math.max(2e3, core.c.openTimeout));
    try {
      const r = await fetch(core.url("/events"), { ...core.s(), signal: ctl.signal });
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
    const wake = () => core.ua();
    const visible = () => {
      if (document.visibilityState === "visible") core.ua();
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
      this.Q = /* @__PURE__ */ new Set();
      const emit = (name, arg) => {
        const core = this.i;
        if (name === "datagram") {
          if (onPosition && core) onPosition({ tunnel: core.tunnel, last: core.last });
          return;
        }
        const msg = { op: "event", name, arg: strip(arg), ...snapshot(core) };
        for (const l of [...this.Q]) l(msg);
      };
      this.i = new Core(url, { ...options, shareTabs: false }, emit);
    }
    ab(fn) {
      this.Q.add(fn);
      return () => this.Q.delete(fn);
    }
    /** Stops serving (the tabs are told by the next hub); the tunnel stays for the next hub to re-attach. */
    close() {
      this.Q.clear();
      this.i.close();
    }
  };
  function snapshot(core) {
    return core ? { state: core.state, client: core.client, transport: core.transport, tunnel: core.tunnel, last: core.last } : {};
  }
  var strip = (arg) => arg && typeof arg === "object" ? JSON.parse(JSON.stringify(arg, (k, v) => k === "cause" ? void 0 : v)) : arg;
  function serveTab(hub, port) {
    const subs = /* @__PURE__ */ new Map();
    const off = hub.ab((msg) => port.postMessage(msg));
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
        lead = { bb: hub, cb: channel, db: release };
        channel.postMessage({ to: "*", msg: { op: "hub" } });
      })).catch(() => {
      });
    };
    const leave = () => {
      if (abort) abort.abort();
      if (lead) {
        lead.bb.close();
        lead.cb.close();
        lead.db();
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
    }, ba: leave, xa: join };
  }

  // src/share/tab.js
  var SharedCore = class {
    constructor(url, options, emit) {
      this.b = emit;
      this.state = "connecting";
      this.client = null;
      this.transport = null;
      this.p = /* @__PURE__ */ new Map();
      this.E = /* @__PURE__ */ new Map();
      this.N = new IdWindow(options.dedupWindow);
      this.eb = url;
      this.ca = { ...options, shareTabs: false, getToken: void 0 };
      const onMessage = (m) => this.fb(m);
      this.ya = () => {
        this.F = leaderPort(url, { ...this.ca, getToken: options.getToken }, onMessage, () => this.R());
        this.sharing = "broadcast-channel";
      };
      if (typeof SharedWorker === "function" && options.workerUrl && !options.getToken) {
        const worker = new SharedWorker(options.workerUrl, { name: "warren " + url, type: options.workerType || "classic" });
        const fallback = () => {
          if (this.sharing === "shared-worker" && this.state !== "closed") {
            this.ya();
            this.R();
          }
        };
        const timer = setTimeout(fallback, options.openTimeout);
        worker.onerror = () => {
          clearTimeout(timer);
          fallback();
        };
        this.F = { postMessage: (m) => worker.port.postMessage(m), ba() {
        }, xa() {
        } };
        worker.port.onmessage = (e) => {
          clearTimeout(timer);
          if (this.sharing === "shared-worker") onMessage(e.data);
        };
        worker.port.start();
        this.sharing = "shared-worker";
        this.R();
      } else {
        this.ya();
        this.za();
      }
      if (hasWindow) {
        this.Aa = () => {
          this.h({ op: "bye" });
          this.F.ba();
        };
        this.Ba = (e) => {
          if (e.persisted && this.state !== "closed") {
            this.F.xa();
            this.R();
          }
        };
        window.addEventListener("pagehide", this.Aa);
        window.addEventListener("pageshow", this.Ba);
      }
    }
    h(m) {
      this.F.postMessage(m);
    }
    za() {
      this.h({ op: "hello", url: this.eb, options: this.ca });
    }
    /** A new hub (leader handover, worker fallback, bfcache restore): register this tab there again. */
    R() {
      this.za();
      for (const [sid, s] of this.p) this.h({ op: "sub", sid, pattern: s.pattern, subpaths: s.subpaths });
      for (const p of this.E.values()) this.h(p.m);
    }
    o(state, info) {
      setState(this, state, info);
    }
    fb(m) {
      if (this.state === "closed") return;
      if (m.client !== void 0) {
        this.client = m.client;
        this.transport = m.transport;
      }
      switch (m.op) {
        case "state":
          if (m.state === "open" && this.state !== "open") {
            this.o("open");
            this.b("open", { client: m.client, transport: m.transport, shared: true });
          } else if (m.state !== "closed") this.o(m.state);
          break;
        case "event":
          if (m.name === "close" || m.name === "state") break;
          if (m.state !== "closed") this.o(m.state);
          this.b(m.name, m.arg);
          break;
        case "datagram": {
          const s = this.p.get(m.sid);
          if (!s) break;
          const fresh = m.d.id == null || this.N.add(m.d.id + " " + m.sid);
          if (!fresh) break;
          try {
            s.handler(m.d);
          } catch (e) {
            this.b("error", { error: "handler", message: String(e), cause: e });
          }
          if (m.d.id == null || this.N.add(m.d.id)) this.b("datagram", m.d);
          break;
        }
        case "ready": {
          const s = this.p.get(m.sid);
          if (!s) break;
          if (m.ok) s.resolve();
          else {
            s.reject(failure(m.error, m.message));
            this.p.delete(m.sid);
            this.b("error", { error: m.error, message: m.message, pattern: s.pattern });
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
      const p = this.E.get(rid);
      if (!p) return;
      this.E.delete(rid);
      clearTimeout(p.r);
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
        const ms = this.ca.publishTimeout;
        const timer = setTimeout(() => this.g(rid, failure("timeout", "no ack within " + ms + " ms")), ms);
        this.E.set(rid, { m, resolve, reject, r: timer });
        this.h(m);
      });
    }
    drop() {
      this.h({ op: "drop" });
    }
    close() {
      if (this.state === "closed") return;
      this.h({ op: "bye" });
      this.F.ba();
      if (hasWindow) {
        window.removeEventListener("pagehide", this.Aa);
        window.removeEventListener("pageshow", this.Ba);
      }
      this.o("closed", { reason: "client" });
      for (const rid of [...this.E.keys()]) this.g(rid, failure("closed"));
      for (const s of this.p.values()) s.reject(failure("closed"));
      this.p.clear();
      this.b("close", { reason: "client" });
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
    deadAfter: 0
    // ms of silence before a connection counts as dead; 0: from the server's keepalive
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
      const emit = (name, arg) => this.da(name, arg);
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

  // src/global.js
  Warren.matcher = matcher;
  globalThis.Warren = Warren;
})();
