import { Core } from '../core.js';

/**
 * A hub owns the one Core of a shared tunnel and serves tabs over message ports (a SharedWorker's, or
 * a BroadcastChannel addressed by tab). Each tab keeps its own subscriptions; the hub holds their union
 * (reference-counted by the Core) and sends each tab only the datagrams its own subscriptions match.
 */
export class Hub {
  constructor(url, options, onPosition) {
    this.listeners = new Set();
    const emit = (name, arg) => {
      const core = this.core;
      if (name === 'datagram') { if (onPosition && core) onPosition({ tunnel: core.tunnel, last: core.last }); return; }
      const msg = { op: 'event', name, arg: strip(arg), ...snapshot(core) };
      for (const l of [...this.listeners]) l(msg);
    };
    this.core = new Core(url, { ...options, shareTabs: false }, emit);
  }
  listen(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }
  /** Stops serving (the tabs are told by the next hub); the tunnel stays for the next hub to re-attach. */
  close() { this.listeners.clear(); this.core.close(); }
}

function snapshot(core) {
  return core ? { state: core.state, client: core.client, transport: core.transport, tunnel: core.tunnel, last: core.last } : {};
}

/** Event arguments cross a message port: plain data only (no `cause`, no functions). */
const strip = arg => arg && typeof arg === 'object' ? JSON.parse(JSON.stringify(arg, (k, v) => k === 'cause' ? undefined : v)) : arg;

/** Serves one tab (a port with postMessage) from `hub`; returns the handler of the tab's messages. */
export function serveTab(hub, port) {
  const subs = new Map();
  const off = hub.listen(msg => port.postMessage(msg));
  port.postMessage({ op: 'state', ...snapshot(hub.core) });
  return function onMessage(m) {
    const core = hub.core;
    switch (m.op) {
      case 'sub': {
        if (subs.has(m.sid)) break;
        const s = core.subscribe(m.pattern, d => port.postMessage({ op: 'datagram', sid: m.sid, d, last: core.last }), m.subpaths);
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
