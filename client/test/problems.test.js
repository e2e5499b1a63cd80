// Issue 12, the twelve problems of the browser client, each as the test that failed before the fix.
// The connection logic is driven through scripted transports where exact control is needed (which
// datagram goes out on which connection), and against the real server jar over real HTTP where the
// network decides (status codes, ordering, credentials). Browser-only problems (jsonp/iframe globals,
// tab sharing, bfcache) are in browser-v2.test.js.
// WARREN_SRC=/path/to/old/warren.js node --test test/problems.test.js shows them failing on old code.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { format } from 'node:util';
import { startProxy, startServer } from './support/server.js';
import { client, record, restoreTransports, script, settles, tick, until } from './support/scripted.js';

const { Warren } = client;
const FAST = { backoffMin: 10, backoffMax: 40, openTimeout: 200 };
const SECRET = 'warren-client-tests-secret-of-32-bytes!';
const UNREACHABLE = 'http://127.0.0.1:9';   // discard port: nothing listens, connections are refused

/** An HS256 JWT for `sub`, valid for `ttl` seconds (negative: already expired). */
function jwt(sub, ttl) {
  const b64 = o => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = b64({ alg: 'HS256', typ: 'JWT' }) + '.' + b64({ sub, exp: Math.floor(Date.now() / 1000) + ttl });
  return body + '.' + createHmac('sha256', SECRET).update(body).digest('base64url');
}

let open;       // plain server
let secured;    // JWT required
const clients = [];
/** A client closed after the test, whatever happens. */
const make = (url, options) => { const w = new Warren(url, options); clients.push(w); return w; };

before(async () => {
  [open, secured] = await Promise.all([
    startServer(['--keepalive=1s', '--poll-timeout=1s']),
    startServer(['--keepalive=1s', '--poll-timeout=1s', '--jwt-secret=' + SECRET, '--jwt-clock-skew=0s']),
  ]);
});
after(async () => { await Promise.all([open, secured].filter(Boolean).map(s => s.stop())); });
afterEach(() => { for (const w of clients.splice(0)) w.close(); restoreTransports(); });

