// The load's HTTP/1.1 client against a raw TCP server that writes exactly the bytes we choose:
// framing (Content-Length, chunked, close-delimited), bytes split anywhere, keep-alive and its
// race, interim responses, errors.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { encodeRequest, Http1Connection, targetOf, type Http1Response } from '../src/load/http1.js';
import { faultKind } from '../src/protocols/faults.js';

type Reply = (socket: Socket, request: string) => void;

/** A server that calls `reply` once per complete request head it reads. */
async function rawServer(reply: Reply): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        reply(socket, head);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  servers.push(server);
  return { server, port, connections: () => connections };
}
const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

function send(conn: Http1Connection, req: Buffer, isHead = false): Promise<{ error?: string; res: Http1Response }> {
  return new Promise((resolve) => conn.send(req, isHead, (error, res) => resolve({ error, res })));
}

const GET = (port: number, path = '/') => encodeRequest('GET', path, `127.0.0.1:${port}`, {}, undefined, 'wobbly-test');

/** Writes `data` in pieces of `size` bytes, each in its own TCP write a little apart. */
function dribble(socket: Socket, data: string, size: number): void {
  let i = 0;
  const next = () => {
    if (i >= data.length) return;
    socket.write(data.slice(i, i + size), 'latin1');
    i += size;
    setTimeout(next, 1);
  };
  next();
}

test('encodeRequest: Host, User-Agent, Accept unless given; Content-Length for a body', () => {
  const get = encodeRequest('GET', '/a?b=1', 'h:1', { 'X-Y': 'z' }, undefined, 'ua/1').toString('latin1');
  assert.equal(get, 'GET /a?b=1 HTTP/1.1\r\nHost: h:1\r\nUser-Agent: ua/1\r\nAccept: */*\r\nX-Y: z\r\n\r\n');
  const post = encodeRequest('POST', '/p', 'h:1', { accept: 'application/json' }, 'héllo', 'ua/1').toString('latin1');
  assert.match(post, /^POST \/p HTTP\/1\.1\r\nHost: h:1\r\nUser-Agent: ua\/1\r\naccept: application\/json\r\nContent-Length: 6\r\n\r\n/);
  assert.equal(encodeRequest('DELETE', '/d', 'h', {}, undefined, 'u').toString('latin1').includes('Content-Length'), false);
  assert.equal(encodeRequest('PUT', '/d', 'h', {}, undefined, 'u').toString('latin1').includes('Content-Length: 0'), true);
});

test('Content-Length bodies, split anywhere, on one keep-alive connection', async () => {
  const body = 'x'.repeat(5000);
  const { port, connections } = await rawServer((s) => dribble(s, `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length: ${body.length}\r\n\r\n${body}`, 777));
  const conn = new Http1Connection(targetOf(`http://127.0.0.1:${port}`));
  for (let i = 0; i < 3; i++) {
    const { error, res } = await send(conn, GET(port));
    assert.equal(error, undefined);
    assert.equal(res.status, 200);
    assert.equal(res.bodyBytes, 5000);
    assert.ok(res.wireBytes > 5000 + 40, `wire ${res.wireBytes}`);
  }
  assert.equal(connections(), 1, 'keep-alive: one connection');
  conn.close();
});

test('chunked bodies with extensions and trailers, split byte by byte; headers and body kept on demand', async () => {
  const wire = 'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nX-Thread: 42\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n';
  const { port } = await rawServer((s) => dribble(s, wire, 1));
  const conn = new Http1Connection(targetOf(`http://127.0.0.1:${port}`), { keepHeaders: true, keepBody: true });
  const { error, res } = await send(conn, GET(port));
  assert.equal(error, undefined);
  assert.equal(res.status, 201);
  assert.equal(res.bodyBytes, 12);
  assert.equal(res.body?.toString(), 'hello, world');
  assert.equal(res.headers?.['x-thread'], '42');
  assert.equal(res.wireBytes, Buffer.byteLength(wire));
  // The connection is still usable.
  const again = await send(conn, GET(port));
  assert.equal(again.res.bodyBytes, 12);
  conn.close();
});

