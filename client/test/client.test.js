// Unit tests of the client's logic in Node: pattern matching, the de-duplication window, backoff, line
// splitting, and the connection state machine driven through scripted transports (registered in place
// of the real ones), so that each event and retry rule is checked exactly; and the package: builds,
// size budget, types. The real transports are proven against the real server in real browsers by
// browser.test.js and browser-v2.test.js; issue 12's problems are in problems.test.js.
import { after, afterEach, describe, test } from 'node:test';
import { createServer } from 'node:http';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IdWindow, LineSplitter, Warren, backoff, matcher, transports } from '../src/warren.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const clientDir = path.resolve(here, '..');

describe('matcher', () => {
  const cases = [
    ['/a/b', false, '/a/b', true], ['/a/b', false, '/a/b/c', false], ['/a/b', false, '/a', false],
    ['/a/*', false, '/a/b', true], ['/a/*', false, '/a/b/c', false], ['/a/*', false, '/a', false],
    ['/a/**', false, '/a/b', true], ['/a/**', false, '/a/b/c', true], ['/a/**', false, '/a', false], ['/a/**', false, '/ab/c', false],
    ['/a', true, '/a', true], ['/a', true, '/a/b/c', true], ['/a', true, '/ab', false],
    ['/**', false, '/x/y', true], ['/**', false, '/meta/open', false], ['/**', false, '/client/abc', false],
    ['/*', false, '/meta', true], ['/*', false, '/meta/x', false],
  ];
  for (const [pattern, subpaths, p, expected] of cases) {
    test(`${pattern}${subpaths ? ' +subpaths' : ''} ${expected ? 'matches' : 'does not match'} ${p}`, () => {
      assert.equal(matcher(pattern, subpaths)(p), expected);
    });
  }
});

test('IdWindow drops repeats and forgets the oldest beyond its size', () => {
  const w = new IdWindow(3);
  assert.deepEqual([1, 2, 3, 2].map(i => w.add('d' + i)), [true, true, true, false]);
  assert.equal(w.add('d4'), true);        // d1 falls out
  assert.equal(w.add('d1'), true);
  assert.equal(w.add('d4'), false);
  for (let i = 0; i < 10000; i++) w.add('x' + i);
  assert.equal(w.set.size, 3);
});

test('backoff has full jitter: uniform below a cap that doubles from min to max, never under a floor', () => {
  for (let attempt = 0; attempt < 12; attempt++) {
    const full = Math.min(8000, 100 * 2 ** attempt);
    const delays = Array.from({ length: 200 }, () => backoff(attempt, 100, 8000));
    assert.ok(delays.every(d => d >= 0 && d <= full), `attempt ${attempt}: within [0, ${full}]`);
    assert.ok(delays.some(d => d < full / 2), `attempt ${attempt}: some delays in the lower half`);
  }
  assert.ok(Array.from({ length: 50 }, () => backoff(0, 100, 8000, 3000)).every(d => d === 3000), 'Retry-After is a floor');
});

test('LineSplitter returns whole lines only, keeping partial ones for later', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('{"a":1}\n{"b"'), ['{"a":1}']);
  assert.deepEqual(s.push(':2}\n\n'), ['{"b":2}']);
  assert.deepEqual(s.push('{"c":3}'), []);
  assert.deepEqual(s.push('\n'), ['{"c":3}']);
});

// ---- the state machine, through scripted transports ----

const saved = { ...transports };
afterEach(() => Object.assign(transports, saved));

/**
 * Replaces transport `name` with a scripted one: every connection the client opens is recorded with its
 * parameters; the test then delivers datagrams, acks or failures to the newest one.
 */
