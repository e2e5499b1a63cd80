import { randomId } from '../util.js';
import { Hub, serveTab } from './hub.js';

/**
 * Without a SharedWorker: the tabs elect a leader with Web Locks; the leader runs the hub and every tab,
 * the leader included, talks to it over a BroadcastChannel. The hub broadcasts the tunnel's position
 * (tunnel id and last datagram id) to every tab, so when the leader goes the next one re-attaches to the
 * same tunnel with `last`: nothing is lost. The leader announces itself and tabs register again.
 *
 * Returns a port: postMessage(msg) to the hub, leave() (close or pagehide: stop leading, release the
 * lock, stop listening), join() (bfcache restore: listen and stand for election again).
 */
export function leaderPort(url, options, onMessage, onNewHub) {
  const name = 'warren ' + url;
  const me = 't' + randomId();
  let position = options.resume || null;
  let bc = null;
  let lead = null;    // {hub, channel, release} while this tab leads
  let abort = null;   // cancels a queued lock request

  const join = () => {
    bc = new BroadcastChannel(name);
    bc.onmessage = e => {
      const m = e.data;
      if (m.to === me) { if (m.msg.tunnel) position = { tunnel: m.msg.tunnel, last: m.msg.last }; onMessage(m.msg); }
      else if (m.to === '*' && m.msg.op === 'pos') position = m.msg.pos;
      else if (m.to === '*' && m.msg.op === 'hub') onNewHub();
    };
    abort = new AbortController();
    navigator.locks.request(name, { signal: abort.signal }, () => new Promise(release => {
      const channel = new BroadcastChannel(name);
      const hub = new Hub(url, { ...options, resume: position && position.tunnel ? position : undefined },
        pos => channel.postMessage({ to: '*', msg: { op: 'pos', pos } }));
      const tabs = new Map();
      channel.onmessage = e => {
        const m = e.data;
        if (m.to !== 'hub') return;
        if (m.msg.op === 'hello') {
          tabs.set(m.from, serveTab(hub, { postMessage: msg => channel.postMessage({ to: m.from, msg }) }));
        } else {
          const h = tabs.get(m.from);
          if (h) h(m.msg);
          if (m.msg.op === 'bye') tabs.delete(m.from);
        }
      };
      lead = { hub, channel, release };
      // Every tab, this one included, answers by (re-)registering with the new hub.
      channel.postMessage({ to: '*', msg: { op: 'hub' } });
    })).catch(() => { /* aborted: left before leading */ });
  };

  const leave = () => {
    if (abort) abort.abort();
    if (lead) { lead.hub.close(); lead.channel.close(); lead.release(); lead = null; }
    if (bc) { bc.close(); bc = null; }
  };

  join();
  return { postMessage: msg => { if (bc) bc.postMessage({ to: 'hub', from: me, msg }); }, leave, join };
}
