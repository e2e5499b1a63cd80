// Starts the built Warren server jar on a free loopback port and stops it; a loopback TCP proxy in front
// of it lets tests cut, freeze, refuse or buffer connections as real networks and proxies do.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '..', '..', '..');
export const jar = path.join(repo, 'warren-server', 'target', 'warren.jar');

/** Starts `java -jar warren.jar` with `args`; resolves with {port, url, publish(), events(), stop()}. */
export async function startServer(args = []) {
  if (!existsSync(jar)) throw new Error(`${jar} is missing: build it first (mvn -B package -pl warren-server -am)`);
  const proc = spawn('java', ['-Xss512k', '-jar', jar, '--host=127.0.0.1', '--port=0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start within 30 s:\n' + output)), 30000);
    const onData = chunk => {
      output += chunk;
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(output);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', code => { clearTimeout(timer); reject(new Error('server exited with ' + code + ':\n' + output)); });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    port, url,
    output: () => output,
    async publish(datagrams) {
      const r = await fetch(url + '/publish', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(datagrams)
      });
      if (r.status !== 200) throw new Error('publish: ' + r.status + ' ' + await r.text());
      return r.json();
    },
    /** Whether tunnel T still exists (an unsubscribe of nothing changes nothing; 404 once culled). */
    async tunnelExists(tunnel) {
      const q = new URLSearchParams({ tunnel, path: '/meta/unsubscribe', data: '{"path":"/nothing-here"}' });
      const r = await fetch(url + '/events?' + q);
      await r.text();
      return r.status !== 404;
    },
    stop() {
      return new Promise(resolve => {
        if (proc.exitCode !== null) { resolve(); return; }
        proc.on('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
      });
    },
  };
}

const BLANK = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>warren test</title></head><body></body></html>';

/**
 * A TCP proxy on a free loopback port in front of `target`. Besides forwarding it can:
 * drop() every connection (a network failure), freeze() them (bytes stop flowing, nothing closes: a
 * silent death), refuse new ones, and buffer() server bytes of requests matching a pattern until 64 KiB
 * (a buffering proxy). It serves an empty page itself at /blank.html. It records the tunnel requests it forwards and when, and counts refused connections.
 */
export async function startProxy(targetPort) {
  const pairs = new Set();
  const state = { refuse: false, buffer: null, requests: [], times: [], refused: 0 };
  const server = net.createServer(client => {
    if (state.refuse) { state.refused++; client.destroy(); return; }
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = { client, upstream, frozen: false, buffering: false, held: [] , heldBytes: 0 };
    pairs.add(pair);
    const end = () => { client.destroy(); upstream.destroy(); pairs.delete(pair); };
    client.on('error', end); upstream.on('error', end);
    client.on('close', end); upstream.on('close', end);
    client.on('data', chunk => {
      if (pair.frozen) return;
      const text = chunk.toString('latin1');
      if (text.startsWith('GET /blank.html ')) {
        // An empty page on the server's origin for tests to script, served by the proxy itself (a
        // page faked inside the browser would not count as coming from the loopback network).
        client.end('HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n'
          + 'Content-Length: ' + BLANK.length + '\r\n\r\n' + BLANK);
        upstream.destroy();
        return;
      }
      for (const m of text.matchAll(/^GET (\/tunnel\?[^ ]*) HTTP/gm)) {
        state.requests.push(m[1]);
        state.times.push(Date.now());
        if (state.buffer && state.buffer.test(m[1])) pair.buffering = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', chunk => {
      if (pair.frozen) return;
      if (pair.buffering) {
        pair.held.push(chunk);
        pair.heldBytes += chunk.length;
        if (pair.heldBytes < 65536) return;
        pair.buffering = false;
        chunk = Buffer.concat(pair.held);
        pair.held = [];
      }
      client.write(chunk);
    });
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests: state.requests,
    /** When each of `requests` arrived (ms since the epoch). */
    times: state.times,
    /** Connections refused while refuse(true) was on. */
    refused() { return state.refused; },
    /** Tunnel requests seen that opened a new tunnel. */
    newTunnels() { return state.requests.filter(r => /[?&]new=1(&|$)/.test(r)); },
    drop() { for (const p of [...pairs]) { p.client.destroy(); p.upstream.destroy(); pairs.delete(p); } },
    freeze() { for (const p of pairs) p.frozen = true; },
    refuse(on) { state.refuse = on; },
    buffer(pattern) { state.buffer = pattern; },
    connections() { return pairs.size; },
    close() { this.drop(); return new Promise(resolve => server.close(() => resolve())); },
  };
}

/** Polls `condition` every 50 ms until it is truthy; fails with `what` after `timeout` ms. */
export async function until(condition, what, timeout = 15000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await condition();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
    await new Promise(r => setTimeout(r, 50));
  }
}
