import { backoff, failure, httpFailure, nextSeq, randomId } from './util.js';

/** At most this many datagrams per /events request, the server's limit. */
const MAX_BATCH = 1000;

/**
 * Client datagrams awaiting their ack, in the order they were sent. Each carries a client-chosen id, so a
 * resend after a lost connection is acknowledged without being published twice.
 *
 * Order: over HTTP one `POST /events` is in flight at a time and everything queued meanwhile goes in the
 * next one (coalesced); over a socket, frames go out in order. Every request or frame stays under
 * `maxBody` bytes; a datagram that alone exceeds it is rejected `too-large` without being sent.
 * Publishes reject `timeout` after `publishTimeout`; control datagrams (subscribe, unsubscribe) have no
 * timeout: they are sent again on every connection until acknowledged or the client closes.
 */
export class Outbox {
  constructor(core) {
    this.core = core;
    this.items = new Map();   // ref -> {datagram, bytes, control, inflight, sent, viaSocket, resolve, reject, timer}
    this.posting = false;
    this.maxBody = core.opts.maxBody;
    this.largest = 0;     // bytes of the largest frame sent on this connection
  }

  /** Queues `datagram`; resolves with its ack. */
  send(datagram, control = false) {
    return new Promise((resolve, reject) => {
      if (this.core.state === 'closed') { reject(failure('closed')); return; }
      const ref = datagram.id || 'w' + randomId() + nextSeq();
      datagram.id = ref;
      const bytes = JSON.stringify(datagram).length + 64;   // room for "tunnel" over HTTP
      if (bytes > this.maxBody) { reject(failure('too-large', 'over maxBody')); return; }
      const item = { datagram, bytes, control, inflight: false, sent: false, resolve, reject };
      if (!control) {
        const ms = this.core.opts.publishTimeout;
        item.timer = setTimeout(() => this._settle(ref, { ok: false, error: 'timeout', message: 'no ack within ' + ms + ' ms' }), ms);
      }
      this.items.set(ref, item);
      this.flush();
    });
  }

  /** Sends what is not in flight, if a connection is open. */
  flush() {
    const core = this.core;
    const conn = core.conn;
    if (core.state !== 'open' || !conn) return;
    if (conn.framed) { this._frames(conn); return; }
    if (this.posting) return;
    const batch = this._take(MAX_BATCH);
    if (batch.length) this._post(conn, batch);
  }

  /** Takes the oldest items not in flight, up to `max` of them and maxBody bytes. */
  _take(max) {
    const batch = [];
    let size = 2;
    for (const item of this.items.values()) {
      if (item.inflight) continue;
      if (batch.length === max || (batch.length && size + item.bytes > this.maxBody)) break;
      item.inflight = true;
      item.sent = true;
      size += item.bytes + 1;
      batch.push(item);
    }
    return batch;
  }

  _frames(conn) {
    for (let batch = this._take(MAX_BATCH); batch.length; batch = this._take(MAX_BATCH)) {
      for (const item of batch) item.viaSocket = true;
      this.largest = Math.max(this.largest, batch.reduce((n, i) => n + i.bytes, 2));
      try {
        conn.send(batch.length === 1 ? batch[0].datagram : batch.map(i => i.datagram));
      } catch (e) {
        for (const item of batch) item.inflight = false;
        return;
      }
    }
  }

  _post(conn, batch) {
    const core = this.core;
    this.posting = true;
    const tunnel = core.tunnel;
    const body = JSON.stringify(batch.map(i => ({ ...i.datagram, tunnel })));
    // text/plain keeps the request "simple" (no CORS pre-flight); the server reads the body as JSON.
    fetch(core.url('/events'), { ...core.fetchInit(), method: 'POST', body, headers: { 'Content-Type': 'text/plain;charset=UTF-8' } })
      .then(async r => {
        if (r.status === 404) throw failure('unknown-tunnel');
        if (r.status === 429 || r.status >= 500) throw await httpFailure(r);
        const acks = r.ok ? await r.json() : null;
        if (!Array.isArray(acks)) {
          const e = await httpFailure(r);
          for (const item of batch) this._settle(item.datagram.id, { ok: false, error: e.error, message: e.message });
        } else {
          acks.forEach((a, i) => this._settle(batch[i].datagram.id, a));
        }
        this.posting = false;
        this.flush();
      })
      .catch(e => {
        this.posting = false;
        for (const item of batch) item.inflight = false;
        // The tunnel is gone (culled) or the network failed: the connection notices and re-attaches, or
        // already has; the outbox goes out again, in order, once a connection is open.
        if (e && e.error === 'unknown-tunnel' && core.conn === conn) core.lost(conn, 'unknown-tunnel');
        else setTimeout(() => this.flush(), backoff(1, core.opts.backoffMin, core.opts.backoffMax, e && e.retryAfter || 0));
      });
  }

  /** An ack (or a rejection) for `ref` arrived. */
  ack(a) { if (a && a.ref != null) this._settle(String(a.ref), a); }

  _settle(ref, ack) {
    const item = this.items.get(ref);
    if (!item) return;
    this.items.delete(ref);
    clearTimeout(item.timer);
    if (ack.ok) item.resolve(ack.expires ? { ok: true, id: ack.id, expires: ack.expires } : { ok: true, id: ack.id });
    else item.reject(failure(ack.error, ack.message, { ack }));
  }

  /** The socket that carried some datagrams is gone: they go out again on the next connection. */
  requeue(detail) {
    // 1009: a frame was over the server's limit. Frames from now on stay below the largest one sent; a
    // datagram alone above that can never pass and rejects too-large.
    if (detail && detail.code === 1009 && this.largest) {
      this.maxBody = Math.max(1024, this.largest - 1);
      for (const [ref, item] of this.items) {
        if (item.bytes > this.maxBody) this._settle(ref, { ok: false, error: 'too-large', message: 'frame refused (1009)' });
      }
    }
    this.largest = 0;
    for (const item of this.items.values()) if (item.viaSocket) { item.inflight = false; item.viaSocket = false; }
  }

  /**
   * The tunnel was replaced by a new one. Control datagrams are dropped (the subscriptions are registered
   * again); a publish already sent may have been published by the old tunnel, whose idempotency window
   * is gone: it rejects `replaced` rather than risk a duplicate. Unsent publishes go to the new tunnel.
   */
  replaced() {
    for (const [ref, item] of [...this.items]) {
      if (item.control) { this.items.delete(ref); continue; }
      if (item.sent) this._settle(ref, { ok: false, error: 'replaced', message: 'sent to a replaced tunnel: maybe published' });
    }
  }

  /** Rejects everything pending with `code`. */
  rejectAll(code, message) {
    for (const ref of [...this.items.keys()]) this._settle(ref, { ok: false, error: code, message });
  }
}