function script(name, { framed = true, poll = false } = {}) {
  const s = {
    conns: [],
    get last() { return this.conns[this.conns.length - 1]; },
    deliver(d) { this.last.sink.receive(this.last.conn, d); },
    open(info) { this.deliver({ path: '/meta/open', data: { tunnel: 'T1', client: 'C1', path: '/client/C1', keepalive: 25000, resumed: false, ...info } }); },
    fail(reason = 'network', detail) { this.last.sink.lost(this.last.conn, reason, detail); },
    /** Acknowledges every datagram sent on the newest connection and not yet acknowledged. */
    ackAll(extra = {}) {
      const c = this.last;
      for (const d of c.sent.splice(0)) {
        for (const one of Array.isArray(d) ? d : [d]) {
          this.deliver({ path: '/meta/ack', data: { ok: true, ref: one.id, ...(one.path.startsWith('/meta/') ? {} : { id: 'srv-' + one.id }), ...extra } });
        }
      }
    },
  };
  transports[name] = {
    usable: () => true,
    open(sink, params) {
      const entry = { sink, params, sent: [], closed: false, url: sink.url('/tunnel', params) };
      entry.conn = { name, framed, poll, send: d => entry.sent.push(JSON.parse(JSON.stringify(d))), close() { entry.closed = true; } };
      s.conns.push(entry);
      return entry.conn;
    },
  };
  return s;
}

/** Collects the client's events in order. */
function record(w) {
  const seen = [];
  for (const n of ['open', 'reconnecting', 'resume', 'gap', 'replaced', 'close', 'error']) w.on(n, info => seen.push([n, info]));
  return seen;
}

const tick = (ms = 0) => new Promise(r => setTimeout(r, ms));
async function until(cond, what, timeout = 3000) {
  const end = Date.now() + timeout;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out: ' + what);
    await tick(5);
  }
}

const FAST = { backoffMin: 10, backoffMax: 40, openTimeout: 200 };

