// Test target with a known service time: /work?ms=N answers after N ms × SLOWDOWN (an async
// wait: the server stays responsive). SLOWDOWN=1.5 is the same server made 50% slower.
// Usage: SLOWDOWN=1.5 node dist/test/servers/latency-server.js → "listening on http://127.0.0.1:PORT".
// /stats reports how many requests and connections it saw (to prove nothing was sent).
import { createServer } from 'node:http';

const slowdown = Number(process.env.SLOWDOWN ?? '1');
let requests = 0;
let connections = 0;

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ requests, connections }));
    return;
  }
  requests++;
  if (url.pathname === '/work') {
    const ms = Number(url.searchParams.get('ms') ?? '20') * slowdown;
    setTimeout(() => res.end(JSON.stringify({ ms })), ms);
  } else {
    res.statusCode = 404;
    res.end('not found');
  }
});
server.on('connection', () => connections++);
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  if (addr && typeof addr === 'object') process.stdout.write(`listening on http://127.0.0.1:${addr.port} (slowdown ${slowdown})\n`);
});
setInterval(() => {
  if (process.ppid === 1) process.exit(0);
}, 500).unref();
