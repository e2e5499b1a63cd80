import { failure, matcher } from './util.js';

/**
 * The client's interests, reference-counted by pattern: several subscriptions to one pattern share one
 * server interest, released when the last one unsubscribes. Registration goes through the outbox (in
 * order with publishes) and is retried on every connection until the server acknowledges or refuses it:
 * every `ready` settles, with the ack, the server's refusal, or `closed`.
 */
export class Subscriptions {
  constructor(send, emit) {
    this.send = send;         // (datagram, control) -> Promise of the ack
    this.emit = emit;
    this.subs = new Map();    // key -> {key, pattern, subpaths, match, handlers:Set, active, waiters:[], epoch}
    this.live = false;        // a tunnel exists: interests can be sent
  }

  add(pattern, handler, subpaths) {
    const key = subpaths ? pattern + ' +subpaths' : pattern;
    let sub = this.subs.get(key);
    if (!sub) {
      sub = { key, pattern, subpaths: !!subpaths, match: matcher(pattern, subpaths), handlers: new Set(), active: false, waiters: [], epoch: 0 };
      this.subs.set(key, sub);
      if (this.live) this._register(sub);
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
        if (sub.handlers.size > 0 || this.subs.get(key) !== sub) return;
        this.subs.delete(key);
        for (const w of sub.waiters.splice(0)) w.reject(failure('unsubscribed'));
        if (this.live) this.send({ path: '/meta/unsubscribe', data: this._data(sub) }, true).catch(() => {});
      },
    };
  }

  _data(sub) { return sub.subpaths ? { path: sub.pattern, subpaths: true } : { path: sub.pattern }; }

  _register(sub) {
    const epoch = ++sub.epoch;
    sub.active = false;
    return this.send({ path: '/meta/subscribe', data: this._data(sub) }, true).then(() => {
      if (sub.epoch !== epoch) return;
      sub.active = true;
      for (const w of sub.waiters.splice(0)) w.resolve();
    }, e => {
      if (sub.epoch !== epoch || e.error === 'closed') return;   // a newer registration, or close() answers
      for (const w of sub.waiters.splice(0)) w.reject(e);
      if (this.subs.get(sub.key) === sub) this.subs.delete(sub.key);
      this.emit('error', { error: e.error, message: e.message, pattern: sub.pattern });
    });
  }

  /** A new tunnel holds no interest: (re-)register every subscription; resolves when all are answered. */
  registerAll() {
    this.live = true;
    return Promise.all([...this.subs.values()].map(sub => this._register(sub)));
  }

  /** Patterns to pass as subscribe= when attaching, so a replacement tunnel has them from its first instant. */
  attachPatterns() {
    const out = [];
    let chars = 0;
    for (const sub of this.subs.values()) {
      if (sub.subpaths) continue;   // subscribe= has no subpaths form: those follow the open
      chars += sub.pattern.length + 11;
      if (chars > 1500 || out.length >= 64) break;   // stay well under the server's request-line limit
      out.push(sub.pattern);
    }
    return out.length ? out : undefined;
  }

  /** Calls the handlers whose pattern matches; an exception is reported, never stops the others. */
  dispatch(datagram) {
    for (const sub of [...this.subs.values()]) {
      if (!sub.match(datagram.path)) continue;
      for (const h of [...sub.handlers]) {
        try { h(datagram); } catch (e) { this.emit('error', { error: 'handler', message: String(e), cause: e, pattern: sub.pattern }); }
      }
    }
  }

  /**
   * The server removed an interest (`/meta/unsubscribed`, e.g. refreshed credentials no longer allow it):
   * the subscription ends, a pending `ready` rejects with the reason, and `unsubscribed` is emitted.
   */
  revoked(data) {
    const key = data.subpaths ? data.path + ' +subpaths' : data.path;
    const sub = this.subs.get(key);
    if (!sub) return;
    this.subs.delete(key);
    sub.epoch++;
    for (const w of sub.waiters.splice(0)) w.reject(failure(data.reason || 'unsubscribed', 'removed by the server'));
    this.emit('unsubscribed', { pattern: sub.pattern, subpaths: sub.subpaths, reason: data.reason || 'unsubscribed' });
  }

  /** close(): every pending `ready` rejects `closed`. */
  rejectAll() {
    for (const sub of this.subs.values()) for (const w of sub.waiters.splice(0)) w.reject(failure('closed'));
  }
}