describe('client state machine', () => {
  test('opens, registers interests after open, resolves ready on the ack, delivers each datagram once', async () => {
    const ws = script('ws');
    const w = new Warren('http://example.test', { ...FAST, transport: 'ws' });
    const seen = record(w);
    const got = [];
    const sub = w.subscribe('/chat/**', d => got.push(d));
    assert.deepEqual(ws.last.params, { new: 1 });
    ws.open();
    assert.equal(w.client, 'C1');
    assert.equal(w.transport, 'ws');
    assert.deepEqual(seen.map(e => e[0]), ['open']);
    assert.equal(ws.last.sent.length, 1);
    assert.equal(ws.last.sent[0].path, '/meta/subscribe');
    assert.deepEqual(ws.last.sent[0].data, { path: '/chat/**' });
    ws.ackAll();
    await sub.ready;

    ws.deliver({ id: 'a', path: '/chat/x', data: { n: 1 }, from: 'C9' });
    ws.deliver({ id: 'a', path: '/chat/x', data: { n: 1 }, from: 'C9' });
    ws.deliver({ id: 'b', path: '/other', data: 2 });
    ws.deliver({ path: '/meta/keepalive', data: null });
    assert.deepEqual(got, [{ id: 'a', path: '/chat/x', data: { n: 1 }, from: 'C9' }]);
    w.close();
    assert.deepEqual(seen.map(e => e[0]), ['open', 'close']);
  });

  test('a lost connection re-attaches with tunnel and last, resends unacknowledged datagrams with the same id, and resumes', async () => {
    const ws = script('ws');
    const w = new Warren('http://example.test', { ...FAST, transport: 'ws' });
    const seen = record(w);
    const got = [];
    w.subscribe('/n/*', d => got.push(d.data));
    ws.open();
    ws.ackAll();
    ws.deliver({ id: 'd1', path: '/n/a', data: 1 });
    const pub = w.publish('/n/a', 'mine');
    const sentId = ws.last.sent[0].id;
    assert.ok(sentId, 'publishes carry a client-chosen id');
    ws.fail();
    assert.equal(w.state, 'reconnecting');
    await until(() => ws.conns.length === 2, 'a second connection');
    assert.deepEqual(ws.last.params, { tunnel: 'T1', last: 'd1', subscribe: ['/n/*'] });
    ws.open({ resumed: true });
    assert.equal(ws.last.sent[0].id, sentId, 'the retry has the same id');
    ws.ackAll();
    assert.deepEqual(await pub, { ok: true, id: 'srv-' + sentId });
    ws.deliver({ id: 'd1', path: '/n/a', data: 1 });   // replayed twice by a confused server: still once
    ws.deliver({ id: 'd2', path: '/n/a', data: 2 });
    assert.deepEqual(got, [1, 2]);
    assert.deepEqual(seen.map(e => e[0]), ['open', 'reconnecting', 'resume']);
    w.close();
  });

  test('gap, replaced (after interests are registered again) and a final close', async () => {
    const ws = script('ws');
    const w = new Warren('http://example.test', { ...FAST, transport: 'ws' });
    const seen = record(w);
    w.subscribe('/a', () => {}, { subpaths: true });
    w.subscribe('/b/*', () => {});
    ws.open();
    ws.ackAll();
    ws.fail();
    await until(() => ws.conns.length === 2, 'reconnect');
    ws.open({ resumed: true, gap: true });
    assert.equal(seen.at(-1)[0], 'gap');

    ws.fail();
    await until(() => ws.conns.length === 3, 'reconnect');
    ws.open({ tunnel: 'T2', client: 'C2', resumed: false, replaced: 'T1' });
    const again = ws.last.sent.flat().map(d => [d.path, d.data]);
    assert.deepEqual(again, [['/meta/subscribe', { path: '/a', subpaths: true }], ['/meta/subscribe', { path: '/b/*' }]]);
    assert.ok(!seen.some(e => e[0] === 'replaced'), 'replaced waits for the interests');
    ws.ackAll();
    await until(() => seen.some(e => e[0] === 'replaced'), 'replaced');
    assert.equal(w.client, 'C2');

    ws.deliver({ path: '/meta/close', data: { reason: 'unauthorized', reconnect: false } });
    assert.equal(w.state, 'closed');
    await tick(60);
    assert.equal(ws.conns.length, 3, 'no reconnection after reconnect:false');
    assert.deepEqual(seen.map(e => e[0]), ['open', 'reconnecting', 'gap', 'reconnecting', 'replaced', 'close']);
  });

  test('backend interest changes come once, in order, as datagrams that count for resume; its disconnect with reconnect:false is final', async () => {
    const ws = script('ws');
    const w = new Warren('http://example.test', { ...FAST, transport: 'ws' });
    const events = [];
    for (const n of ['datagram', 'close']) w.on(n, info => events.push([n === 'datagram' ? info.path : n, info]));
    ws.open();
    ws.deliver({ id: 's1', path: '/meta/subscribed', data: { path: '/team', subpaths: true } });
    ws.deliver({ id: 's1', path: '/meta/subscribed', data: { path: '/team', subpaths: true } });
    ws.deliver({ id: 'd1', path: '/team/x', data: 1 });
    ws.deliver({ id: 's2', path: '/meta/unsubscribed', data: { path: '/team', subpaths: true } });
    assert.deepEqual(events.map(e => e[0]), ['/meta/subscribed', '/team/x', '/meta/unsubscribed']);
    assert.deepEqual(events[0][1], { id: 's1', path: '/meta/subscribed', data: { path: '/team', subpaths: true } });
    ws.fail();
    await until(() => ws.conns.length === 2, 'reconnect');
    assert.equal(ws.last.params.last, 's2', 'resumes after the last announcement');
    ws.open({ resumed: true });
    ws.deliver({ path: '/meta/close', data: { reason: 'banned', reconnect: false } });
    assert.equal(w.state, 'closed');
    assert.deepEqual(events.at(-1), ['close', { reason: 'banned', byServer: true, error: undefined, message: undefined }]);
    await tick(60);
    assert.equal(ws.conns.length, 2, 'a backend disconnect with reconnect:false is not retried');
  });

  test('a refused subscription rejects ready and is forgotten; a refused publish rejects with the error code', async () => {
    const ws = script('ws');
    const w = new Warren('http://example.test', { ...FAST, transport: 'ws' });
    ws.open();
    const sub = w.subscribe('/meta/x', () => {});
    const pub = w.publish('/meta/y', 1);
    for (const d of ws.last.sent.splice(0)) {
      ws.deliver({ path: '/meta/ack', data: { ok: false, ref: d.id, error: 'forbidden', message: 'no' } });
    }
    await assert.rejects(sub.ready, e => e.error === 'forbidden');
    await assert.rejects(pub, e => e.error === 'forbidden');
    w.close();
  });

  test('auto falls back when the open datagram does not arrive in time, and sticks with what works', async () => {
    // The server answers HTTP (so the silent ws is a transport problem, not an unreachable server).
    const http = createServer((req, res) => res.end('{}'));
    await new Promise(r => http.listen(0, '127.0.0.1', r));
    after(() => http.close());
    const ws = script('ws');
    const sse = script('sse');
    const w = new Warren('http://127.0.0.1:' + http.address().port, { ...FAST, transport: 'auto' });
    const seen = record(w);
    assert.equal(ws.conns.length, 1);
    await until(() => sse.conns.length === 1, 'fallback to sse', 2000);
    assert.ok(ws.last.closed, 'the silent ws attempt was closed');
    sse.open();
    assert.equal(w.transport, 'sse');
    sse.fail();
    await until(() => sse.conns.length === 2, 'sse again');
    assert.equal(ws.conns.length, 1);
    // The failed first attempt is reported, not silent.
    assert.deepEqual(seen.map(e => e[0]), ['error', 'open', 'reconnecting']);
    assert.deepEqual([seen[0][1].error, seen[0][1].message], ['connect-failed', 'open-timeout']);
    w.close();
  });

  test('a silent connection (no keepalive) counts as dead and is replaced', async () => {
    const ws = script('ws');
    const w = new Warren('http://example.test', { ...FAST, transport: 'ws', deadAfter: 150 });
    const seen = record(w);
    ws.open();
    await until(() => seen.some(e => e[0] === 'reconnecting'), 'silence noticed', 3000);
    assert.equal(seen.find(e => e[0] === 'reconnecting')[1].reason, 'silent');
    await until(() => ws.conns.length === 2, 'reconnect');
    w.close();
  });

  test('polls resume without an open datagram on their first answer', async () => {
    const lp = script('longpoll', { framed: false, poll: true });
    const w = new Warren('http://example.test', { ...FAST, transport: 'longpoll' });
    const seen = record(w);
    lp.open();
    lp.fail();
    await until(() => lp.conns.length === 2, 'second poll');
    lp.last.sink.answered(lp.last.conn);
    assert.deepEqual(seen.map(e => e[0]), ['open', 'reconnecting', 'resume']);
    w.close();
  });
});

