// The CLI as one bundle (dist/cli/): the entry points of src/code-files.ts and the CLI, code split
// into shared chunks, every file in one directory. A run then loads a few files per thread
// instead of ~80 modules and the dependencies' ~150: measured on the 2-core machine, a 1 s probe
// run took 0.89 s of CPU from dist/src and 0.70 s bundled (npm test runs ~280 CLI processes).
// The library API (package.json "exports") stays tsc's dist/src.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { sep } from 'node:path';
import { BUNDLE_ENTRIES } from '../dist/src/code-files.js';

// Parts of hdr-histogram-js that Node never runs, parsed at every thread's start all the same:
// its WebAssembly build (a 39 KB base64 module and its loader; wobbly builds JavaScript
// histograms, whose two importers only test `webAssemblyAvailable` and `instanceof
// WasmHistogram`) and pako, the browser's fallback for node:zlib.
const HDR_STUBS = {
  './wasm': 'export const webAssemblyAvailable = false; export class WasmHistogram {}',
  pako: 'export default undefined;',
};
const noHdrWasm = {
  name: 'hdr-node-only',
  setup(b) {
    b.onResolve({ filter: /^(\.\/wasm|pako)$/ }, (args) =>
      args.importer.includes('hdr-histogram-js') ? { path: args.path, namespace: 'hdr-node-only' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'hdr-node-only' }, (args) => ({ contents: HDR_STUBS[args.path], loader: 'js' }));
  },
};

// zod's error messages in 40 languages (360 KB, two fifths of the bundle's largest chunk, parsed
// by every CLI start that validates a scenario): the classic API and its core re-export them as `locales`,
// which wobbly never reads; its English messages come from locales/en.js, imported on their own.
const noZodLocales = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`zod${sep}v4${sep}`) ? { path: args.path, namespace: 'zod-english-only' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

rmSync('dist/cli', { recursive: true, force: true });
await build({
  entryPoints: Object.fromEntries(Object.entries(BUNDLE_ENTRIES).map(([name, file]) => [name, `dist/src/${file.slice(2)}`])),
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  define: { WOBBLY_BUNDLED: 'true' },
  // CommonJS dependencies (undici, yaml, commander) call require() for node's modules.
  banner: { js: "import { createRequire as __wobblyRequire } from 'node:module'; const require = __wobblyRequire(import.meta.url);" },
  chunkNames: 'chunk-[hash]',
  plugins: [noHdrWasm, noZodLocales],
  logLevel: 'warning',
});
