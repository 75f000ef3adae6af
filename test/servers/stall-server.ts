// Test target: a Node server whose /heavy blocks its event loop for exactly ?ms= (a blocking sleep).
// Usage: node dist/test/servers/stall-server.js  → prints "listening on http://127.0.0.1:PORT".
// /stats reports how many requests and connections it saw (to prove nothing was sent).
// SLOWDOWN=1.5 makes /slow 50% slower: the same server, regressed (for baselines).
import { serveOnLoopback } from './serve.js';
import { createServer } from 'node:http';

const slowdown = Number(process.env.SLOWDOWN ?? '1');

let requests = 0;
let connections = 0;

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * Blocks the event loop for `ms` without burning a core, like `time.sleep()` inside an `async
 * def`: nothing else is answered meanwhile. (A busy wait would block it the same, but it took a
 * core from the other tests of the suite for every second of stall.)
 */
function blockingSleep(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ requests, connections }));
    return;
  }
  requests++;
  if (url.pathname === '/live') {
    res.end('OK');
  } else if (url.pathname === '/heavy') {
    const ms = Number(url.searchParams.get('ms') ?? '1000');
    blockingSleep(ms);
    res.end(JSON.stringify({ blockedMs: ms }));
  } else if (url.pathname === '/slow') {
    // healthy but slow: an async wait does not block the loop
    setTimeout(() => res.end('slow'), Number(url.searchParams.get('ms') ?? '1000') * slowdown);
  } else if (url.pathname === '/exit') {
    res.end('bye');
    setTimeout(() => process.exit(0), 10);
  } else {
    res.statusCode = 404;
    res.end('not found');
  }
});
server.on('connection', () => connections++);
// --port N (default: a free port); --fail-start makes it exit before listening, like a broken app.
const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
if (args.includes('--fail-start')) {
  process.stderr.write('Traceback: ImportError: cannot import name "app" (a deliberate start failure)\n');
  process.exit(1);
}
serveOnLoopback(server, portArg >= 0 ? Number(args[portArg + 1]) : 0);
