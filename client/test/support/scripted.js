// Scripted transports for Node tests of the client's logic: registered in place of a real transport,
// each connection the client opens is recorded with its parameters and URL, and the test delivers
// datagrams, acks or failures to it. Speaks the transport sink interface (src/transports/index.js);
// WARREN_SRC=path runs the same tests against another build of the client (e.g. the code before a fix).
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const src = process.env.WARREN_SRC ? path.resolve(process.env.WARREN_SRC) : path.join(here, '..', '..', 'src', 'warren.js');
export const client = await import(pathToFileURL(src).href);
const { transports } = client;

/** The old single-file client reported to the Core itself: adapt it, so a test can show it failing. */
function sinkOf(x) {
  if (typeof x.receive === 'function') return x;
  return { receive: (c, d) => x._receive(c, d), lost: (c, r) => x._lost(c, r), answered: c => x._pollAnswered(c), url: (p, q) => x._url(p, q) };
}

const saved = { ...transports };
export const restoreTransports = () => Object.assign(transports, saved);

export function script(name, { framed = true, poll = false } = {}) {
  const s = {
    conns: [],
    get last() { return this.conns[this.conns.length - 1]; },
    deliver(d, entry = this.last) { entry.sink.receive(entry.conn, d); },
    open(info, entry = this.last) {
      this.deliver({ path: '/meta/open', data: { tunnel: 'T1', client: 'C1', path: '/client/C1', keepalive: 25000, resumed: false, ...info } }, entry);
    },
    fail(reason = 'network', detail, entry = this.last) { entry.sink.lost(entry.conn, reason, detail); },
    /** Acknowledges every datagram sent on the newest connection and not yet acknowledged. */
    ackAll(entry = this.last) {
      for (const d of entry.sent.splice(0)) {
        for (const one of Array.isArray(d) ? d : [d]) {
          this.deliver({ path: '/meta/ack', data: { ok: true, ref: one.id, ...(one.path.startsWith('/meta/') ? {} : { id: 'srv-' + one.id }) } }, entry);
        }
      }
    },
  };
  transports[name] = {
    usable: () => true,
    open(x, params) {
      const sink = sinkOf(x);
      const entry = { sink, params, sent: [], frames: [], closed: false, url: sink.url('/tunnel', params) };
      entry.conn = { name, framed, poll, close() { entry.closed = true; },
        send: d => { entry.frames.push(JSON.stringify(d)); entry.sent.push(JSON.parse(JSON.stringify(d))); } };
      s.conns.push(entry);
      return entry.conn;
    },
  };
  return s;
}

/** Collects the client's events in order. */
export function record(w) {
  const seen = [];
  for (const n of ['state', 'open', 'reconnecting', 'resume', 'gap', 'replaced', 'close', 'error']) w.on(n, info => seen.push([n, info]));
  return seen;
}

export const tick = (ms = 0) => new Promise(r => setTimeout(r, ms));

export async function until(cond, what, timeout = 3000) {
  const end = Date.now() + timeout;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out: ' + what);
    await tick(5);
  }
}

/** Whether `promise` settles within `ms`: {settled, value|error}. */
export async function settles(promise, ms = 1000) {
  let timer;
  const late = new Promise(r => { timer = setTimeout(() => r({ settled: false }), ms); });
  const out = await Promise.race([promise.then(value => ({ settled: true, value }), error => ({ settled: true, error })), late]);
  clearTimeout(timer);
  return out;
}
