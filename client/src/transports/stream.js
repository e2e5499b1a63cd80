import { LineSplitter, httpFailure, root } from '../util.js';

/** fetch reading format=stream (ndjson) incrementally. */
export const stream = {
  usable: () => typeof root.fetch === 'function' && typeof root.ReadableStream === 'function' && typeof root.TextDecoder === 'function',
  open(sink, params) {
    const ctl = new AbortController();
    const conn = { name: 'stream', close() { ctl.abort(); } };
    (async () => {
      const r = await fetch(sink.url('/tunnel', { format: 'stream', ...params }), { ...sink.fetchInit(), signal: ctl.signal });
      if (!r.ok || !r.body) throw await httpFailure(r);
      const reader = r.body.getReader();
      const decoder = new TextDecoder();
      const lines = new LineSplitter();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const line of lines.push(decoder.decode(value, { stream: true }))) sink.receive(conn, JSON.parse(line));
      }
      throw new Error('ended');
    })().catch(e => sink.lost(conn, e && e.message || 'error', e));
    return conn;
  },
};
