/** Polls in a loop: each answer is a batch of datagrams; the next poll acknowledges with last=ID. */
export function pollLoop(sink, params, name, request) {
  const conn = { name, poll: true, ctl: new AbortController(), cleanup: null,
    close() { this.closed = true; this.ctl.abort(); if (this.cleanup) this.cleanup(); } };
  (async () => {
    let p = { format: name, ...params };
    while (!conn.closed) {
      sink.touch(conn);
      const batch = await request(sink.url('/tunnel', p), conn);
      if (conn.closed) return;
      if (!Array.isArray(batch)) throw new Error('bad answer');
      for (const d of batch) {
        sink.receive(conn, d);
        if (conn.closed) return;
      }
      sink.answered(conn);
      p = { format: name, ...sink.position() };
    }
  })().catch(e => { if (!conn.closed) sink.lost(conn, e && e.message || 'error', e); });
  return conn;
}