describe('issue 12', () => {
  test('problem 1: after a server /meta/close on ws, in-flight publishes and a pending subscribe are sent again', async () => {
    const ws = script('ws');
    const w = make('http://example.test', { ...FAST, transport: 'ws', publishTimeout: 5000 });
    ws.open();
    const sub = w.subscribe('/a', () => {});
    const pub = w.publish('/a', 1);
    assert.deepEqual(ws.last.sent.map(d => d.path), ['/meta/subscribe', '/a']);
    ws.deliver({ path: '/meta/close', data: { reason: 'shutdown', reconnect: true } });
    await until(() => ws.conns.length === 2, 'a new connection after the close');
    ws.open({ resumed: true });
    assert.deepEqual(ws.last.sent.flat().map(d => d.path), ['/meta/subscribe', '/a'], 'both sent again at once');
    ws.ackAll();
    assert.deepEqual(await settles(sub.ready, 500), { settled: true, value: undefined });
    assert.equal((await settles(pub, 500)).value.ok, true);
  });

  test('problem 2: a subscribe made offline for longer than publishTimeout is sent once online; close() settles every ready', async () => {
    const ws = script('ws');
    const w = make('http://example.test', { ...FAST, transport: 'ws', publishTimeout: 100 });
    const seen = record(w);
    ws.open();
    ws.fail();
    const sub = w.subscribe('/offline', () => {});
    await tick(350);                                   // attempts keep failing (no open datagram)
    assert.ok(ws.conns.length >= 2);
    ws.open({ resumed: true });
    assert.deepEqual(ws.last.sent.flat().map(d => [d.path, d.data]), [['/meta/subscribe', { path: '/offline' }]]);
    ws.ackAll();
    assert.deepEqual(await settles(sub.ready, 500), { settled: true, value: undefined });
    assert.ok(!seen.some(e => e[0] === 'error'));

    const w2 = make('http://example.test', { ...FAST, transport: 'ws' });
    const pending = w2.subscribe('/never', () => {});
    w2.close();
    const r = await settles(pending.ready, 500);
    assert.equal(r.settled, true, 'ready settles on close');
    assert.equal(r.error.error, 'closed');
  });

  test('problem 3: an unreachable server never makes auto step down', async () => {
    const ws = script('ws');
    const sse = script('sse');
    const w = make(UNREACHABLE, { ...FAST, transport: 'auto' });
    for (let i = 1; i <= 3; i++) {
      await until(() => ws.conns.length === i, 'ws attempt ' + i);
      ws.fail('error');
    }
    await until(() => ws.conns.length === 4, 'ws again');
    assert.equal(sse.conns.length, 0, 'no step down while the server is unreachable');
    assert.equal(w.state, 'connecting');
  });

  test('problem 3: after falling back, the client probes ws again in the background and moves back up', async () => {
    const ws = script('ws');
    const sse = script('sse');
    const w = make(open.url, { ...FAST, transport: 'auto', probeInterval: 100 });
    await until(() => sse.conns.length === 1, 'fallback past a ws that never opens (reachable server)');
    sse.open();
    assert.equal(w.transport, 'sse');
    await until(() => ws.last.params.tunnel, 'a ws probe', 2000);
    assert.equal(ws.last.params.tunnel, 'T1');
    assert.equal(ws.conns.length, 2, 'one ws attempt before the fallback, then the probe');
    assert.equal(w.transport, 'sse', 'the probe does not disturb the connection');
    ws.open({ resumed: true });
    assert.equal(w.transport, 'ws');
    assert.ok(sse.last.closed, 'the fallback connection is closed');
    assert.equal(w.state, 'open');
  });

  test('problem 4: 401 at open closes the client with the code instead of retrying forever', async () => {
    const w = make(secured.url, { ...FAST, transport: 'longpoll' });
    const seen = record(w);
    await until(() => w.state === 'closed', 'closed', 5000);
    const close = seen.find(e => e[0] === 'close')[1];
    assert.deepEqual([close.error, close.status], ['unauthorized', 401]);
    assert.equal(w.transport, null, 'no fallback tried');
  });

  test('problem 4: a 401 calls getToken once more and opens with the fresh token', async () => {
    const calls = [];
    const w = make(secured.url, { ...FAST, transport: 'stream', getToken: async () => { calls.push(1); return jwt('u1', calls.length === 1 ? -60 : 60); } });
    await until(() => w.state === 'open', 'open with the refreshed token', 5000);
    assert.equal(calls.length, 2);
  });

  test('problem 5: client datagrams go out in order, one request in flight, the queue coalesced', async () => {
    const real = globalThis.fetch;
    let inFlight = 0;
    let most = 0;
    let posts = 0;
    globalThis.fetch = async (url, init) => {
      if (!String(url).includes('/events') || !init || init.method !== 'POST') return real(url, init);
      posts++;
      most = Math.max(most, ++inFlight);
      try { return await real(url, init); } finally { inFlight--; }
    };
    try {
      const w = make(open.url, { ...FAST, transport: 'stream' });
      const got = [];
      const subs = ['/o/a', '/o/b', '/o/c', '/o/d', '/o/e'].map(p => w.subscribe(p, d => got.push(d.data)));
      await Promise.all(subs.map(s => s.ready));
      const acks = [];
      await Promise.all(Array.from({ length: 20 }, (_, i) => w.publish('/o/a', i).then(a => acks.push(i))));
      await until(() => got.length === 20, '20 datagrams back');
      assert.deepEqual(got, Array.from({ length: 20 }, (_, i) => i), 'delivered in publish order');
      assert.deepEqual(acks, Array.from({ length: 20 }, (_, i) => i), 'acknowledged in publish order');
      assert.equal(most, 1, 'one POST /events in flight at a time');
      assert.ok(posts < 25, posts + ' requests for 25 datagrams: coalesced');
    } finally {
      globalThis.fetch = real;
    }
  });

  test('problem 6: a ws outbox over maxBody goes out in frames below it; a datagram over it rejects too-large', async () => {
    const ws = script('ws');
    const w = make('http://example.test', { ...FAST, transport: 'ws', maxBody: 1000, publishTimeout: 3000 });
    const pubs = Array.from({ length: 6 }, (_, i) => w.publish('/big', 'x'.repeat(300) + i));
    ws.open();
    assert.ok(ws.last.frames.length >= 3, ws.last.frames.length + ' frames');
    assert.ok(ws.last.frames.every(f => f.length <= 1000), 'every frame under maxBody');
    assert.deepEqual(ws.last.sent.flat().map(d => d.data.slice(300)), ['0', '1', '2', '3', '4', '5'], 'in order');
    ws.ackAll();
    await Promise.all(pubs);
    const huge = await settles(w.publish('/big', 'y'.repeat(2000)), 500);
    assert.equal(huge.error && huge.error.error, 'too-large', 'rejected at once, not a timeout');
  });

  test('problem 6: a frame the server closes with 1009 is sent again in smaller frames', async () => {
    const ws = script('ws');
    const w = make('http://example.test', { ...FAST, transport: 'ws', publishTimeout: 3000 });
    const pubs = Array.from({ length: 4 }, (_, i) => w.publish('/big', 'x'.repeat(3000) + i));
    ws.open();
    const first = ws.last.frames.length;
    assert.equal(first, 1, 'queued publishes coalesce into one frame');
    ws.fail('too big', { code: 1009 });
    await until(() => ws.conns.length === 2, 'reconnect');
    ws.open({ resumed: true });
    assert.ok(ws.last.frames.length > first, 'split further after 1009');
    ws.ackAll();
    assert.equal((await Promise.all(pubs)).length, 4);
  });

  test('problem 7: a re-attaching poll that is never answered is given up after the dead time', async () => {
    const lp = script('longpoll', { framed: false, poll: true });
    const w = make('http://example.test', { ...FAST, transport: 'longpoll', deadAfter: 200 });
    lp.open();
    lp.fail();
    await until(() => lp.conns.length === 2, 're-attach poll');
    await until(() => lp.conns.length === 3, 'the silent re-attach poll replaced', 2000);
    assert.ok(lp.conns[1].closed);
    assert.notEqual(w.state, 'closed');
  });

  test('problem 8: interests ride on the re-attach URL; publishes sent to a replaced tunnel reject replaced', async () => {
    const ws = script('ws');
    const w = make('http://example.test', { ...FAST, transport: 'ws', publishTimeout: 3000 });
    const seen = record(w);
    w.subscribe('/a', () => {});
    w.subscribe('/b/*', () => {});
    w.subscribe('/c', () => {}, { subpaths: true });
    ws.open();
    ws.ackAll();
    const pub = w.publish('/a', 'sent once');
    ws.fail();
    await until(() => ws.conns.length === 2, 're-attach');
    assert.deepEqual(ws.last.params.subscribe, ['/a', '/b/*'], 'the replacement tunnel has them from its first instant');
    const unsent = w.publish('/a', 'not sent yet');
    ws.open({ tunnel: 'T2', client: 'C2', resumed: false, replaced: 'T1' });
    const r = await settles(pub, 500);
    assert.equal(r.error && r.error.error, 'replaced', 'not published a second time into a fresh idempotency window');
    assert.deepEqual(ws.last.sent.flat().map(d => d.path), ['/a', '/meta/subscribe', '/meta/subscribe', '/meta/subscribe']);
    ws.ackAll();
    assert.equal((await unsent).ok, true);
    await until(() => seen.some(e => e[0] === 'replaced'), 'replaced');
  });

  test('problem 11: a base URL with a path and a query keeps both', () => {
    const ws = script('ws');
    make('http://example.test/push/?app=1', { ...FAST, transport: 'ws' });
    assert.equal(ws.last.url, 'http://example.test/push/tunnel?app=1&new=1');
  });

  test('problem 11: token and withCredentials reach the server (a base URL with a query, against the real server)', async () => {
    const real = globalThis.fetch;
    const inits = [];
    globalThis.fetch = (url, init) => { inits.push([String(url), init && init.credentials]); return real(url, init); };
    try {
      const w = make(secured.url + '/?app=1', { ...FAST, transport: 'stream', token: jwt('u1', 60), withCredentials: true });
      await until(() => w.state === 'open', 'open with the token', 5000);
      assert.match(inits[0][0], /\/tunnel\?app=1&format=stream&new=1&token=/);
      assert.equal(inits[0][1], 'include');
    } finally {
      globalThis.fetch = real;
    }
  });

  test('problem 11: after /meta/close expired the client gets a fresh token before attaching again', async () => {
    // The in-band refresh ahead of expiry (call 2) is refused (another subject), so the tunnel expires:
    // the close makes the client fetch a fresh token (call 3) before it attaches again.
    let calls = 0;
    const getToken = async () => (++calls === 2 ? jwt('someone-else', 60) : jwt('u1', calls === 1 ? 2 : 60));
    const w = make(secured.url, { ...FAST, transport: 'stream', getToken });
    const seen = record(w);
    await until(() => w.state === 'open', 'open', 5000);
    await until(() => seen.some(e => e[0] === 'replaced'), 'a new tunnel after expiry', 8000);
    assert.ok(seen.some(e => e[0] === 'error' && e[1].refresh), 'the refused refresh was reported');
    assert.equal(calls, 3);
    assert.equal(w.state, 'open');
    assert.ok(!seen.some(e => e[0] === 'close'));
  });

  test('problem 12: failures of the first connection are reported as error events', async () => {
    const ws = script('ws');
    const w = make(UNREACHABLE, { ...FAST, transport: 'ws' });
    const seen = record(w);
    ws.fail('error');
    await until(() => ws.conns.length === 2, 'retry');
    ws.fail('error');
    const errors = seen.filter(e => e[0] === 'error').map(e => e[1].error);
    assert.deepEqual(errors, ['connect-failed', 'connect-failed']);
    assert.equal(w.state, 'connecting');
  });

  test('problem 12: without an error listener, handler exceptions and refused subscriptions reach console.error', async () => {
    const ws = script('ws');
    const w = make('http://example.test', { ...FAST, transport: 'ws' });
    const logged = [];
    const original = console.error;
    console.error = (...args) => logged.push(format(...args));
    try {
      w.subscribe('/boom', () => { throw new Error('handler bug'); });
      ws.open();
      ws.ackAll();
      ws.deliver({ id: 'd1', path: '/boom', data: 1 });
      const refused = w.subscribe('/meta/x', () => {});
      const d = ws.last.sent.pop();
      ws.deliver({ path: '/meta/ack', data: { ok: false, ref: d.id, error: 'forbidden', message: 'no' } });
      await settles(refused.ready, 200);
    } finally {
      console.error = original;
    }
    assert.ok(logged.some(l => l.includes('handler bug')), 'the handler exception: ' + logged);
    assert.ok(logged.some(l => l.includes('forbidden')), 'the refused subscription: ' + logged);
  });
});

