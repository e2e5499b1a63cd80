// Real-browser tests of the Warren client on three engines from Debian's packages (see support/engines.js):
// Chromium, Firefox ESR and WebKitGTK, against the built server jar behind a loopback TCP proxy that can
// cut, freeze, refuse and buffer connections. On every engine, every transport: subscribe and receive;
// publish and see it elsewhere (two pages chat, one of them on the plain-script build); the connection
// cut or silently frozen mid-stream with every datagram still received exactly once; a culled tunnel
// coming back `replaced` with its interests. Also: auto fallback past a buffering proxy, tab sharing
// (SharedWorker and BroadcastChannel leader), and the demo page, with screenshots kept in test-artifacts/.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launch, selectEngines } from './support/engines.js';
import { repo, startProxy, startServer, until } from './support/server.js';

const ARTIFACTS = path.join(repo, 'test-artifacts');
const TRANSPORTS = ['ws', 'sse', 'stream', 'longpoll', 'iframe', 'jsonp'];
// Fast timers so that dead connections and retries happen within seconds; a second server culls
// detached tunnels after 2 s and keeps only 8 datagrams per tunnel, for the replacement and gap tests.
const SERVER_ARGS = ['--keepalive=1s', '--poll-timeout=1s', '--tunnel-timeout=10s'];
const CULLING_ARGS = ['--keepalive=1s', '--poll-timeout=1s', '--tunnel-timeout=2s', '--replay-size=8'];
const CLIENT = { backoffMin: 100, backoffMax: 1000, openTimeout: 5000 };

/**
 * What each engine offers, checked against the browser by the first test of its suite (so this table
 * cannot go stale): the features tab sharing picks between, the transports it cannot run (with why), and
 * the tests known to fail on it because of a client bug, run as `todo` with the reason (never skipped).
 * Today every engine has SharedWorker and Web Locks, runs all six transports and passes every test.
 */
const SPEC = {
  chromium: { sharedWorker: true, webLocks: true, skip: {}, known: {} },
  firefox: { sharedWorker: true, webLocks: true, skip: {}, known: {} },
  webkit: { sharedWorker: true, webLocks: true, skip: {}, known: {} },
};

// Every engine, unless WARREN_ENGINES narrows a local run; under CI a missing browser or driver fails.
const engines = await selectEngines();

let server;
let proxy;
let culling;
let cullingProxy;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [server, culling] = await Promise.all([startServer(SERVER_ARGS), startServer(CULLING_ARGS)]);
  proxy = await startProxy(server.port);
  cullingProxy = await startProxy(culling.port);
});

