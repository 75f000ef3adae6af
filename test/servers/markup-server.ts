// Test target whose answers carry markup in the values wobbly extracts: the HTML report must show
// them as text. Usage: node dist/test/servers/markup-server.js → "listening on http://127.0.0.1:PORT".
//   /who      JSON {"who": "<script>window.__pwned=1</script>"} or an <img onerror> (alternating)
//   /stream   SSE, 6 events, each "who: <b onmouseover=...>k</b>" with k alternating 0/1
import { createServer } from 'node:http';
import { serveOnLoopback } from './serve.js';

export const MARKUP = ['<script>window.__pwned=1</script>', '<img src=x onerror="window.__pwned=2">'];
let n = 0;

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/who') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ who: MARKUP[n++ % 2] }));
    return;
  }
  if (url.pathname === '/stream') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    let k = 0;
    const timer = setInterval(() => {
      res.write(`data: who: <b onmouseover="window.__pwned=3">${k % 2}</b>\n\n`);
      if (++k === 6) {
        clearInterval(timer);
        res.end();
      }
    }, 30);
    res.on('close', () => clearInterval(timer));
    return;
  }
  res.writeHead(404).end();
});
serveOnLoopback(server);
