import { IdWindow, failure, hasWindow, root, setState } from './util.js';
import { Outbox } from './outbox.js';
import { Policy } from './policy.js';
import { Subscriptions } from './subscriptions.js';
import { transports } from './transports/index.js';

/**
 * The connection logic of one client: the state machine (connecting, open, reconnecting, closed), the
 * tunnel and its resume position, de-duplication, credentials, and the transport policy's decisions put
 * into effect. Subscriptions and the outbox are their own modules; transports report through `sink`.
 */
export class Core {
  constructor(url, opts, emit) {
    this.base = new URL(url);
    this.opts = opts;
    this.emit = emit;
    this.state = 'connecting';
    this.client = null;
    this.transport = null;
    this.keepalive = 25000;
    this.tunnel = opts.resume ? opts.resume.tunnel : null;
    this.last = opts.resume ? opts.resume.last : null;
    this.conn = null;
    this.token = opts.token || null;
    this._everOpened = !!this.tunnel;
    this._seen = new IdWindow(opts.dedupWindow);
    this.policy = new Policy(opts);
    this.outbox = new Outbox(this);
    this.subs = new Subscriptions((d, control) => this.outbox.send(d, control), emit);
    if (this.tunnel) this.subs.live = true;
    this.sink = {
      url: (path, params) => this.url(path, params),
      fetchInit: () => this.fetchInit(),
      withCredentials: !!opts.withCredentials,
      receive: (conn, d) => this._receive(conn, d),
      answered: conn => { if (conn === this.conn && !conn.opened) this._resumedByPoll(conn); },
      touch: conn => { if (conn === this.conn) this._activity = Date.now(); },
      lost: (conn, reason, detail) => this.lost(conn, reason, detail),
      position: () => ({ tunnel: this.tunnel, last: this.last || undefined }),
    };
    this._unlisten = listenEnvironment(this);
    this._needToken = !!opts.getToken;
    this._connect();
  }

  /** A URL on the server: the base URL's path and query kept, then `params` (arrays repeat), then the token. */
  url(path, params) {
    const u = new URL(this.base.href);
    u.pathname = u.pathname.replace(/\/+$/, '') + path;
    for (const [k, v] of Object.entries(params || {})) {
      if (v === undefined || v === null) continue;
      for (const one of Array.isArray(v) ? v : [v]) u.searchParams.append(k, String(one));
    }
    if (this.token && path === '/tunnel') u.searchParams.set('token', this.token);
    return u.href;
  }

  fetchInit() { return { cache: 'no-store', credentials: this.opts.withCredentials ? 'include' : 'same-origin' }; }

  _setState(state, info) { setState(this, state, info); }

  async _connect() {
    this._retryTimer = null;
    if (this.state === 'closed') return;
    if (this._needToken) {
      this._needToken = false;
      try {
        this.token = await this.opts.getToken();
      } catch (e) {
        this.emit('error', { error: 'token', message: 'getToken failed: ' + e, cause: e });
        this._needToken = true;
        this._schedule(0, true);
        return;
      }
      if (this.state === 'closed') return;
    }
    const name = this.policy.current();
    const conn = this._open(name);
    if (!conn) return;
    this.conn = conn;
    this._activity = Date.now();
    // A poll re-attaching is answered without an open datagram, possibly only after the poll timeout: it
    // gets the poll's dead time rather than openTimeout, but never none.
    const wait = conn.poll && this.tunnel ? this._deadTime(conn) : this.opts.openTimeout;
    this._openTimer = setTimeout(() => this.lost(conn, 'open-timeout'), wait);
  }

  /** Opens a connection with `name` to the current tunnel (or a new one); null when it threw. */
  _open(name, probe) {
    const params = this.tunnel ? { tunnel: this.tunnel, last: this.last || undefined } : { new: 1 };
    const patterns = this.subs.attachPatterns();
    if (patterns) params.subscribe = patterns;
    try {
      const conn = transports[name].open(this.sink, params);
      conn.opened = false;
      conn.probe = !!probe;
      return conn;
    } catch (e) {
      if (probe) return null;
      const conn = { name, close() {} };
      this.conn = conn;
      this.lost(conn, String(e));
      return null;
    }
  }

