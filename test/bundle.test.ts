// The bundled CLI (scripts/bundle.mjs → dist/cli/) and tsc's dist/src/ name the same thread and
// process entry points (src/code-files.ts): every one exists in both layouts, and the bundle is what
// bin/wobbly.js runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { BUNDLE_ENTRIES, codeFile, type CodeFile } from '../src/code-files.js';
import { ROOT } from './helpers.js';

test('every entry point exists in dist/src (tsc) and in dist/cli (the bundle); bin/wobbly.js runs the bundle', () => {
  for (const name of Object.keys(BUNDLE_ENTRIES)) {
    assert.ok(existsSync(join(ROOT, 'dist/cli', `${name}.js`)), `dist/cli/${name}.js`);
    if (name !== 'main') assert.ok(existsSync(fileURLToPath(codeFile(name as CodeFile))), `${name} in dist/src`);
  }
  assert.ok(readFileSync(join(ROOT, 'bin/wobbly.js'), 'utf8').includes("'../dist/cli/main.js'"));
});

test("the bundle leaves out hdr-histogram-js's WebAssembly build and pako (Node never runs them), and keeps its JavaScript histograms", () => {
  const files = readdirSync(join(ROOT, 'dist/cli')).filter((f) => f.endsWith('.js'));
  const text = files.map((f) => readFileSync(join(ROOT, 'dist/cli', f), 'utf8')).join('\n');
  assert.ok(!text.includes('node_modules/hdr-histogram-js/dist/wasm/'), 'no WebAssembly module');
  assert.ok(!text.includes('node_modules/pako/'), 'no pako');
  assert.ok(text.includes('node_modules/hdr-histogram-js/dist/JsHistogram.js'), 'the JavaScript histograms');
});

test("the bundle keeps zod's English messages and leaves out its 40 other languages (never read, parsed at every start)", () => {
  const files = readdirSync(join(ROOT, 'dist/cli')).filter((f) => f.endsWith('.js'));
  const locales = new Set(files.flatMap((f) => [...readFileSync(join(ROOT, 'dist/cli', f), 'utf8').matchAll(/^\/\/ node_modules\/zod\/v4\/locales\/([\w-]+\.js)$/gm)].map((m) => m[1])));
  assert.deepEqual([...locales], ['en.js']);
});