after(async () => {
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
  if (global) {
    await page.evaluate(src => new Promise((resolve, reject) => {
      const script = Object.assign(document.createElement('script'), { src, onload: resolve, onerror: () => reject(new Error('cannot load ' + src)) });
      document.head.append(script);
    }), '/warren.global.js');
  }
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
const uncaught = async page => (await page.takeErrors()).filter(e => e.type === 'uncaught').map(e => e.text);

async function awaitCount(page, pattern, n, timeout = 20000) {
  try {
    await page.waitFor(([p, n]) => window.got[p] && window.got[p].length >= n, [pattern, n], { timeout });
  } catch (e) {
    const got = await received(page, pattern);
    throw new Error(`expected ${n} datagrams on ${pattern}, got ${got.length}: ${JSON.stringify(got.map(d => d.data))}; events ${await events(page)}`);
  }
}

// The demo page as a person uses it: read what is shown, type, click.
const text = (page, selector) => page.evaluate(s => document.querySelector(s).textContent, selector);
const shows = (page, selector, wanted) => page.waitFor(([s, t]) => document.querySelector(s).textContent.includes(t), [selector, wanted]);
const click = (page, selector) => page.evaluate(s => document.querySelector(s).click(), selector);
const fill = (page, selector, value) => page.evaluate(([s, v]) => {
  const input = document.querySelector(s);
  input.focus();
  input.value = v;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}, [selector, value]);

for (const { engine, skip } of engines) engineSuite(engine, skip, SPEC[engine]);

function engineSuite(engine, skip, spec) {
  /** Options for test `name`: a known failure on this engine runs as todo, with its reason. */
  const known = name => (spec.known[name] ? { todo: `known ${engine} failure: ${spec.known[name]}` } : {});
  let browser;
  // Two contexts (two separate users), one page each, reused by the tests: a context costs seconds.
  let pageA;
  let pageB;

  describe(engine, { skip }, () => {
    before(async () => {
      browser = await launch(engine);
      pageA = await (await browser.newContext()).newPage();
      pageB = await (await browser.newContext()).newPage();
    });

    after(async () => {
      if (browser) await browser.close();
    });

    // What a page's scripts reported is shown under the test that caused it.
    afterEach(async () => {
      for (const [name, page] of [['A', pageA], ['B', pageB]]) {
        for (const e of await page.takeErrors()) console.error(`${engine} page ${name}, ${e.type} error: ${e.text}`);
      }
    });

    test('offers the features this suite expects of it', async () => {
      const page = await blankPage(pageA);
      const has = await page.evaluate(() => ({
        sharedWorker: typeof SharedWorker === 'function',
        webLocks: !!(navigator.locks && navigator.locks.request),
        transports: [typeof WebSocket, typeof EventSource, typeof ReadableStream, typeof fetch].every(t => t === 'function'),
      }));
      assert.deepEqual(has, { sharedWorker: spec.sharedWorker, webLocks: spec.webLocks, transports: true });
    });

    test('the harness gives this engine the same page surface as the others', async () => {
      const page = await blankPage(pageA);
      await page.takeErrors();
      assert.deepEqual(await page.evaluate(async ([n, s]) => ({ n: n + 1, s, later: await Promise.resolve('awaited') }), [1, 'x']),
        { n: 2, s: 'x', later: 'awaited' });
      assert.equal(await page.evaluate(() => undefined), null);
      await assert.rejects(page.evaluate(() => { throw new Error('thrown in the page'); }), /thrown in the page/);
      await page.evaluate(() => setTimeout(() => { window.ready = 'yes'; }, 100));
      assert.equal(await page.waitFor(() => window.ready), 'yes');
      await assert.rejects(page.waitFor(() => false, null, { timeout: 200 }), /timed out after 200 ms/);

      await page.evaluate(() => {
        console.error('reported by the page');
        setTimeout(() => { throw new Error('uncaught in the page'); });
      });
      // Reports travel as events, after the call that caused them returned.
      const errors = [];
      await until(async () => errors.push(...await page.takeErrors()) >= 2, 'both errors to be reported');
      assert.deepEqual(errors.map(e => e.type).sort(), ['console', 'uncaught']);
      assert.equal(errors.find(e => e.type === 'console').text, 'reported by the page');
      assert.match(errors.find(e => e.type === 'uncaught').text, /uncaught in the page/);
      assert.deepEqual(await page.takeErrors(), []);

      // A second page of a context is a tab of the same user; another context is another user.
      await page.evaluate(() => localStorage.setItem('who', 'user A'));
      const tab = await pageA.context.newPage();
      try {
        await blankPage(tab);
        assert.equal(await tab.evaluate(() => localStorage.getItem('who')), 'user A');
        assert.equal(await (await blankPage(pageB)).evaluate(() => localStorage.getItem('who')), null);
      } finally {
        await tab.close();
        await page.evaluate(() => localStorage.clear());
      }
    });

    for (const transport of TRANSPORTS) {
      describe(`transport ${transport}`, { skip: spec.skip[transport] || false }, () => {
        test('two pages subscribe, receive, publish and chat (one on the plain-script build)', known(`${transport}/chat`), async () => {
          const a = await blankPage(pageA);
          const b = await blankPage(pageB);
          await Promise.all([a.takeErrors(), b.takeErrors()]);
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
          // Nothing went wrong, so nothing was thrown in either page.
          assert.deepEqual(await uncaught(a), []);
          assert.deepEqual(await uncaught(b), []);
        });

        test('cut and frozen connections: every datagram arrives exactly once, in order', known(`${transport}/cut`), async () => {
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

        test('a culled tunnel comes back replaced, with its interests restored', known(`${transport}/culled`), async () => {
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
            await page.waitFor(() => window.events.some(e => e.n === 'replaced'));
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

    describe('gap', () => {
      test('missing more than the replay buffer holds is reported as a gap, with what it still held', known('gap'), async () => {
        const page = await blankPage(pageA, cullingProxy);
        try {
          await connect(page, { ...CLIENT, transport: 'ws' });
          await subscribe(page, '/gap/*');
          cullingProxy.refuse(true);
          cullingProxy.drop();
          await page.waitFor(() => window.w.state === 'reconnecting');
          await culling.publish(Array.from({ length: 20 }, (_, i) => ({ path: '/gap/n', data: i + 1 })));
          cullingProxy.refuse(false);
          await page.waitFor(() => window.events.some(e => e.n === 'gap'));
          await awaitCount(page, '/gap/*', 8);
          assert.deepEqual((await received(page, '/gap/*')).map(d => d.data), [13, 14, 15, 16, 17, 18, 19, 20]);
          assert.ok(!(await events(page)).includes('replaced'));
        } finally {
          cullingProxy.refuse(false);
        }
      });
    });

    describe('auto', () => {
      test('falls back past a proxy that buffers streams and breaks WebSockets, down to long polling', known('auto/fallback'), async () => {
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

      test('picks WebSocket when nothing is in the way', known('auto/ws'), async () => {
        const page = await blankPage(pageA);
        assert.equal((await connect(page, CLIENT)).transport, 'ws');
      });
    });

    describe('shareTabs', () => {
      for (const variant of [{ name: 'SharedWorker', sharedWorker: true, sharing: 'shared-worker', worker: { workerUrl: '/warren.js', workerType: 'module' } },
        { name: 'SharedWorker, plain-script build', sharedWorker: true, sharing: 'shared-worker', global: true, worker: { workerUrl: '/warren.global.js' } },
        { name: 'BroadcastChannel leader', sharedWorker: false, sharing: 'broadcast-channel', worker: {} }]) {
        const unsupported = variant.sharedWorker ? !spec.sharedWorker && `${engine} has no SharedWorker`
          : !spec.webLocks && `${engine} has no Web Locks, which elect the leader`;
        test(`two tabs hold one tunnel between them (${variant.name}), each with its own subscriptions`,
          { skip: unsupported || false, ...known(`shareTabs/${variant.name}`) }, async () => {
            const own = await startProxy(server.port);
            const two = await pageA.context.newPage();
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

    describe('demo page', () => {
      test('chats between two pages, drops the connection and resumes without losing a message', known('demo'), async () => {
        const [a, b] = [pageA, pageB];
        await a.goto(proxy.url + '/');
        await b.goto(proxy.url + '/?transport=sse');
        for (const p of [a, b]) await p.waitFor(() => document.getElementById('state').textContent === 'open');
        assert.equal(await text(a, '#transport'), 'ws');
        assert.equal(await text(b, '#transport'), 'sse');

        await fill(a, '#text', 'Hello from the demo');
        await click(a, 'button[type=submit]');
        await shows(b, '#messages', 'Hello from the demo');
        await server.publish({ path: '/ticker/WRN', data: { price: 42.5 } });
        await shows(a, '#ticker', '42.50');
        await a.screenshot(path.join(ARTIFACTS, `demo-chat-${engine}.png`));

        await click(a, '#drop');
        await server.publish({ path: '/chat/lobby', data: { text: 'sent while you were away' } });
        await shows(a, '#messages', 'sent while you were away');
        await a.waitFor(() => document.getElementById('state').textContent === 'open');
        assert.match(await text(a, '#log'), /resume/);
        const ids = await a.evaluate(() => window.demo.received);
        assert.equal(new Set(ids).size, ids.length);
        assert.equal(ids.length, 3);
        await a.screenshot(path.join(ARTIFACTS, `demo-resumed-${engine}.png`));
        await blankPage(a);
        await blankPage(b);
      });
    });
  });
}

describe('client files', () => {
  test('served with types, ETags, 404 JSON for unknown files and 400 for non-canonical paths', async () => {
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
    // A traversal never reaches the files: non-canonical paths are refused first (docs/security.md).
    for (const bad of ['/..%2fwarren.js', '/%77arren.js']) {   // (fetch itself resolves a plain /x/../)
      const traversal = await fetch(server.url + bad);
      assert.equal(traversal.status, 400, bad);
      assert.equal((await traversal.json()).error, 'bad-request', bad);
    }
  });
});