  _receive(conn, d) {
    if (conn === this._probe && d && d.path === '/meta/open') this._promote(conn);
    if (conn !== this.conn || !d || typeof d.path !== 'string') return;
    this._activity = Date.now();
    switch (d.path) {
      case '/meta/open': this._opened(conn, d.data || {}); return;
      case '/meta/keepalive': return;
      case '/meta/ack': this.outbox.ack(d.data); return;
      case '/meta/error': this.emit('error', { ...d.data }); return;
      case '/meta/close': this._closedByServer(conn, d.data || {}); return;
      case '/meta/unsubscribed':
        // The server removed an interest (the backend, or a refresh that no longer allows it): the matching
        // subscription ends; like /meta/subscribed it then comes as a datagram event, numbered for resume.
        if (d.id == null || !this._seen.set.has(d.id)) this.subs.revoked(d.data || {});
        break;
      default: break;
    }
    // Of /meta/ datagrams only the backend's /meta/subscribed and /meta/unsubscribed carry an id: they are
    // numbered like the datagrams around them (resume, de-duplication) and come as `datagram` events.
    if (d.id == null && d.path.startsWith('/meta/')) return;
    if (conn.poll && !conn.opened) this._resumedByPoll(conn);
    if (d.id != null) {
      if (!this._seen.add(d.id)) return;
      this.last = d.id;
    }
    const datagram = { id: d.id, path: d.path, data: d.data };
    if (d.from !== undefined) datagram.from = d.from;
    this.subs.dispatch(datagram);
    this.emit('datagram', datagram);
  }

  /** A poll answered without an open datagram re-attached to the same tunnel with nothing lost. */
  _resumedByPoll(conn) {
    this._markOpen(conn);
    this.emit('resume', { client: this.client, transport: this.transport, resumed: true });
    this.outbox.flush();
  }

  _markOpen(conn) {
    clearTimeout(this._openTimer);
    conn.opened = true;
    this._refreshed = false;
    this.transport = conn.name;
    this._setState('open', { transport: conn.name });
    if (this.policy.opened(conn.name)) this._scheduleProbe();
    this._startWatchdog();
  }

  _opened(conn, info) {
    const first = !this._everOpened;
    const replaced = !first && (!!info.replaced || !info.resumed);
    this._everOpened = true;
    this.tunnel = info.tunnel;
    this.client = info.client;
    if (info.keepalive > 0) this.keepalive = info.keepalive;
    this._markOpen(conn);
    this._scheduleRefresh(info.expires);
    const event = { client: this.client, transport: this.transport, path: info.path, resumed: !!info.resumed };
    if (first || replaced) {
      this.last = null;
      if (replaced) this.outbox.replaced();
      const ready = this.subs.registerAll();
      if (first) this.emit('open', event);
      else ready.then(() => { if (this.client === event.client) this.emit('replaced', { ...event, replaced: true }); });
    } else if (info.gap) {
      this.emit('gap', { ...event, gap: true });
    } else {
      this.emit('resume', event);
    }
    this.outbox.flush();
  }

  // ---- in-band token refresh (/meta/refresh) ----

  /** Sends a fresh token from getToken() ahead of `expires` (epoch ms), so the tunnel outlives it. */
  _scheduleRefresh(expires) {
    clearTimeout(this._refreshTimer);
    this._refreshTimer = null;
    if (!this.opts.getToken || !(expires > 0) || this.state === 'closed') return;
    const left = expires - Date.now();
    const delay = Math.max(0, left - Math.min(this.opts.refreshAhead, left / 2));
    this._refreshTimer = setTimeout(() => this._refresh(), Math.min(delay, 2147483647));
  }

