// Records every request it gets (method, path, body bytes as base64) and tells them on GET /received,
// so a test can check what reached the server, byte for byte, or that nothing did.
import { createServer } from 'node:http';
import { serveOnLoopback } from './serve.js';

const received: { method: string; path: string; body: string }[] = [];

const server = createServer((req, res) => {
  if (req.url === '/received') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ method: req.method ?? '', path: req.url ?? '', body: Buffer.concat(chunks).toString('base64') });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
});

serveOnLoopback(server);
