#!/usr/bin/env node
// Bundles src/ with esbuild into dist/: the ES module served at /warren.js, the plain script at
// /warren.global.js (sets window.Warren), minified variants with source maps, and a CommonJS build for
// Node bundlers. `node build.cjs --check` fails when a committed file is stale (run by the tests).
'use strict';
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');
const terser = require('terser');

const src = path.join(__dirname, 'src');
const dist = path.join(__dirname, 'dist');
const BANNER = '/* warren-client: built from src/ by build.cjs */';
// Internal members get short names in every build: those named _x, and these, which appear in no option,
// wire field, message between tabs or browser API the client touches. `__warren` (the jsonp/iframe
// callback registry, named in URLs) and `_core` (reached by tests) keep theirs.
const INTERNAL = ('opts policy outbox subs conn sink items posting largest core candidates attempt failures worked '
  + 'probeDelay handlers waiters epoch inflight viaSocket control bytes datagram timer live active match listeners emit '
  + 'base fetchInit receive answered touch lost position framed poll probe opened cleanup ctl hub channel release leave '
  + 'join requeue rejectAll registerAll attachPatterns dispatch flush current best canStepDown mayStepDown stepDown '
  + 'probeFailed probeSucceeded nextDelay wake listen key').split(' ');
const common = { bundle: true, write: false, target: 'es2020', legalComments: 'none', banner: { js: BANNER }, logLevel: 'silent',
  mangleProps: new RegExp('^(_[^_].*|' + INTERNAL.join('|') + ')$'), reserveProps: /^_core$/ };
const builds = [
  { entryPoints: [path.join(src, 'warren.js')], format: 'esm', outfile: path.join(dist, 'warren.js') },
  { entryPoints: [path.join(src, 'warren.js')], format: 'esm', outfile: path.join(dist, 'warren.min.js'), minify: true, sourcemap: true },
  { entryPoints: [path.join(src, 'global.js')], format: 'iife', outfile: path.join(dist, 'warren.global.js') },
  { entryPoints: [path.join(src, 'global.js')], format: 'iife', outfile: path.join(dist, 'warren.global.min.js'), minify: true, sourcemap: true },
  { entryPoints: [path.join(src, 'warren.js')], format: 'cjs', outfile: path.join(dist, 'warren.cjs') },
];

/** A second minification pass with terser (about 3% smaller than esbuild alone), its map chained to esbuild's. */
async function squeeze(files, module) {
  const js = files.find(f => f.path.endsWith('.js'));
  const map = files.find(f => f.path.endsWith('.map'));
  const name = path.basename(map.path);
  const out = await terser.minify(js.text.replace(/\/\/# sourceMappingURL=.*\n?$/, ''), {
    module, compress: { passes: 3 }, mangle: true, format: { preamble: BANNER },
    sourceMap: { content: map.text, url: name },
  });
  js.text = out.code + '\n';
  map.text = out.map;
}

async function main() {
  const outputs = [];
  for (const b of builds) {
    const r = await esbuild.build({ ...common, ...b });
    const files = r.outputFiles.map(f => ({ path: f.path, text: f.text }));
    if (b.minify) await squeeze(files, b.format === 'esm');
    for (const f of files) {
      // Source paths relative to the package, the same on every machine.
      const text = f.path.endsWith('.map') ? f.text.split(path.relative(dist, src).split(path.sep).join('/')).join('../src') : f.text;
      outputs.push({ path: f.path, text });
    }
  }
  if (process.argv.includes('--check')) {
    const stale = outputs.filter(o => !fs.existsSync(o.path) || fs.readFileSync(o.path, 'utf8') !== o.text);
    if (stale.length) {
      console.error('stale: ' + stale.map(o => path.relative(__dirname, o.path)).join(', ') + ': run `node client/build.cjs`');
      process.exit(1);
    }
    return;
  }
  fs.mkdirSync(dist, { recursive: true });
  for (const o of outputs) fs.writeFileSync(o.path, o.text);
}

main().catch(e => { console.error(e); process.exit(1); });
