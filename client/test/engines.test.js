// The browser-engine policy of the real-browser tests (support/engines.js), checked without starting a
// browser: under CI a missing browser or driver fails the run and a narrowed run is refused; elsewhere a
// missing engine is skipped with its reason, never silently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, selectEngines } from './support/engines.js';

const NOWHERE = '/nonexistent/browser';

test('under CI a missing Firefox fails the run, naming the Debian package', async () => {
  await assert.rejects(selectEngines({ CI: 'true', FIREFOX: NOWHERE }),
    { message: `browser tests need ${NOWHERE} (apt-get install firefox-esr)` });
});

test('under CI a missing WebKitWebDriver or Xvfb fails the run, naming the Debian package', async () => {
  await assert.rejects(selectEngines({ CI: 'true', WEBKIT_DRIVER: NOWHERE }),
    { message: `browser tests need ${NOWHERE} (apt-get install webkit2gtk-driver)` });
  await assert.rejects(selectEngines({ CI: 'true', XVFB: NOWHERE }),
    { message: `browser tests need ${NOWHERE} (apt-get install xvfb)` });
});

test('under CI a missing Chromium fails the run, naming the Debian package', async () => {
  await assert.rejects(selectEngines({ CI: 'true', CHROMIUM: NOWHERE }),
    { message: `browser tests need ${NOWHERE} (apt-get install chromium)` });
});

test('under CI WARREN_ENGINES cannot narrow the run', async () => {
  await assert.rejects(selectEngines({ CI: 'true', WARREN_ENGINES: 'chromium' }), /CI runs every engine/);
});

test('an unknown engine is refused', async () => {
  await assert.rejects(selectEngines({ WARREN_ENGINES: 'chromium,safari' }), /unknown engine safari/);
});

test('outside CI a missing engine is skipped with its reason, and the others are as they were', async () => {
  const here = await selectEngines({});
  const selected = await selectEngines({ FIREFOX: NOWHERE });
  assert.deepEqual(selected, here.map(s => (s.engine !== 'firefox' ? s
    : { engine: 'firefox', skip: `firefox skipped outside CI: missing ${NOWHERE} (apt-get install firefox-esr)` })));
  assert.deepEqual((await selectEngines({ WARREN_ENGINES: 'webkit,chromium' })).map(s => s.engine), ['webkit', 'chromium']);
  assert.deepEqual(here.map(s => s.engine), ENGINES);
});
