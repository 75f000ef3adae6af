#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (npm run build).
import { main } from '../dist/src/cli/main.js';

// Exit explicitly: a keep-alive socket or a timer left by a library must not hold the CLI open.
process.exit(await main(process.argv.slice(2)));