test('no body for HEAD, 204 and 304; 1xx interim responses are skipped', async () => {
  const { port } = await rawServer((s, req) => {
    if (req.startsWith('HEAD')) s.write('HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n');
    else if (req.includes('/204')) s.write('HTTP/1.1 204 No Content\r\n\r\n');
    else if (req.includes('/304')) s.write('HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n');
    else s.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  });
  const conn = new Http1Connection(targetOf(`http://127.0.0.1:${port}`));
  const head = await send(conn, encodeRequest('HEAD', '/', 'h', {}, undefined, 'u'), true);
  assert.deepEqual([head.error, head.res.status, head.res.bodyBytes], [undefined, 200, 0]);
  const r204 = await send(conn, GET(port, '/204'));
  assert.deepEqual([r204.error, r204.res.status, r204.res.bodyBytes], [undefined, 204, 0]);
  const r304 = await send(conn, GET(port, '/304'));
  assert.deepEqual([r304.error, r304.res.status, r304.res.bodyBytes], [undefined, 304, 0]);
  const interim = await send(conn, GET(port, '/continue'));
  assert.deepEqual([interim.error, interim.res.status, interim.res.bodyBytes], [undefined, 200, 2]);
  conn.close();
});

test('Connection: close and HTTP/1.0 bodies read until close; the next request reconnects', async () => {
  let n = 0;
  const { port, connections } = await rawServer((s) => {
    n++;
    if (n === 1) s.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nabc');
    else s.end('HTTP/1.0 200 OK\r\n\r\nuntil the end');
  });
  const conn = new Http1Connection(targetOf(`http://127.0.0.1:${port}`));
  const a = await send(conn, GET(port));
  assert.deepEqual([a.error, a.res.bodyBytes], [undefined, 3]);
  const b = await send(conn, GET(port));
  assert.deepEqual([b.error, b.res.status, b.res.bodyBytes], [undefined, 200, 13]);
  assert.equal(connections(), 2);
  conn.close();
});

test('a request on a reused connection that closes unanswered is retried once on a new one; a fresh one is not', async () => {
  const perSocket = new WeakMap<Socket, number>();
  const { port, connections } = await rawServer((s) => {
    const n = (perSocket.get(s) ?? 0) + 1;
    perSocket.set(s, n);
    // The keep-alive race: the server drops the connection just as the second request arrives.
    if (n === 2) s.destroy();
    else s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  });
  const conn = new Http1Connection(targetOf(`http://127.0.0.1:${port}`));
  assert.equal((await send(conn, GET(port))).error, undefined);
  const second = await send(conn, GET(port));
  assert.equal(second.error, undefined);
  assert.equal(second.res.status, 200);
  assert.equal(connections(), 2);
  conn.close();

  const { port: rude } = await rawServer((s) => s.destroy());
  const fresh = await send(new Http1Connection(targetOf(`http://127.0.0.1:${rude}`)), GET(rude));
  assert.match(fresh.error ?? '', /connection closed|ECONNRESET/);
});

test('errors: refused, closed mid-body, not HTTP, aborted', async () => {
  const closed = await rawServer((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort'));
  const garbage = await rawServer((s) => s.write('SSH-2.0-OpenSSH\r\n\r\n'));
  const silent = await rawServer(() => undefined);
  const free = await rawServer(() => undefined);
  free.server.close();
  await new Promise((r) => setTimeout(r, 20));

  const refused = await send(new Http1Connection(targetOf(`http://127.0.0.1:${free.port}`)), GET(free.port));
  assert.equal(refused.error, 'ECONNREFUSED');
  assert.equal(refused.res.status, 0);

  const cut = await send(new Http1Connection(targetOf(`http://127.0.0.1:${closed.port}`)), GET(closed.port));
  assert.equal(cut.error, 'connection closed');
  assert.equal(cut.res.status, 200);
  assert.equal(cut.res.bodyBytes, 5);

  const bad = await send(new Http1Connection(targetOf(`http://127.0.0.1:${garbage.port}`)), GET(garbage.port));
  // Named like every other malformed answer, so that the result counts it as one.
  assert.equal(bad.error, 'malformed HTTP (not an HTTP/1.x response)');
  assert.equal(faultKind(bad.error), 'malformed-http');

  const conn = new Http1Connection(targetOf(`http://127.0.0.1:${silent.port}`));
  const pending = send(conn, GET(silent.port));
  setTimeout(() => conn.abort('timeout'), 30);
  assert.equal((await pending).error, 'timeout');
});
