#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (shipped in the npm package; `npm run build` in a checkout).
import { existsSync } from 'node:fs';

// The bundled CLI (scripts/bundle.mjs): a few files per thread instead of hundreds of modules.
const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('wobbly: this source checkout is not built yet: run `npm run build` (or `npm run demo`) first\n');
  process.exit(2);
}
// `wobbly --version` needs nothing but package.json: answer it before loading the CLI.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { readFileSync } = await import('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  process.exit(0);
}
const { main } = await import(entry.href);
// Exit explicitly: a keep-alive socket or a timer left by a library must not hold the CLI open.
process.exit(await main(argv));