  /**
   * Refused (or getToken failing): nothing more is tried on this tunnel; at expiry the server closes it
   * `expired` and the client reconnects with a fresh token, as without refresh. Every promise settles: the
   * refresh goes through the outbox like a publish (acked, refused, timed out, or rejected on close).
   */
  async _refresh() {
    this._refreshTimer = null;
    let token;
    try {
      token = await this.opts.getToken();
    } catch (e) {
      this.emit('error', { error: 'token', message: 'getToken failed: ' + e, cause: e });
      return;
    }
    if (this.state === 'closed') return;
    this.outbox.send({ path: '/meta/refresh', data: { token } }).then(ack => {
      this.token = token;   // a reconnect from now on presents the fresh token
      this.emit('refresh', { expires: ack.expires || null });
      this._scheduleRefresh(ack.expires);
    }, e => {
      if (e.error === 'closed') return;
      this._needToken = true;
      this.emit('error', { error: e.error || 'refresh', message: 'token refresh refused: ' + (e.message || e.error), refresh: true });
    });
  }

  _closedByServer(conn, info) {
    // expired: the credentials are stale; get fresh ones before attaching again.
    if (info.reason === 'expired' && this.opts.getToken) this._needToken = true;
    if (info.reconnect === false) {
      this._end({ reason: info.reason || 'closed', error: info.error, message: info.message, byServer: true });
      return;
    }
    this.lost(conn, info.reason || 'closed', { byServer: true });
  }

