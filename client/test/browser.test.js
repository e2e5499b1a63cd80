// Real-browser tests of the Warren client: headless Chromium from Debian's `chromium` package, driven by
// playwright-core, against the built server jar behind a loopback TCP proxy that can cut, freeze, refuse
// and buffer connections. Every transport: subscribe and receive; publish and see it elsewhere (two pages
// chat, one of them on the plain-script build); the connection cut or silently frozen mid-stream with
// every datagram still received exactly once; a culled tunnel coming back `replaced` with its interests.
// Also: auto fallback past a buffering proxy, tab sharing (SharedWorker and BroadcastChannel leader),
// and the demo page, with screenshots kept in test-artifacts/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { repo, startProxy, startServer, until } from './support/server.js';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.join(repo, 'test-artifacts');
const TRANSPORTS = ['ws', 'sse', 'stream', 'longpoll', 'iframe', 'jsonp'];
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
// Fast timers so that dead connections and retries happen within seconds; a second server culls
// detached tunnels after 2 s and keeps only 8 datagrams per tunnel, for the replacement and gap tests.
const SERVER_ARGS = ['--keepalive=1s', '--poll-timeout=1s', '--tunnel-timeout=10s'];
const CULLING_ARGS = ['--keepalive=1s', '--poll-timeout=1s', '--tunnel-timeout=2s', '--replay-size=8'];
const CLIENT = { backoffMin: 100, backoffMax: 1000, openTimeout: 5000 };

let playwright = null;
try {
  playwright = await import('playwright-core');
} catch (e) {
  playwright = null;
}
const missing = !existsSync(CHROMIUM) ? CHROMIUM + ' (apt-get install chromium)'
  : !playwright ? 'playwright-core (npm ci in client/)' : null;
if (missing && process.env.CI === 'true') {
  // Never skip silently: CI must have every tool the suite needs.
  throw new Error('browser tests need ' + missing);
}
const skip = missing ? 'browser tests skipped outside CI: missing ' + missing : false;

let server;
let proxy;
let culling;
let cullingProxy;
let browser;
// Two browser contexts (two separate users), one page each, reused by the tests: a context costs seconds.
let pageA;
let pageB;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  [server, culling] = await Promise.all([startServer(SERVER_ARGS), startServer(CULLING_ARGS)]);
  proxy = await startProxy(server.port);
  cullingProxy = await startProxy(culling.port);
  browser = await playwright.chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  pageA = await (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
  pageB = await (await browser.newContext()).newPage();
  for (const p of [pageA, pageB]) p.on('pageerror', e => console.error('page error:', e));
});

after(async () => {
  if (browser) await browser.close();
  for (const p of [proxy, cullingProxy]) if (p) await p.close();
  for (const s of [server, culling]) if (s) await s.stop();
});

/** Navigates `page` to an empty page on the server's origin (through `via`): no client left running. */
async function blankPage(page, via = proxy) {
  await page.goto(via.url + '/blank.html');
  return page;
}

/** Creates window.w on the page (ES module, or the plain-script build with global: true) and awaits open. */
async function connect(page, options, global = false) {
  if (global) await page.addScriptTag({ url: '/warren.global.js' });
  return page.evaluate(async ({ options, global }) => {
    const Warren = global ? window.Warren : (await import('/warren.js')).Warren;
    window.events = [];
    window.got = {};
    const w = window.w = new Warren(location.origin, options);
    for (const n of ['open', 'reconnecting', 'resume', 'gap', 'replaced', 'close', 'error']) {
      w.on(n, info => window.events.push({ n, info }));
    }
    await new Promise((resolve, reject) => {
      w.on('open', resolve);
      setTimeout(() => reject(new Error('no open within 15 s; events: ' + JSON.stringify(window.events))), 15000);
    });
    return { client: w.client, transport: w.transport };
  }, { options, global });
}

async function subscribe(page, pattern) {
  await page.evaluate(async pattern => {
    const list = window.got[pattern] = [];
    await window.w.subscribe(pattern, d => list.push(d)).ready;
  }, pattern);
}

const received = (page, pattern) => page.evaluate(p => window.got[p], pattern);
const events = page => page.evaluate(() => window.events.map(e => e.n));

