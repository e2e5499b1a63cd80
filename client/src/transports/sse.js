import { root } from '../util.js';

/** EventSource on format=sse. */
export const sse = {
  usable: () => typeof root.EventSource === 'function',
  open(sink, params) {
    const es = new EventSource(sink.url('/tunnel', { format: 'sse', ...params }), { withCredentials: sink.withCredentials });
    const conn = { name: 'sse', close() { es.onmessage = es.onerror = null; es.close(); } };
    es.onmessage = e => {
      let d;
      try { d = JSON.parse(e.data); } catch (err) { sink.lost(conn, 'bad-message'); return; }
      sink.receive(conn, d);
    };
    // EventSource would reconnect by itself to the same URL (new=1): close it and re-attach with tunnel=T&last=ID.
    es.onerror = () => sink.lost(conn, 'error');
    return conn;
  },
};
