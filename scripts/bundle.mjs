// The CLI as one bundle (dist/cli/): the entry points of src/code-files.ts and the CLI, code split
// into shared chunks, every file in one directory. A run then loads a few files per thread
// instead of ~80 modules and the dependencies' ~150: measured on the 2-core machine, a 1 s probe
// run took 0.89 s of CPU from dist/src and 0.70 s bundled (npm test runs ~280 CLI processes).
// The library API (package.json "exports") stays tsc's dist/src.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { BUNDLE_ENTRIES } from '../dist/src/code-files.js';

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
  logLevel: 'warning',
});