async function awaitCount(page, pattern, n, timeout = 20000) {
  try {
    await page.waitForFunction(([p, n]) => window.got[p] && window.got[p].length >= n, [pattern, n], { timeout, polling: 50 });
  } catch (e) {
    const got = await received(page, pattern);
    throw new Error(`expected ${n} datagrams on ${pattern}, got ${got.length}: ${JSON.stringify(got.map(d => d.data))}; events ${await events(page)}`);
  }
}

for (const transport of TRANSPORTS) {
  describe(`transport ${transport}`, { skip }, () => {
    test('two pages subscribe, receive, publish and chat (one on the plain-script build)', async () => {
      const a = await blankPage(pageA);
      const b = await blankPage(pageB);
      const infoA = await connect(a, { ...CLIENT, transport });
      const infoB = await connect(b, { ...CLIENT, transport }, true);
      assert.equal(infoA.transport, transport);
      assert.equal(infoB.transport, transport);
      await subscribe(a, '/chat/**');
      await subscribe(b, '/chat/**');

      const [ack] = await server.publish([{ path: '/chat/news', data: { n: 1 } }]);
      await awaitCount(a, '/chat/**', 1);
      await awaitCount(b, '/chat/**', 1);
      const first = (await received(b, '/chat/**'))[0];
      assert.deepEqual(first, { id: ack.id, path: '/chat/news', data: { n: 1 } });

      const sent = await a.evaluate(() => window.w.publish('/chat/room1', { text: 'hi from A' }));
      assert.equal(sent.ok, true);
      await awaitCount(b, '/chat/**', 2);
      const chat = (await received(b, '/chat/**'))[1];
      assert.deepEqual(chat, { id: sent.id, path: '/chat/room1', data: { text: 'hi from A' }, from: infoA.client });

      await b.evaluate(() => window.w.publish('/chat/room1', 'hello back </script><!-- \u2028'));
      await awaitCount(a, '/chat/**', 3);
      const back = (await received(a, '/chat/**'))[2];
      assert.equal(back.data, 'hello back </script><!-- \u2028');
      assert.equal(back.from, infoB.client);

      const refused = await a.evaluate(() => window.w.publish('/meta/nope', 1).then(() => 'accepted', e => e.error));
      assert.equal(refused, 'forbidden');
      assert.deepEqual(await events(a), ['open']);
    });

    test('cut and frozen connections: every datagram arrives exactly once, in order', async () => {
      const page = await blankPage(pageA);
      await connect(page, { ...CLIENT, transport });
      await subscribe(page, '/seq/*');
      const total = 60;
      for (let i = 1; i <= total; i++) {
        await server.publish({ path: '/seq/n', data: i });
        if (i === 15 || i === 30) proxy.drop();
        if (i === 45) {
          // A silent death: bytes stop, nothing closes; only the keepalive watchdog can notice.
          await awaitCount(page, '/seq/*', 45);
          proxy.freeze();
        }
      }
      await awaitCount(page, '/seq/*', total);
      await server.publish({ path: '/seq/n', data: total + 1 });
      await awaitCount(page, '/seq/*', total + 1);
      const got = await received(page, '/seq/*');
      assert.deepEqual(got.map(d => d.data), Array.from({ length: total + 1 }, (_, i) => i + 1));
      assert.equal(new Set(got.map(d => d.id)).size, total + 1);
      const seen = await events(page);
      // A cut between two polls loses no request, so polls may notice only the frozen one.
      const expected = ['longpoll', 'jsonp'].includes(transport) ? 1 : 2;
      assert.ok(seen.filter(n => n === 'reconnecting').length >= expected, 'reconnected: ' + seen);
      assert.ok(seen.includes('resume'), 'resumed: ' + seen);
      assert.ok(!seen.includes('gap') && !seen.includes('replaced'), 'nothing lost: ' + seen);
    });

    test('a culled tunnel comes back replaced, with its interests restored', async () => {
      const page = await blankPage(pageA, cullingProxy);
      try {
        const before = await connect(page, { ...CLIENT, transport });
        await subscribe(page, '/cull/*');
        await culling.publish({ path: '/cull/a', data: 'before' });
        await awaitCount(page, '/cull/*', 1);
        const tunnel = await page.evaluate(() => window.w._core.tunnel);

        cullingProxy.refuse(true);
        cullingProxy.drop();
        await until(async () => !(await culling.tunnelExists(tunnel)), 'the tunnel to be culled');
        cullingProxy.refuse(false);
        await page.waitForFunction(() => window.events.some(e => e.n === 'replaced'), null, { timeout: 15000 });
        const after = await page.evaluate(() => window.w.client);
        assert.notEqual(after, before.client);

        await culling.publish({ path: '/cull/b', data: 'after' });
        await awaitCount(page, '/cull/*', 2);
        assert.deepEqual((await received(page, '/cull/*')).map(d => d.data), ['before', 'after']);
      } finally {
        cullingProxy.refuse(false);
      }
    });
  });
}