describe('package', () => {
  test('dist/ is the esbuild output of src/ (npm run build)', () => {
    execFileSync(process.execPath, [path.join(clientDir, 'build.cjs'), '--check'], { stdio: 'pipe' });
  });

  test('npm pack ships the builds, their maps, the types and the readme, and nothing else', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: clientDir, encoding: 'utf8' });
    const [pkg] = JSON.parse(out);
    assert.equal(pkg.name, 'warren-client');
    assert.deepEqual(pkg.files.map(f => f.path).sort(), ['README.md', 'dist/warren.cjs', 'dist/warren.global.js',
      'dist/warren.global.min.js', 'dist/warren.global.min.js.map', 'dist/warren.js', 'dist/warren.min.js',
      'dist/warren.min.js.map', 'package.json', 'src/global.d.ts', 'src/warren.d.ts']);
    const manifest = JSON.parse(readFileSync(path.join(clientDir, 'package.json'), 'utf8'));
    assert.deepEqual(Object.keys(manifest.dependencies || {}), [], 'no runtime dependency');
  });

  test('size budget: the minified client is at most 9 KB gzipped', () => {
    for (const file of ['warren.min.js', 'warren.global.min.js']) {
      const bytes = gzipSync(readFileSync(path.join(clientDir, 'dist', file)), { level: 9 }).length;
      console.log(`# ${file}: ${bytes} bytes minified+gzipped (budget 9216)`);
      assert.ok(bytes <= 9216, `${file} is ${bytes} bytes gzipped`);
    }
  });

  test('the ES module build defines no global; the plain script sets Warren and Warren.matcher', async () => {
    const before = new Set(Object.keys(globalThis));
    const esm = await import(pathToFileURL(path.join(clientDir, 'dist', 'warren.js')).href);
    assert.equal(typeof esm.Warren, 'function');
    assert.deepEqual(Object.keys(globalThis).filter(k => !before.has(k)), []);
    const sandbox = { URL, console };
    sandbox.globalThis = sandbox;
    runInNewContext(readFileSync(path.join(clientDir, 'dist', 'warren.global.min.js'), 'utf8'), sandbox);
    assert.equal(typeof sandbox.Warren, 'function');
    assert.equal(sandbox.Warren.matcher('/a/*')('/a/b'), true);
  });

  test('the type declarations compile under tsc --strict, for the module and the ./global entry', () => {
    const tsc = path.join(clientDir, 'node_modules', '.bin', 'tsc');
    for (const file of ['usage.ts', 'usage-global.ts']) {
      execFileSync(tsc, ['--noEmit', '--strict', '--target', 'es2020', '--module', 'esnext', '--moduleResolution', 'bundler',
        '--lib', 'es2020,dom', path.join(here, 'types', file)], { cwd: clientDir, stdio: 'pipe' });
    }
  });
});