describe('what users get', () => {
  test('state machine: connecting, open, reconnecting, open, closed, each a state event', async () => {
    const ws = script('ws');
    const w = make('http://example.test', { ...FAST, transport: 'ws' });
    const seen = record(w);
    assert.equal(w.state, 'connecting');
    ws.open();
    ws.fail();
    await until(() => ws.conns.length === 2, 'reconnect');
    ws.open({ resumed: true });
    w.close();
    assert.deepEqual(seen.filter(e => e[0] === 'state').map(e => e[1].state), ['open', 'reconnecting', 'open', 'closed']);
  });

  test('maxAttempts: the client gives up and closes with unreachable', async () => {
    const w = make(UNREACHABLE, { ...FAST, transport: 'longpoll', maxAttempts: 3 });
    const seen = record(w);
    await until(() => w.state === 'closed', 'given up', 5000);
    assert.equal(seen.find(e => e[0] === 'close')[1].error, 'unreachable');
    assert.equal(seen.filter(e => e[0] === 'error').length, 4, 'the first attempt and three retries reported');
  });

  test('publishes reject with the server code or closed; close() rejects what is pending', async () => {
    const w = make(open.url, { ...FAST, transport: 'longpoll' });
    await until(() => w.state === 'open', 'open', 5000);
    await assert.rejects(w.publish('/meta/x', 1), e => e.error === 'forbidden');
    const ws = script('ws');
    const w2 = make('http://example.test', { ...FAST, transport: 'ws' });
    const pending = w2.publish('/a', 1);
    w2.close();
    await assert.rejects(pending, e => e.error === 'closed');
    await assert.rejects(w2.publish('/a', 2), e => e.error === 'closed');
    assert.equal(ws.conns.length, 1);
  });
});