  /** The connection failed or ended (reported once by its transport, or decided here). */
  lost(conn, reason, detail) {
    if (conn === this._probe) { this._dropProbe(); return; }
    if (conn !== this.conn || this.state === 'closed') return;
    conn.close();
    this.conn = null;
    clearTimeout(this._openTimer);
    this._stopWatchdog();
    this.outbox.requeue(detail);
    const status = detail && detail.status;
    const code = detail && detail.error;
    if (status === 401 || status === 403) {
      // Refresh the credentials once; refused again (or nothing to refresh): closed with the code.
      if (this.opts.getToken && !this._refreshed) {
        this._refreshed = true;
        this._needToken = true;
        this._retry(conn, reason, 0);
      } else {
        this._end({ reason: code || 'unauthorized', error: code || 'unauthorized', message: detail.message, status });
      }
      return;
    }
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
      this._end({ reason: code || 'http-' + status, error: code, message: detail.message, status });
      return;
    }
    if (!this._everOpened) {
      this.emit('error', { error: code || 'connect-failed', message: reason, transport: conn.name, status });
    }
    // Busy (429/503): never a reason to change transport; wait at least what the server asked.
    const floor = detail && detail.retryAfter || 0;
    if (!conn.opened && !status && !(detail && detail.byServer) && this.policy.mayStepDown(conn.name)) {
      this._reconnecting(reason, conn);
      reachable(this).then(ok => { if (ok && this.state !== 'closed') this.policy.stepDown(); this._schedule(floor); });
      return;
    }
    this._retry(conn, reason, floor);
  }

  _retry(conn, reason, floor) {
    this._reconnecting(reason, conn);
    this._schedule(floor);
  }

  _reconnecting(reason, conn) {
    if (this.state === 'open') {
      this._setState('reconnecting', { reason });
      this.emit('reconnecting', { reason, transport: conn.name });
    }
  }

  /** Connects again after a backoff delay (at once to retry with a refreshed token). */
  _schedule(floor, backOff) {
    if (this.state === 'closed' || this._retryTimer) return;
    const delay = this._needToken && !backOff && !floor ? 0 : this.policy.nextDelay(floor);
    if (delay < 0) { this._end({ reason: 'unreachable', error: 'unreachable', message: 'gave up after ' + this.opts.maxAttempts + ' attempts' }); return; }
    this._notBefore = Date.now() + floor;
    this._retryTimer = setTimeout(() => this._connect(), delay);
  }

  /**
   * Reconnects now if waiting to (the network came back, or the page woke up), unless a server's
   * Retry-After still runs: that wait is the server's, not the network's. Checks a stale connection.
   */
  wake() {
    if (this.state === 'closed') return;
    if (this._retryTimer) { if (Date.now() >= this._notBefore) { clearTimeout(this._retryTimer); this._connect(); } return; }
    if (this.conn && this.conn.opened && Date.now() - this._activity > this._deadTime(this.conn)) this.lost(this.conn, 'silent');
  }

  // ---- probing the best transport after a step down ----

  _scheduleProbe() {
    clearTimeout(this._probeTimer);
    this._probeTimer = setTimeout(() => {
      if (this.state !== 'open' || this._probe || this.transport === this.policy.best()) return;
      const probe = this._open(this.policy.best(), true);
      if (!probe) { this._dropProbe(); return; }
      this._probe = probe;
      probe.timer = setTimeout(() => this.lost(probe, 'open-timeout'), this.opts.openTimeout);
    }, this.policy.probeDelay);
  }

  /** The probe opened: it becomes the connection (the server supersedes the old one). */
  _promote(probe) {
    clearTimeout(probe.timer);
    this._probe = null;
    this.policy.probeSucceeded();
    if (this.conn) this.conn.close();
    this._stopWatchdog();
    this.outbox.requeue();
    this.conn = probe;
  }

  _dropProbe() {
    const probe = this._probe;
    this._probe = null;
    if (probe) { clearTimeout(probe.timer); probe.close(); }
    this.policy.probeFailed();
    if (this.state === 'open') this._scheduleProbe();
  }

  // ---- dead connections ----

  _deadTime(conn) {
    return this.opts.deadAfter || (conn.poll ? this.keepalive * 2 + 2000 : Math.round(this.keepalive * 1.5) + 2000);
  }

  _startWatchdog() {
    this._stopWatchdog();
    const conn = this.conn;
    const dead = this._deadTime(conn);
    this._watchdog = setInterval(() => {
      if (this.conn === conn && Date.now() - this._activity > dead) this.lost(conn, 'silent');
    }, Math.max(250, Math.min(1000, dead / 4)));
  }

  _stopWatchdog() { clearInterval(this._watchdog); this._watchdog = null; }

  /** Drops the connection as a network failure would; the client reconnects and resumes. */
  drop() { if (this.conn) this.lost(this.conn, 'dropped'); }

  _end(info) {
    if (this.state === 'closed') return;
    this._setState('closed', { reason: info.reason });
    this._stopWatchdog();
    clearTimeout(this._retryTimer);
    clearTimeout(this._openTimer);
    clearTimeout(this._probeTimer);
    clearTimeout(this._refreshTimer);
    if (this._probe) { this._probe.close(); this._probe = null; }
    if (this.conn) { this.conn.close(); this.conn = null; }
    this._unlisten();
    this.outbox.rejectAll('closed', 'the client is closed');
    this.subs.rejectAll();
    this.emit('close', info);
  }

  close() { this._end({ reason: 'client' }); }

  subscribe(pattern, handler, subpaths) { return this.subs.add(pattern, handler, subpaths); }

  publish(path, data, id) {
    const d = { path, data: data === undefined ? null : data };
    if (id != null) d.id = String(id);
    return this.outbox.send(d);
  }
}

/** Whether the server answers HTTP at all (any status): tells a blocked transport from an unreachable server. */
async function reachable(core) {
  if (typeof root.fetch !== 'function') return true;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), Math.max(2000, core.opts.openTimeout));
  try {
    const r = await fetch(core.url('/events'), { ...core.fetchInit(), signal: ctl.signal });
    await r.body?.cancel();
    return true;
  } catch (e) {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Reconnects at once when the network comes back or a page becomes visible again. */
function listenEnvironment(core) {
  if (!hasWindow) return () => {};
  const wake = () => core.wake();
  const visible = () => { if (document.visibilityState === 'visible') core.wake(); };
  window.addEventListener('online', wake);
  document.addEventListener('visibilitychange', visible);
  return () => { window.removeEventListener('online', wake); document.removeEventListener('visibilitychange', visible); };
}