describe('in-band token refresh against the real server', () => {
  const SECRET = 'client-test-secret-with-at-least-32-bytes!';
  const b64 = o => Buffer.from(JSON.stringify(o)).toString('base64url');
  const jwt = (sub, ttlSeconds, subscribe) => {
    const body = b64({ alg: 'HS256' }) + '.' + b64({ sub, exp: Math.floor(Date.now() / 1000) + ttlSeconds, warren: { subscribe, publish: [] } });
    return body + '.' + createHmac('sha256', SECRET).update(body).digest('base64url');
  };
  let server;
  after(async () => { if (server) await server.stop(); });

  test('getToken is called ahead of expiry: the tunnel outlives the first token without reconnecting, and an interest the new token drops ends with unsubscribed', async () => {
    const { startServer } = await import('./support/server.js');
    server = await startServer(['--jwt-secret=' + SECRET, '--jwt-clock-skew=0s']);
    const tokens = [jwt('ann', 4, ['/news/*', '/sports/*']), jwt('ann', 300, ['/news/*'])];
    const w = new Warren(server.url, { transport: 'stream', getToken: async () => tokens.shift() || jwt('ann', 300, ['/news/*']) });
    const states = [];
    w.on('state', s => states.push(s.state));
    const got = [];
    const news = w.subscribe('/news/*', d => got.push(d.data));
    const sports = w.subscribe('/sports/*', d => got.push(d.data));
    await Promise.all([news.ready, sports.ready]);
    const refreshed = new Promise(r => w.on('refresh', r));
    const unsubscribed = new Promise(r => w.on('unsubscribed', r));
    const info = await refreshed;
    assert.ok(info.expires > Date.now() + 200000, 'the new expiry: ' + info.expires);
    assert.deepEqual(await unsubscribed, { pattern: '/sports/*', subpaths: false, reason: 'forbidden' });
    await tick(4000);   // past the first token's expiry
    await server.publish([{ path: '/sports/a', data: 'gone' }, { path: '/news/a', data: 'alive' }]);
    for (let i = 0; i < 50 && !got.length; i++) await tick(100);
    assert.deepEqual(got, ['alive']);
    assert.equal(w.state, 'open');
    assert.deepEqual(states, ['open'], 'never reconnected');
    w.close();
  });

  test('a refused refresh falls back to reconnecting with a fresh token at expiry', async () => {
    const tokens = [jwt('bea', 3, ['/news/*']), jwt('someone-else', 300, ['/news/*'])];
    const w = new Warren(server.url, { transport: 'stream', getToken: async () => tokens.shift() || jwt('bea', 300, ['/news/*']) });
    const errors = [];
    w.on('error', e => errors.push(e));
    const got = [];
    await w.subscribe('/news/*', d => got.push(d.data)).ready;
    const reconnected = new Promise(r => w.on('replaced', r));
    await reconnected;   // expired, then a fresh token opened a replacement
    assert.ok(errors.some(e => e.refresh && e.error === 'forbidden'), JSON.stringify(errors));
    await server.publish([{ path: '/news/b', data: 'back' }]);
    for (let i = 0; i < 50 && !got.length; i++) await tick(100);
    assert.deepEqual(got, ['back']);
    w.close();
  });
});