// Issue 12, the transport-policy cases left: the network decides, so each runs against a real server jar
// behind the loopback proxy, which records when each tunnel request arrived.
describe('issue 12: the policy against the real network', () => {
  const proxies = [];
  const proxy = async port => { const p = await startProxy(port); proxies.push(p); return p; };
  afterEach(async () => { await Promise.all(proxies.splice(0).map(p => p.close())); });

  /** Opens a stream tunnel straight to `server` (not through a proxy); resolves with its AbortController once open. */
  async function holdTunnel(server) {
    const ctl = new AbortController();
    const r = await fetch(server.url + '/tunnel?format=stream&new=1', { signal: ctl.signal });
    assert.equal(r.status, 200);
    const reader = r.body.getReader();
    const { value } = await reader.read();
    assert.match(new TextDecoder().decode(value), /\/meta\/open/);
    return ctl;
  }

  test('issue12_429RetryAfter: a full per-address cap answers 429 with Retry-After, the client waits at least that long, then connects once a slot frees', async t => {
    const busy = await startServer(['--keepalive=1s', '--max-tunnels-per-address=1', '--first-attach-timeout=1s']);
    try {
      const held = await holdTunnel(busy);
      const direct = await fetch(busy.url + '/tunnel?format=stream&new=1');
      assert.deepEqual([direct.status, direct.headers.get('Retry-After'), (await direct.json()).error], [429, '5', 'too-many']);
      const p = await proxy(busy.port);
      const w = make(p.url, { ...FAST, transport: 'stream' });
      const seen = record(w);
      await until(() => p.requests.length === 2, 'a second attempt', 10000);
      const gap = p.times[1] - p.times[0];
      assert.ok(gap >= 5000, 'the retry came ' + gap + ' ms after the 429 (Retry-After: 5; backoffMax is 40 ms)');
      t.diagnostic('retry ' + gap + ' ms after the 429');
      assert.deepEqual(seen.filter(e => e[0] === 'error').map(e => [e[1].error, e[1].status]).slice(0, 1), [['too-many', 429]]);
      assert.equal(w.state, 'connecting');
      held.abort();                                   // its tunnel is culled after first-attach-timeout (1 s)
      await until(() => w.state === 'open', 'open once a slot is free', 20000);
      assert.equal(w.transport, 'stream', 'busy is never a reason to change transport');
      t.diagnostic('attempts at +' + p.times.map(x => x - p.times[0]).join(', +') + ' ms');
      for (let i = 1; i < p.times.length; i++) assert.ok(p.times[i] - p.times[i - 1] >= 5000, 'every retry after a 429 waited: ' + p.times);
    } finally {
      await busy.stop();
    }
  });

  describe('in a page: online and visibilitychange', () => {
    let Page;                                    // the bundled client, loaded with browser globals present
    let server;
    const saved = {};
    before(async () => {
      for (const k of ['window', 'document', 'location']) saved[k] = Object.getOwnPropertyDescriptor(globalThis, k);
      globalThis.window = new EventTarget();
      globalThis.location = new URL('http://127.0.0.1/');
      globalThis.document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
      ({ Warren: Page } = await import('../dist/warren.js'));
      server = await startServer(['--keepalive=1s']);
    });
    after(async () => {
      for (const k of ['window', 'document', 'location']) {
        if (saved[k]) Object.defineProperty(globalThis, k, saved[k]); else delete globalThis[k];
      }
      await server.stop();
    });
    const page = (url, options) => { const w = new Page(url, options); clients.push(w); return w; };
    const SLOW = { transport: 'stream', backoffMin: 30000, backoffMax: 30000, openTimeout: 2000 };
    /** Cuts an open client off (the proxy refuses and drops): it waits for a retry near 30 s. */
    async function offline(p, w) {
      const random = Math.random;
      Math.random = () => 0.99;                   // the jittered delay is 29.7 s, not anywhere in [0, 30 s]
      try {
        p.refuse(true);
        p.drop();
        await until(() => w.state === 'reconnecting', 'reconnecting');
      } finally {
        Math.random = random;
      }
      p.refuse(false);
    }

    test('issue12_reconnectOnOnline: an online event reconnects at once instead of after the backoff', async () => {
      const p = await proxy(server.port);
      const w = page(p.url, SLOW);
      const seen = record(w);
      await until(() => w.state === 'open', 'open', 5000);
      await offline(p, w);
      const before = p.requests.length;
      await tick(300);
      assert.equal(p.requests.length, before, 'waiting for the backoff');
      const at = Date.now();
      window.dispatchEvent(new Event('online'));
      await until(() => w.state === 'open', 'open again', 5000);
      assert.ok(Date.now() - at < 5000, 'reconnected at once, not after ~30 s');
      assert.equal(p.requests.length, before + 1);
      assert.ok(seen.some(e => e[0] === 'resume'), 'the same tunnel, resumed');
    });

    test('issue12_onlineKeepsRetryAfter: online and visible events during a 429 Retry-After do not cut it short', async () => {
      const busy = await startServer(['--keepalive=1s', '--max-tunnels-per-address=1', '--first-attach-timeout=1s']);
      try {
        const held = await holdTunnel(busy);
        const p = await proxy(busy.port);
        const w = page(p.url, { ...FAST, transport: 'stream' });
        const seen = record(w);
        await until(() => seen.some(e => e[0] === 'error' && e[1].status === 429), 'the 429', 5000);
        window.dispatchEvent(new Event('online'));
        document.dispatchEvent(new Event('visibilitychange'));
        await until(() => p.requests.length === 2, 'the retry', 10000);
        const gap = p.times[1] - p.times[0];
        assert.ok(gap >= 5000, 'the retry came ' + gap + ' ms after the 429, though Retry-After was 5 s');
        held.abort();
        await until(() => w.state === 'open', 'open once a slot is free', 20000);
      } finally {
        await busy.stop();
      }
    });

    test('issue12_reconnectOnVisible: a page becoming visible reconnects at once; hidden does nothing', async () => {
      const p = await proxy(server.port);
      const w = page(p.url, SLOW);
      await until(() => w.state === 'open', 'open', 5000);
      await offline(p, w);
      const before = p.requests.length;
      document.visibilityState = 'hidden';
      document.dispatchEvent(new Event('visibilitychange'));
      await tick(300);
      assert.equal(p.requests.length, before, 'hidden: still waiting for the backoff');
      document.visibilityState = 'visible';
      document.dispatchEvent(new Event('visibilitychange'));
      await until(() => w.state === 'open', 'open again', 5000);
      assert.equal(p.requests.length, before + 1);
    });

    test('issue12_staleAfterLongSleep: a page waking with a connection silent past its dead time replaces it at once', async () => {
      const p = await proxy(server.port);
      const w = page(p.url, { transport: 'stream', backoffMin: 10, backoffMax: 40, deadAfter: 1000 });
      const seen = record(w);
      await until(() => w.state === 'open', 'open', 5000);
      p.freeze();                                  // the connection dies silently
      // The page sleeps: no timer runs (the watchdog included) until it wakes up.
      const asleep = Date.now();
      while (Date.now() - asleep < 1300) { /* a frozen page */ }
      document.dispatchEvent(new Event('visibilitychange'));
      assert.deepEqual(seen.filter(e => e[0] === 'reconnecting').map(e => e[1].reason), ['silent'], 'noticed on waking, before any timer ran');
      await until(() => w.state === 'open', 'open again', 5000);
      assert.ok(seen.some(e => e[0] === 'resume'));
    });
  });

  test('issue12_outageLongerThanBackoffCapBackToWs: auto stays on ws through an outage and ends on ws, resumed', async t => {
    const hadWs = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket');
    if (!hadWs) {
      // Node 20 has none: the `ws` package (locked through puppeteer-core), quiet on errors as browsers are.
      const { WebSocket: Ws } = await import('ws');
      globalThis.WebSocket = class extends Ws { constructor(...a) { super(...a); this.on('error', () => {}); } };
    }
    const server = await startServer(['--keepalive=1s']);
    try {
      const p = await proxy(server.port);
      const w = make(p.url, { ...FAST, transport: 'auto', openTimeout: 2000 });
      const seen = record(w);
      await until(() => w.state === 'open', 'open', 5000);
      assert.equal(w.transport, 'ws');
      const got = [];
      await w.subscribe('/outage', d => got.push(d.data)).ready;
      p.refuse(true);
      p.drop();
      const start = Date.now();
      // The outage lasts 25 times backoffMax: attempts keep failing at the cap.
      await until(() => Date.now() - start >= 1000 && p.refused() >= 5, 'attempts through the outage', 10000);
      await server.publish([{ path: '/outage', data: 'during' }]);
      t.diagnostic(p.refused() + ' attempts refused in ' + (Date.now() - start) + ' ms of outage');
      p.refuse(false);
      await until(() => w.state === 'open', 'open after the outage', 5000);
      assert.equal(w.transport, 'ws', 'back on ws, not stepped down');
      assert.ok(p.requests.every(r => r.includes('format=ws')), 'no other transport tried: ' + p.requests);
      await until(() => got.length === 1, 'the datagram published during the outage');
      assert.deepEqual(got, ['during']);
      assert.ok(seen.some(e => e[0] === 'resume') && !seen.some(e => e[0] === 'replaced'), 'the same tunnel');
    } finally {
      if (!hadWs) delete globalThis.WebSocket;
      await server.stop();
    }
  });

  test('issue12_shutdownThenPublish: after SIGTERM, publishes reject instead of hanging', async t => {
    const server = await startServer(['--keepalive=1s']);
    const w = make(server.url, { ...FAST, transport: 'stream', publishTimeout: 1500 });
    const seen = record(w);
    await until(() => w.state === 'open', 'open', 5000);
    assert.equal((await w.publish('/before', 1)).ok, true);
    const racing = w.publish('/racing', 1);        // in flight while the server goes down
    await server.stop();                           // SIGTERM: the jar tells its tunnels and exits
    const raced = await settles(racing, 3000);
    assert.equal(raced.settled, true, 'a publish racing the shutdown settles');
    assert.ok(raced.value ? raced.value.ok : ['closed', 'overloaded', 'timeout'].includes(raced.error.error), JSON.stringify(raced));
    await until(() => w.state !== 'open', 'the client notices', 5000);
    const start = Date.now();
    const r = await settles(w.publish('/after', 2), 5000);
    assert.equal(r.settled, true, 'the publish settles');
    t.diagnostic('rejected ' + (r.error && r.error.error) + ' after ' + (Date.now() - start) + ' ms');
    assert.ok(['closed', 'overloaded', 'timeout'].includes(r.error && r.error.error), 'rejected: ' + (r.error && r.error.error));
    assert.ok(Date.now() - start <= 1500 + 500, 'within publishTimeout');
    assert.ok(seen.some(e => e[0] === 'reconnecting' && e[1].reason === 'shutdown'), 'told of the shutdown: ' + JSON.stringify(seen.filter(e => e[0] === 'reconnecting')));
  });
});
