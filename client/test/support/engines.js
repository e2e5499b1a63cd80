// One page surface over three browser engines, all from Debian packages (never a downloaded build):
//   chromium  `chromium`, driven by playwright-core over CDP;
//   firefox   `firefox-esr`, driven by puppeteer-core over WebDriver BiDi;
//   webkit    `webkit2gtk-driver` (WebKitWebDriver + MiniBrowser), spoken to directly in classic W3C
//             WebDriver over HTTP (this WebKitGTK has no BiDi and no headless mode: it runs in a private Xvfb).
// Tests see only: launch(engine) -> newContext() -> newPage() -> goto, evaluate, waitFor, screenshot,
// takeErrors, close. A context is a separate user (own cookies and storage); pages of one context are tabs
// that can share a tunnel.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';

export const ENGINES = ['chromium', 'firefox', 'webkit'];

/** Per engine: the files it needs ([path, Debian package], the first being what is launched) and its npm driver. */
const needs = env => ({
  chromium: { files: [[env.CHROMIUM || '/usr/bin/chromium', 'chromium']], module: 'playwright-core' },
  firefox: { files: [[env.FIREFOX || '/usr/bin/firefox-esr', 'firefox-esr']], module: 'puppeteer-core' },
  webkit: { files: [[env.WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver', 'webkit2gtk-driver'],
    [env.XVFB || '/usr/bin/Xvfb', 'xvfb']], module: null },
});
const VIEWPORT = { width: 1200, height: 760 };

/** Why `engine` cannot run on this machine (what is missing and how to install it), or null. */
export async function missing(engine, env = process.env) {
  const { files, module } = needs(env)[engine];
  for (const [file, pkg] of files) {
    if (!existsSync(file)) return `${file} (apt-get install ${pkg})`;
  }
  if (module) {
    try {
      await import(module);
    } catch (e) {
      return `${module} (npm ci in client/)`;
    }
  }
  return null;
}

/**
 * The engines a run covers, as [{engine, skip}] with skip false or why the engine is skipped.
 * WARREN_ENGINES=firefox,webkit narrows a local run. Under CI=true every engine runs: narrowing is
 * refused and a missing browser or driver throws, so CI fails rather than skips.
 */
export async function selectEngines(env = process.env) {
  const ci = env.CI === 'true';
  const chosen = env.WARREN_ENGINES ? env.WARREN_ENGINES.split(',') : ENGINES;
  if (ci && env.WARREN_ENGINES) throw new Error('WARREN_ENGINES narrows local runs only: CI runs every engine');
  for (const e of chosen) if (!ENGINES.includes(e)) throw new Error(`unknown engine ${e} in WARREN_ENGINES (known: ${ENGINES})`);
  const selected = [];
  for (const engine of chosen) selected.push({ engine, absent: await missing(engine, env) });
  const absent = selected.filter(s => s.absent).map(s => s.absent);
  if (ci && absent.length) throw new Error('browser tests need ' + absent.join(', '));
  return selected.map(({ engine, absent }) => ({ engine, skip: absent ? `${engine} skipped outside CI: missing ${absent}` : false }));
}

/** Starts `engine`; resolves with {name, newContext(), close()}. */
export async function launch(engine, env = process.env) {
  const files = needs(env)[engine].files.map(([file]) => file);
  const browser = await LAUNCHERS[engine](...files);
  return { name: engine, ...browser };
}

/**
 * What tests hold. takeErrors() hands over what the page's scripts reported: uncaught exceptions and
 * unhandled rejections as {type: 'uncaught'}, console.error calls as {type: 'console'}. Firefox also
 * reports a WebSocket that cannot connect as an uncaught error, as its console shows it.
 */
class Page {
  constructor(context, impl) {
    this.context = context;
    this._impl = impl;
  }

  /** What the page's scripts reported since the last call (see above), handed over once. */
  async takeErrors() {
    if (this._impl.collect) await this._impl.collect();
    return this._impl.errors.splice(0);
  }

  goto(url) { return this._impl.goto(url); }

  /** Runs `fn(arg)` in the page (awaited when it returns a promise) and resolves with its JSON value. */
  evaluate(fn, arg = null) { return this._impl.run(String(fn), arg); }

  /** Polls `fn(arg)` inside the page every `polling` ms until it is truthy; rejects after `timeout` ms. */
  async waitFor(fn, arg = null, { timeout = 15000, polling = 50 } = {}) {
    const poll = `async ([arg, timeout, polling]) => {
      const f = ${String(fn)};
      for (const end = Date.now() + timeout; ;) {
        const v = await f(arg);
        if (v) return { v };
        if (Date.now() > end) return null;
        await new Promise(r => setTimeout(r, polling));
      }
    }`;
    const r = await this._impl.run(poll, [arg, timeout, polling]);
    if (!r) throw new Error(`timed out after ${timeout} ms waiting for ${String(fn)}`);
    return r.v;
  }

  screenshot(file) { return this._impl.screenshot(file); }

  close() { return this._impl.close(); }
}

/**
 * A console.error call by the page's own script. The browser's own reports of failed requests and sockets
 * (expected whenever a test cuts the network) carry no script arguments and are not the page's errors.
 */
const isScriptError = m => m.type() === 'error' && m.args().length > 0;

/** A playwright or puppeteer page: both libraries make the same calls and events of it. */
function libraryPage(context, p) {
  const errors = [];
  p.on('pageerror', e => errors.push({ type: 'uncaught', text: e.message }));
  p.on('console', m => { if (isScriptError(m)) errors.push({ type: 'console', text: m.text() }); });
  return new Page(context, {
    errors,
    goto: async url => { await p.goto(url); },
    run: async (src, arg) => (await p.evaluate(fromSource(src), arg)) ?? null,
    screenshot: async file => { await p.screenshot({ path: file }); },
    close: () => p.close(),
  });
}

/** A function object whose source is `src` (playwright and puppeteer ship functions as their source text). */
const fromSource = src => new Function('return (' + src + ')')();

const LAUNCHERS = {
  async chromium(executablePath) {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu',
      '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-dev-shm-usage'] });
    return {
      async newContext() {
        const ctx = await browser.newContext({ viewport: VIEWPORT });
        const context = {
          newPage: async () => libraryPage(context, await ctx.newPage()),
          close: () => ctx.close(),
        };
        return context;
      },
      close: () => browser.close(),
    };
  },

  async firefox(executablePath) {
    const puppeteer = (await import('puppeteer-core')).default;
    const browser = await puppeteer.launch({ browser: 'firefox', protocol: 'webDriverBiDi', executablePath,
      headless: true });
    return {
      async newContext() {
        const ctx = await browser.createBrowserContext();
        const context = {
          async newPage() {
            const p = await ctx.newPage();
            await p.setViewport(VIEWPORT);
            return libraryPage(context, p);
          },
          close: () => ctx.close(),
        };
        return context;
      },
      close: () => browser.close(),
    };
  },

  async webkit(driverPath, xvfbPath) {
    const xvfb = await startXvfb(xvfbPath);
    const contexts = new Set();
    return {
      async newContext() {
        // WebKitWebDriver drives one session, that is one MiniBrowser process, at a time: one each.
        const context = await webkitContext(driverPath, xvfb.display);
        contexts.add(context);
        return context;
      },
      async close() {
        await Promise.all([...contexts].map(c => c.close()));
        xvfb.stop();
      },
    };
  },
};