describe('gap', { skip }, () => {
  test('missing more than the replay buffer holds is reported as a gap, with what it still held', async () => {
    const page = await blankPage(pageA, cullingProxy);
    try {
      await connect(page, { ...CLIENT, transport: 'ws' });
      await subscribe(page, '/gap/*');
      cullingProxy.refuse(true);
      cullingProxy.drop();
      await page.waitForFunction(() => window.w.state === 'reconnecting', null, { polling: 50 });
      await culling.publish(Array.from({ length: 20 }, (_, i) => ({ path: '/gap/n', data: i + 1 })));
      cullingProxy.refuse(false);
      await page.waitForFunction(() => window.events.some(e => e.n === 'gap'), null, { timeout: 15000, polling: 50 });
      await awaitCount(page, '/gap/*', 8);
      assert.deepEqual((await received(page, '/gap/*')).map(d => d.data), [13, 14, 15, 16, 17, 18, 19, 20]);
      assert.ok(!(await events(page)).includes('replaced'));
    } finally {
      cullingProxy.refuse(false);
    }
  });
});

describe('auto', { skip }, () => {
  test('falls back past a proxy that buffers streams and breaks WebSockets, down to long polling', async () => {
    const buffering = await startProxy(server.port);
    buffering.buffer(/format=(ws|sse|stream|iframe)/);
    try {
      const page = await blankPage(pageA, buffering);
      const info = await connect(page, { ...CLIENT, openTimeout: 1500 });
      assert.equal(info.transport, 'longpoll');
      const tried = buffering.requests.map(r => new URLSearchParams(r.split('?')[1]).get('format'));
      assert.deepEqual([...new Set(tried)], ['ws', 'sse', 'stream', 'longpoll']);
      assert.deepEqual(tried.slice(0, 4), ['ws', 'sse', 'stream', 'longpoll']);
      await subscribe(page, '/fb/*');
      await server.publish({ path: '/fb/x', data: 'through' });
      await awaitCount(page, '/fb/*', 1);
    } finally {
      await blankPage(pageA);
      await buffering.close();
    }
  });

  test('picks WebSocket when nothing is in the way', async () => {
    const page = await blankPage(pageA);
    assert.equal((await connect(page, CLIENT)).transport, 'ws');
  });
});

