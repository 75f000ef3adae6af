// Test target: a hostile HTTP/1.1 server on a raw TCP socket (so it can break the protocol).
// Usage: node dist/test/servers/hostile-server.js [--die-after MS] [--freeze]
//   prints "listening on http://127.0.0.1:PORT".
// A TLS handshake gets a plain 400 (as from a server that speaks no TLS). Paths:
//   /inject         200 JSON whose "id" holds ESC/OSC sequences, BEL, NUL, a newline followed by
//                   a workflow command, a Markdown image and raw HTML; header x-id a command and an image
//   /ctl-header     200 with an ESC in a header value (undici refuses it: a malformed answer)
//   /sse-inject     an SSE stream of such events (data: {"id": ...}), 5 per second
//   /malformed      an answer that is not HTTP at all
//   /bare-lf        a status line and headers ended by bare LF (llhttp refuses it)
//   /reset10        200, but every 10th request has its connection reset
//   /flood1xx       102 Processing forever, never a final response
//   /hang           reads the request, never answers
//   /unterminated   a 200 chunked stream of text without any line end, 64 KiB every 10 ms
//   /ok             200 "ok"
//   /stats          JSON {requests}: how many requests (other than /stats) it saw
// --die-after MS: the process exits MS after listening; --die-after-requests N: 500 ms after the Nth request. --freeze: listens with a backlog of 1 and
// stops itself (SIGSTOP) at once: connections queue in the kernel, nothing is ever accepted.
import { createServer, type Socket } from 'node:net';

const args = process.argv.slice(2);
const dieAfter = args.includes('--die-after') ? Number(args[args.indexOf('--die-after') + 1]) : undefined;
const freeze = args.includes('--freeze');
const dieAfterRequests = args.includes('--die-after-requests') ? Number(args[args.indexOf('--die-after-requests') + 1]) : undefined;

export const NASTY = '\u001b[2J\u001b]0;pwned\u0007\u0000\u009b31m\u202e\n::error title=INJECTED::boom\r\n![x](http://evil.example/x.png)<img src=x onerror=alert(1)>';
// A header cannot hold CR/LF, and undici refuses other controls in one (a fault of its own, tested apart).
const NASTY_HEADER = '::error title=INJECTED::boom ![x](http://evil.example/x.png) <img src=x>';

let requests = 0;
let resetCounter = 0;

function respond(socket: Socket, status: string, headers: Record<string, string>, body: string): void {
  const head = Object.entries({ 'content-length': String(Buffer.byteLength(body)), ...headers }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.write(`HTTP/1.1 ${status}\r\n${head}\r\n${body}`);
}

function handle(socket: Socket, path: string): boolean {
  if (path === '/stats') {
    respond(socket, '200 OK', { 'content-type': 'application/json' }, JSON.stringify({ requests }));
    return true;
  }
  requests++;
  if (requests === dieAfterRequests) setTimeout(() => process.exit(0), 500);
  switch (path) {
    case '/ok':
      respond(socket, '200 OK', {}, 'ok');
      return true;
    case '/inject':
      respond(socket, '200 OK', { 'content-type': 'application/json', 'x-id': NASTY_HEADER }, JSON.stringify({ id: NASTY }));
      return true;
    case '/sse-inject': {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n');
      const send = () => {
        const event = `data: ${JSON.stringify({ id: NASTY })}\n\n`;
        socket.write(`${Buffer.byteLength(event).toString(16)}\r\n${event}\r\n`);
      };
      send();
      const timer = setInterval(send, 200);
      socket.once('close', () => clearInterval(timer));
      return false;
    }
    case '/ctl-header':
      respond(socket, '200 OK', { 'x-id': '\u001b[2J' }, 'ok');
      return true;
    case '/malformed':
      socket.end('SSH-2.0-OpenSSH_9.6 not http at all\r\n\r\n');
      return false;
    case '/bare-lf':
      socket.end('HTTP/1.1 200 OK\ncontent-length: 2\n\nok');
      return false;
    case '/reset10':
      if (++resetCounter % 10 === 0) {
        socket.resetAndDestroy();
        return false;
      }
      respond(socket, '200 OK', {}, 'ok');
      return true;
    case '/flood1xx': {
      const timer = setInterval(() => socket.write('HTTP/1.1 102 Processing\r\n\r\n'), 20);
      socket.once('close', () => clearInterval(timer));
      return false;
    }
    case '/hang':
      return false;
    case '/unterminated': {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n');
      const chunk = 'x'.repeat(64 * 1024);
      const timer = setInterval(() => socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`), 10);
      socket.once('close', () => clearInterval(timer));
      return false;
    }
    default:
      respond(socket, '404 Not Found', {}, 'no such path');
      return true;
  }
}

const server = createServer((socket) => {
  socket.on('error', () => undefined);
  let buffered = '';
  let open = true;
  socket.on('data', (chunk) => {
    if (!open) return;
    buffered += chunk.toString('latin1');
    if (buffered.charCodeAt(0) === 0x16) {
      // A TLS ClientHello to this plain-HTTP port: answer as a plain server does (then TLS fails).
      socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      open = false;
      return;
    }
    let end: number;
    while (open && (end = buffered.indexOf('\r\n\r\n')) !== -1) {
      const head = buffered.slice(0, end);
      buffered = buffered.slice(end + 4);
      const path = (head.split(' ')[1] ?? '/').split('?')[0]!;
      open = handle(socket, path);
    }
  });
});

server.listen({ port: 0, host: '127.0.0.1', backlog: freeze ? 1 : 511 }, () => {
  const addr = server.address();
  if (addr && typeof addr === 'object') process.stdout.write(`listening on http://127.0.0.1:${addr.port}\n`, () => {
    if (freeze) process.kill(process.pid, 'SIGSTOP');
  });
  if (dieAfter !== undefined) setTimeout(() => process.exit(0), dieAfter);
});
setInterval(() => {
  if (process.ppid === 1) process.exit(0);
}, 500).unref();
