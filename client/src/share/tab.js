import { IdWindow, failure, hasWindow, nextSeq, randomId, setState } from '../util.js';
import { leaderPort } from './leader.js';

/**
 * A tab's end of a shared tunnel: the same surface as a Core, backed by a hub in a SharedWorker
 * (`workerUrl`) or in the leader tab. Datagrams reach the handlers of this tab's subscriptions and its
 * `datagram` event once each; publishes time out like direct ones and are sent again, with the same id,
 * to a new hub (the same tunnel: acknowledged once); bfcache restores register again.
 */
export class SharedCore {
  constructor(url, options, emit) {
    this.emit = emit;
    this.state = 'connecting';
    this.client = null;
    this.transport = null;
    this._subs = new Map();   // sid -> {pattern, subpaths, handler, resolve, reject, ready}
    this._pubs = new Map();   // rid -> {m, resolve, reject, timer}
    this._seen = new IdWindow(options.dedupWindow);
    this._url = url;
    // Options cross to the worker by structured clone: no functions. getToken runs in the leader tab,
    // so a client with getToken shares through the leader, never the worker.
    this._options = { ...options, shareTabs: false, getToken: undefined };
    const onMessage = m => this._message(m);
    this._useLeader = () => {
      this._port = leaderPort(url, { ...this._options, getToken: options.getToken }, onMessage, () => this._rejoin());
      this.sharing = 'broadcast-channel';
    };
    if (typeof SharedWorker === 'function' && options.workerUrl && !options.getToken) {
      const worker = new SharedWorker(options.workerUrl, { name: 'warren ' + url, type: options.workerType || 'classic' });
      // A worker that fails to load (bundler, CSP, 404) or never answers: the Web Locks leader takes over.
      const fallback = () => { if (this.sharing === 'shared-worker' && this.state !== 'closed') { this._useLeader(); this._rejoin(); } };
      const timer = setTimeout(fallback, options.openTimeout);
      worker.onerror = () => { clearTimeout(timer); fallback(); };
      this._port = { postMessage: m => worker.port.postMessage(m), leave() {}, join() {} };
      worker.port.onmessage = e => { clearTimeout(timer); if (this.sharing === 'shared-worker') onMessage(e.data); };
      worker.port.start();
      this.sharing = 'shared-worker';
      this._rejoin();
    } else {
      this._useLeader();
      this._hello();
    }
    if (hasWindow) {
      this._pagehide = () => { this._post({ op: 'bye' }); this._port.leave(); };
      this._pageshow = e => { if (e.persisted && this.state !== 'closed') { this._port.join(); this._rejoin(); } };
      window.addEventListener('pagehide', this._pagehide);
      window.addEventListener('pageshow', this._pageshow);
    }
  }

  _post(m) { this._port.postMessage(m); }

  _hello() { this._post({ op: 'hello', url: this._url, options: this._options }); }

  /** A new hub (leader handover, worker fallback, bfcache restore): register this tab there again. */
  _rejoin() {
    this._hello();
    for (const [sid, s] of this._subs) this._post({ op: 'sub', sid, pattern: s.pattern, subpaths: s.subpaths });
    for (const p of this._pubs.values()) this._post(p.m);
  }

  _setState(state, info) { setState(this, state, info); }

  _message(m) {
    if (this.state === 'closed') return;
    if (m.client !== undefined) { this.client = m.client; this.transport = m.transport; }
    switch (m.op) {
      case 'state':
        if (m.state === 'open' && this.state !== 'open') {
          this._setState('open');
          this.emit('open', { client: m.client, transport: m.transport, shared: true });
        } else if (m.state !== 'closed') this._setState(m.state);
        break;
      case 'event':
        if (m.name === 'close' || m.name === 'state') break;   // the hub's own lifecycle is not this tab's
        if (m.state !== 'closed') this._setState(m.state);
        this.emit(m.name, m.arg);
        break;
      case 'datagram': {
        const s = this._subs.get(m.sid);
        if (!s) break;
        const fresh = m.d.id == null || this._seen.add(m.d.id + ' ' + m.sid);
        if (!fresh) break;
        try { s.handler(m.d); } catch (e) { this.emit('error', { error: 'handler', message: String(e), cause: e }); }
        if (m.d.id == null || this._seen.add(m.d.id)) this.emit('datagram', m.d);
        break;
      }
      case 'ready': {
        const s = this._subs.get(m.sid);
        if (!s) break;
        if (m.ok) s.resolve();
        else { s.reject(failure(m.error, m.message)); this._subs.delete(m.sid); this.emit('error', { error: m.error, message: m.message, pattern: s.pattern }); }
        break;
      }
      case 'ack': this._settle(m.rid, m.ok ? null : failure(m.error, m.message), m.ack); break;
      default: break;
    }
  }

  _settle(rid, error, ack) {
    const p = this._pubs.get(rid);
    if (!p) return;
    this._pubs.delete(rid);
    clearTimeout(p.timer);
    if (error) p.reject(error); else p.resolve(ack);
  }

  subscribe(pattern, handler, subpaths) {
    const sid = 's' + randomId() + nextSeq();
    const s = { pattern, subpaths: !!subpaths, handler };
    const ready = new Promise((resolve, reject) => { s.resolve = resolve; s.reject = reject; });
    ready.catch(() => {});
    if (this.state === 'closed') s.reject(failure('closed'));
    else { this._subs.set(sid, s); this._post({ op: 'sub', sid, pattern, subpaths: !!subpaths }); }
    return {
      pattern, ready,
      unsubscribe: () => {
        if (!this._subs.delete(sid)) return;
        s.reject(failure('unsubscribed'));
        if (this.state !== 'closed') this._post({ op: 'unsub', sid });
      },
    };
  }

  publish(path, data, id) {
    if (this.state === 'closed') return Promise.reject(failure('closed'));
    const rid = 'r' + randomId() + nextSeq();
    // The id is chosen here, so a resend to the next hub (the same tunnel) is acknowledged once.
    const m = { op: 'pub', rid, path, data: data === undefined ? null : data, id: id != null ? String(id) : 'w' + randomId() + nextSeq() };
    return new Promise((resolve, reject) => {
      const ms = this._options.publishTimeout;
      const timer = setTimeout(() => this._settle(rid, failure('timeout', 'no ack within ' + ms + ' ms')), ms);
      this._pubs.set(rid, { m, resolve, reject, timer });
      this._post(m);
    });
  }

  drop() { this._post({ op: 'drop' }); }

  close() {
    if (this.state === 'closed') return;
    this._post({ op: 'bye' });
    this._port.leave();
    if (hasWindow) { window.removeEventListener('pagehide', this._pagehide); window.removeEventListener('pageshow', this._pageshow); }
    this._setState('closed', { reason: 'client' });
    for (const rid of [...this._pubs.keys()]) this._settle(rid, failure('closed'));
    for (const s of this._subs.values()) s.reject(failure('closed'));
    this._subs.clear();
    this.emit('close', { reason: 'client' });
  }
}
