import { root } from '../util.js';

/** WebSocket on format=ws: datagrams both ways on one socket. */
export const ws = {
  usable: () => typeof root.WebSocket === 'function',
  open(sink, params) {
    const sock = new WebSocket(sink.url('/tunnel', { format: 'ws', ...params }).replace(/^http/, 'ws'));
    const conn = {
      name: 'ws', framed: true,
      send(obj) { sock.send(JSON.stringify(obj)); },
      close() { sock.onmessage = sock.onclose = sock.onerror = null; try { sock.close(1000); } catch (e) { /* closed */ } },
    };
    sock.onmessage = e => {
      let d;
      try { d = JSON.parse(e.data); } catch (err) { sink.lost(conn, 'bad-message'); return; }
      sink.receive(conn, d);
    };
    sock.onclose = e => sink.lost(conn, e.reason || 'closed', { code: e.code });
    return conn;
  },
};
