#!/usr/bin/env node
// Generates dist/warren.global.js (a plain script that sets window.Warren) from src/warren.js, the one
// source of truth. `node build.cjs --check` fails when the committed file is stale (run by the tests).
'use strict';
const fs = require('fs');
const path = require('path');

const src = fs.readFileSync(path.join(__dirname, 'src', 'warren.js'), 'utf8');
const MODULE_SCRIPT = "const SCRIPT = { url: import.meta.url, type: 'module' };";
if (!src.includes(MODULE_SCRIPT)) throw new Error('src/warren.js: the SCRIPT line changed; update build.cjs');
const body = src
  .replace(MODULE_SCRIPT, "const SCRIPT = { url: typeof document !== 'undefined' && document.currentScript ? document.currentScript.src : null, type: 'classic' };")
  .replace(/^export default Warren;\n?/m, '')
  .replace(/^export (const|function|class) /gm, '$1 ');
if (/\bexport\b|import\.meta/.test(body.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''))) throw new Error('module syntax left in the global build');
const out = '/* Generated from src/warren.js by build.cjs: do not edit. */\n'
  + '(function () {\n\'use strict\';\n' + body
  + '\nroot.Warren = Warren;\nWarren.matcher = matcher;\n})();\n';
const target = path.join(__dirname, 'dist', 'warren.global.js');
if (process.argv.includes('--check')) {
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (current !== out) {
    console.error('dist/warren.global.js is stale: run `node client/build.cjs`');
    process.exit(1);
  }
} else {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, out);
}
