// HTTP/2 in a real browser: over HTTP/1.1 Chromium holds at most six connections per origin, so a page's
// seventh SSE tunnel would wait forever; over HTTP/2 all of them are streams of one connection. The server
// jar serves HTTPS with a self-signed certificate made here by Debian's openssl; Chromium (Debian's, via
// playwright-core) trusts it by the SHA-256 of its public key. One page opens 10 SSE tunnels and every
// one must deliver, and the browser must report h2 as the protocol it used.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { missing } from './support/engines.js';
import { startServer } from './support/server.js';

const absent = await missing('chromium');
if (absent && process.env.CI === 'true') throw new Error('the HTTP/2 browser test needs ' + absent);
const skip = absent ? `chromium skipped outside CI: missing ${absent}` : false;
const TUNNELS = 10;

let dir, server, browser, spki;
before(async () => {
  if (skip) return;
  dir = mkdtempSync(path.join(tmpdir(), 'warren-h2-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  const der = new X509Certificate(readFileSync(cert)).publicKey.export({ type: 'spki', format: 'der' });
  spki = createHash('sha256').update(der).digest('base64');
  server = await startServer([`--tls-cert=${cert}`, `--tls-key=${key}`]);
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      `--ignore-certificate-errors-spki-list=${spki}`],
  });
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test(`one page opens ${TUNNELS} SSE tunnels over HTTPS and every one delivers, over h2`, { skip }, async () => {
  const page = await (await browser.newContext()).newPage();
  const origin = `https://127.0.0.1:${server.port}`;
  const nav = await page.goto(origin + '/healthz');
  assert.equal(nav.status(), 200, 'the certificate is trusted through its SPKI hash');
  const result = await page.evaluate(async n => {
    const got = Array.from({ length: n }, () => []);
    const sources = got.map((list, i) => {
      const es = new EventSource(`/tunnel?format=sse&new=1&subscribe=/h2/*&i=${i}`);
      es.onmessage = e => list.push(JSON.parse(e.data));
      return es;
    });
    const until = (cond, what) => new Promise((resolve, reject) => {
      const t0 = Date.now();
      const poll = () => cond() ? resolve() : Date.now() - t0 > 15000
        ? reject(new Error('timed out: ' + what + ' ' + JSON.stringify(got.map(l => l.map(d => d.path)))))
        : setTimeout(poll, 50);
      poll();
    });
    await until(() => got.every(l => l.some(d => d.path === '/meta/open')), 'every tunnel open');
    // A client datagram through the first tunnel reaches every tunnel subscribed (browsers may not /publish).
    const tunnel = got[0].find(d => d.path === '/meta/open').data.tunnel;
    const r = await fetch('/events', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ tunnel, path: '/h2/all', data: 'to every tab' }) });
    const acks = await r.text();
    if (r.status !== 200) throw new Error('events ' + r.status + ' ' + acks);
    await until(() => got.every(l => l.some(d => d.path === '/h2/all')), 'every tunnel delivered');
    sources.forEach(es => es.close());
    await until(() => performance.getEntriesByName(location.origin + '/events').length > 0, 'timing of /events');
    const entries = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'));
    return {
      delivered: got.filter(l => l.some(d => d.path === '/h2/all' && d.data === 'to every tab')).length,
      protocols: entries.map(e => ({ name: new URL(e.name).pathname, protocol: e.nextHopProtocol })),
    };
  }, TUNNELS);
  assert.equal(result.delivered, TUNNELS);
  const navigation = result.protocols.find(e => e.name === '/healthz');
  const publish = result.protocols.find(e => e.name === '/events');
  assert.equal(navigation?.protocol, 'h2', JSON.stringify(result.protocols));
  assert.equal(publish?.protocol, 'h2', JSON.stringify(result.protocols));
  for (const e of result.protocols.filter(e => e.name === '/tunnel')) assert.equal(e.protocol, 'h2');
});
