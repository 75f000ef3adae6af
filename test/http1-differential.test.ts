// The load client and undici (llhttp) on the same malformed responses: a raw TCP server writes
// each case's bytes and closes; both clients must agree on error vs success, and neither may
// hang (a framing error is an error at once, not a wait for bytes that never come).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { Client } from 'undici';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRequest, Http1Connection, targetOf } from '../src/load/http1.js';
import { runCli, tempDir } from './helpers.js';

/** Longer than any answer takes on loopback: reaching it means the client hung. */
const HANG_MS = 3000;

interface Case {
  name: string;
  wire: string;
  /** What llhttp is known to do with it: the point of the case (both must also agree). */
  ok: boolean;
}

const big = (n: number) => 'x'.repeat(n);
const CASES: Case[] = [
  { name: 'Content-Length', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', ok: true },
  { name: 'chunked with an extension and a trailer', wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;a=b\r\nok\r\n0\r\nX-T: 1\r\n\r\n', ok: true },
  { name: 'read until close', wire: 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end', ok: true },
  { name: 'no reason phrase', wire: 'HTTP/1.1 204\r\n\r\n', ok: true },
  { name: 'an 8 KB header', wire: `HTTP/1.1 200 OK\r\nX-Big: ${big(8 * 1024)}\r\nContent-Length: 0\r\n\r\n`, ok: true },
  { name: 'Content-Length with spaces around it', wire: 'HTTP/1.1 200 OK\r\nContent-Length:   2  \r\n\r\nok', ok: true },
  { name: 'bare LF line ends', wire: 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok', ok: false },
  { name: 'bare LF after a header', wire: 'HTTP/1.1 200 OK\r\nX-A: 1\nContent-Length: 2\r\n\r\nok', ok: false },
  { name: 'bare CR in a header value', wire: 'HTTP/1.1 200 OK\r\nX-A: 1\r2\r\nContent-Length: 2\r\n\r\nok', ok: false },
  { name: 'chunk size not hex', wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n', ok: false },
  { name: 'chunk size overflowing', wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\nok\r\n0\r\n\r\n', ok: false },
  { name: 'no CRLF after chunk data', wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX0\r\n\r\n', ok: false },
  { name: 'Content-Length not a number', wire: 'HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nok', ok: false },
  { name: 'Content-Length negative', wire: 'HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\nok', ok: false },
  { name: 'Content-Length as a list', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok', ok: false },
  { name: 'Content-Length twice, conflicting', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok', ok: false },
  { name: 'Content-Length twice, the same', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok', ok: false },
  { name: 'a folded header line', wire: 'HTTP/1.1 200 OK\r\nX-A: 1\r\n 2\r\nContent-Length: 2\r\n\r\nok', ok: false },
  { name: 'a space after the chunk size', wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 \r\nok\r\n0\r\n\r\n', ok: false },
  { name: 'Content-Length and Transfer-Encoding', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n', ok: false },
  { name: 'a space before the colon', wire: 'HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok', ok: false },
  { name: 'a header name with a bad character', wire: 'HTTP/1.1 200 OK\r\nX(A): 1\r\nContent-Length: 2\r\n\r\nok', ok: false },
  { name: 'a four-digit status', wire: 'HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok', ok: false },
  { name: 'not HTTP at all', wire: 'SSH-2.0-OpenSSH_9.2\r\n\r\n', ok: false },
  { name: 'a 64 KB head', wire: `HTTP/1.1 200 OK\r\nX-Big: ${big(64 * 1024)}\r\nContent-Length: 0\r\n\r\n`, ok: false },
];

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

/** A server that answers every connection's first request head with `wire`, then ends. */
async function serve(wire: string): Promise<number> {
  const server = createServer((socket) => {
    let head = '';
    socket.on('data', (d) => {
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n')) socket.end(wire, 'latin1');
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return (server.address() as { port: number }).port;
}

type Outcome = { ok: true } | { ok: false; error: string };

async function viaUndici(port: number): Promise<Outcome> {
  const client = new Client(`http://127.0.0.1:${port}`, { headersTimeout: HANG_MS, bodyTimeout: HANG_MS });
  try {
    const res = await client.request({ path: '/', method: 'GET' });
    await res.body.text();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  } finally {
    await client.destroy().catch(() => undefined);
  }
}

function viaLoadClient(port: number): Promise<Outcome> {
  const conn = new Http1Connection(targetOf(`http://127.0.0.1:${port}`));
  const request = encodeRequest('GET', '/', `127.0.0.1:${port}`, {}, undefined, 'wobbly-test');
  return new Promise((resolve) => {
    const timer = setTimeout(() => conn.abort('timeout'), HANG_MS);
    conn.send(request, false, (error) => {
      clearTimeout(timer);
      conn.close();
      resolve(error === undefined ? { ok: true } : { ok: false, error });
    });
  });
}

for (const c of CASES) {
  test(`same answer as undici: ${c.name} → ${c.ok ? 'success' : 'error'}`, async () => {
    const port = await serve(c.wire);
    const [ours, theirs] = await Promise.all([viaLoadClient(port), viaUndici(port)]);
    assert.equal(theirs.ok, c.ok, `undici: ${JSON.stringify(theirs)}`);
    assert.equal(ours.ok, c.ok, `load client: ${JSON.stringify(ours)}`);
    if (!ours.ok) assert.ok(ours.error.startsWith('malformed HTTP ('), `a framing error, not a timeout or a closed connection: ${ours.error}`);
  });
}

test('a request with CR or LF in its path or a header is refused before anything is sent', () => {
  assert.throws(() => encodeRequest('GET', '/a\r\nX-Injected: 1', 'h', {}, undefined, 'u'), /path .* contains whitespace, CR, LF or NUL/);
  assert.throws(() => encodeRequest('GET', '/a', 'h', { 'X-A': 'v\r\nX-Injected: 1' }, undefined, 'u'), /header X-A: value contains CR, LF or NUL/);
  assert.throws(() => encodeRequest('GET', '/a', 'h', { 'X-A\r\nB': 'v' }, undefined, 'u'), /is not an HTTP token/);
  assert.throws(() => encodeRequest('GET\r\n', '/', 'h', {}, undefined, 'u'), /method .* is not an HTTP token/);
});

test('the CLI refuses a load whose path carries CR/LF: exit 2, a clear line, no request with the smuggled header reaches the server', async () => {
  let smuggled = 0;
  let requests = 0;
  const server = createServer((socket) => {
    socket.on('data', (d) => {
      const text = d.toString('latin1');
      requests += text.split('\r\n\r\n').length - 1;
      if (/^X-Evil:/im.test(text)) smuggled++;
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  const port = (server.address() as { port: number }).port;
  const dir = tempDir();
  const file = join(dir, 'crlf.yaml');
  writeFileSync(file, 'name: crlf\nduration: 1s\nactors:\n  - { name: load, kind: load, path: "/a\\r\\nX-Evil: 1", connections: 2, calibrate: 0 }\n');
  const r = await runCli(['run', file, '--target', `http://127.0.0.1:${port}`, '--quiet']);
  assert.equal(r.code, 2, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(smuggled, 0);
  assert.ok(requests <= 1, `at most the reachability check: ${requests}`);
});