describe('shareTabs', { skip }, () => {
  for (const variant of [{ name: 'SharedWorker', sharedWorker: true, sharing: 'shared-worker', worker: { workerUrl: '/warren.js', workerType: 'module' } },
    { name: 'SharedWorker, plain-script build', sharedWorker: true, sharing: 'shared-worker', global: true, worker: { workerUrl: '/warren.global.js' } },
    { name: 'BroadcastChannel leader', sharedWorker: false, sharing: 'broadcast-channel', worker: {} }]) {
    test(`two tabs hold one tunnel between them (${variant.name}), each with its own subscriptions`, async () => {
      const own = await startProxy(server.port);
      const two = await pageA.context().newPage();
      try {
        const one = await blankPage(pageA, own);
        await blankPage(two, own);
        const options = { ...CLIENT, shareTabs: true, ...variant.worker };
        const a = await connect(one, options, variant.global);
        const b = await connect(two, options, variant.global);
        assert.equal(await one.evaluate(() => window.w.sharing), variant.sharing);
        assert.equal(a.client, b.client);
        assert.equal(own.newTunnels().length, 1, 'tunnels opened: ' + own.newTunnels());

        await subscribe(one, '/tabs/one');
        await subscribe(two, '/tabs/two');
        await server.publish([{ path: '/tabs/one', data: 1 }, { path: '/tabs/two', data: 2 }]);
        await awaitCount(one, '/tabs/one', 1);
        await awaitCount(two, '/tabs/two', 1);
        const ack = await one.evaluate(() => window.w.publish('/tabs/two', 'from tab one'));
        await awaitCount(two, '/tabs/two', 2);
        const got = (await received(two, '/tabs/two'))[1];
        assert.deepEqual(got, { id: ack.id, path: '/tabs/two', data: 'from tab one', from: a.client });
        // Tab one never subscribed to /tabs/two: its handlers saw only its own path.
        assert.deepEqual((await received(one, '/tabs/one')).map(d => d.data), [1]);
        assert.equal(own.newTunnels().length, 1);

        if (!variant.sharedWorker) {
          // The leader tab goes away: the other tab takes the lead and re-attaches to the same tunnel.
          await blankPage(one);
          await until(() => own.requests.some(r => /tunnel=/.test(r)), 'the new leader re-attaching');
          assert.equal(own.newTunnels().length, 1, 'the same tunnel, not a new one');
          await until(async () => {
            await server.publish({ path: '/tabs/two', data: 'after the leader left' });
            return (await received(two, '/tabs/two')).some(d => d.data === 'after the leader left');
          }, 'tab two to receive from its own tunnel');
        }
      } finally {
        await two.close();
        await blankPage(pageA);
        await own.close();
      }
    });
  }
});

describe('demo page', { skip }, () => {
  test('chats between two pages, drops the connection and resumes without losing a message', async () => {
    const [a, b] = [pageA, pageB];
    await a.goto(proxy.url + '/');
    await b.goto(proxy.url + '/?transport=sse');
    for (const p of [a, b]) await p.waitForFunction(() => document.getElementById('state').textContent === 'open');
    assert.equal(await a.textContent('#transport'), 'ws');
    assert.equal(await b.textContent('#transport'), 'sse');

    await a.fill('#text', 'Hello from the demo');
    await a.click('button[type=submit]');
    await b.waitForFunction(() => document.getElementById('messages').textContent.includes('Hello from the demo'));
    await server.publish({ path: '/ticker/WRN', data: { price: 42.5 } });
    await a.waitForFunction(() => document.getElementById('ticker').textContent.includes('42.50'));
    await a.screenshot({ path: path.join(ARTIFACTS, 'demo-chat.png') });

    await a.click('#drop');
    await server.publish({ path: '/chat/lobby', data: { text: 'sent while you were away' } });
    await a.waitForFunction(() => document.getElementById('messages').textContent.includes('sent while you were away'));
    await a.waitForFunction(() => document.getElementById('state').textContent === 'open');
    assert.match(await a.textContent('#log'), /resume/);
    const ids = await a.evaluate(() => window.demo.received);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.length, 3);
    await a.screenshot({ path: path.join(ARTIFACTS, 'demo-resumed.png') });
    await blankPage(a);
    await blankPage(b);
  });

  test('serves the client files with types, ETags and 404 JSON for unknown files', async () => {
    for (const [file, type] of [['/warren.js', 'text/javascript'], ['/warren.global.js', 'text/javascript'],
      ['/warren.d.ts', 'text/plain'], ['/', 'text/html']]) {
      const r = await fetch(server.url + file);
      assert.equal(r.status, 200, file);
      assert.ok(r.headers.get('content-type').startsWith(type), file + ' ' + r.headers.get('content-type'));
      await r.arrayBuffer();
      const again = await fetch(server.url + file, { headers: { 'If-None-Match': r.headers.get('etag') } });
      assert.equal(again.status, 304, file);
    }
    const missingFile = await fetch(server.url + '/nope.js');
    assert.equal(missingFile.status, 404);
    assert.equal((await missingFile.json()).error, 'not-found');
    const traversal = await fetch(server.url + '/..%2fwarren.js');
    assert.equal(traversal.status, 404);
  });
});