/** Processes this harness started, ended if the test process exits without closing them. */
const children = new Set();
process.on('exit', () => {
  for (const c of children) {
    try { process.kill(-c.pid, 'SIGKILL'); } catch (e) { /* already gone */ }
  }
});

function startChild(file, args, options = {}) {
  const child = spawn(file, args, { detached: true, ...options });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return {
    child,
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try { process.kill(-child.pid, 'SIGTERM'); } catch (e) { /* already gone */ }
    },
  };
}

/** A private X server on a free display number, reported by Xvfb itself on fd 3. */
async function startXvfb(file) {
  const x = startChild(file, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let log = '';
  x.child.stderr.on('data', d => { log += d; });
  const display = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not start within 10 s: ' + log)), 10000);
    x.child.stdio[3].on('data', d => {
      out += d;
      if (out.includes('\n')) { clearTimeout(timer); resolve(':' + out.trim()); }
    });
    x.child.on('exit', code => { clearTimeout(timer); reject(new Error('Xvfb exited with ' + code + ': ' + log)); });
  });
  return { display, stop: x.stop };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** One WebKitWebDriver with one session; its windows are the context's pages. */
async function webkitContext(driverPath, display) {
  const port = await freePort();
  const driver = startChild(driverPath, ['--port=' + port],
    { env: { ...process.env, DISPLAY: display }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  for (const s of [driver.child.stdout, driver.child.stderr]) s.on('data', d => { log = (log + d).slice(-4000); });
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const r = await fetch(base + path, { method, body: body === undefined ? undefined : JSON.stringify(body),
      headers: { 'Content-Type': 'application/json' } });
    const json = await r.json();
    if (r.status !== 200) throw new Error(`WebDriver ${method} ${path}: ${json.value.error}: ${json.value.message}`);
    return json.value;
  };
  for (const end = Date.now() + 10000; ;) {
    try {
      if ((await call('GET', '/status')).ready) break;
    } catch (e) {
      if (Date.now() > end || driver.child.exitCode !== null) throw new Error('WebKitWebDriver did not start: ' + log);
    }
    await new Promise(r => setTimeout(r, 50));
  }
  const { sessionId } = await call('POST', '/session', { capabilities: { alwaysMatch: {} } });
  const session = p => `/session/${sessionId}${p}`;
  await call('POST', session('/timeouts'), { script: 120000, pageLoad: 30000 });

  // Classic WebDriver has one current window per session: commands run one at a time, each switching first.
  let queue = Promise.resolve();
  let current = await call('GET', session('/window'));
  let firstFree = true;
  const serial = (handle, task) => {
    const run = queue.then(async () => {
      if (handle !== current) {
        await call('POST', session('/window'), { handle });
        current = handle;
      }
      return task();
    });
    queue = run.catch(() => {});
    return run;
  };
  const windows = new Set();
  const context = {
    async newPage() {
      let handle;
      if (firstFree) {
        firstFree = false;
        handle = current;
      } else {
        handle = (await serial(current, () => call('POST', session('/window/new'), { type: 'window' }))).handle;
      }
      windows.add(handle);
      await serial(handle, () => call('POST', session('/window/rect'), VIEWPORT));
      const errors = [];
      const run = (src, arg) => serial(handle, async () => {
        const r = await call('POST', session('/execute/async'), { script: ASYNC_SCRIPT.replace('SRC', () => src), args: [arg] });
        if (!r.ok) throw new Error(r.e);
        return r.v;
      });
      // No event channel here: a script installed on each load collects errors, read before leaving the page.
      const collect = async () => {
        const got = await run('() => (window.__engineErrors || []).splice(0)', null).catch(() => []);
        errors.push(...got);
      };
      return new Page(context, {
        errors,
        collect,
        async goto(url) {
          await collect();
          await serial(handle, () => call('POST', session('/url'), { url }));
          await run(COLLECTOR, null);
        },
        run,
        async screenshot(file) {
          const png = await serial(handle, () => call('GET', session('/screenshot')));
          writeFileSync(file, Buffer.from(png, 'base64'));
        },
        async close() {
          await collect();
          windows.delete(handle);
          if (windows.size) await serial(handle, () => call('DELETE', session('/window')));
        },
      });
    },
    async close() {
      await call('DELETE', session('')).catch(() => {});
      driver.stop();
    },
  };
  return context;
}

/** Body of an execute/async call: settles with {ok, v} or {ok: false, e} however SRC ends. */
const ASYNC_SCRIPT = `const arg = arguments[0], done = arguments[arguments.length - 1];
Promise.resolve().then(() => (SRC)(arg)).then(
  v => done({ ok: true, v: v === undefined ? null : v }),
  e => done({ ok: false, e: String(e && e.stack ? e.message + '\\n' + e.stack : e) }));`;

const COLLECTOR = `() => {
  if (window.__engineErrors) return;
  const list = window.__engineErrors = [];
  addEventListener('error', e => list.push({ type: 'uncaught', text: String(e.error || e.message) }));
  addEventListener('unhandledrejection', e => list.push({ type: 'uncaught', text: 'unhandled rejection: ' + String(e.reason) }));
  const original = console.error;
  console.error = (...args) => { list.push({ type: 'console', text: args.map(String).join(' ') }); original.apply(console, args); };
}`;
