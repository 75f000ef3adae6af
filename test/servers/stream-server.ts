// Test target for the stream actor: SSE and chunked-text streams with known contents.
// Usage: node dist/test/servers/stream-server.js  → prints "listening on http://127.0.0.1:PORT".
//   /rotate?events=10&gapMs=20   stream k (in arrival order) carries d = k % 4 + 1 distinct thread ids
//                                 in d blocks (so d − 1 switches); /truth lists what each stream got
//   /stable?events=10&gapMs=20    one thread id for every event of every stream
//   /edge                         SSE edge cases (BOM, CRLF, CR, comments, multi-line data, event/id
//                                 fields, a block without data, lines split across writes): 4 events
//   /lines                        plain chunked text: 3 lines (CRLF, a split line, no final newline)
//   /short?events=2               the same as /stable: a clean end after `events` events
//   /cut                          2 events, then half an event, then the socket is destroyed
//   /pause?pauseMs=600            an event, a silence of pauseMs, another event
//   /status?code=503              an error status
//   /mute                         never answers (headers never come)
//   /truth                        JSON: [{ distinct, switches }] per /rotate stream so far
import { serveOnLoopback } from './serve.js';
import { createServer, type ServerResponse } from 'node:http';

const truth: { distinct: number; switches: number }[] = [];
let rotateStreams = 0;

function sseHead(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-worker-pid': String(process.pid) });
  res.flushHeaders();
}

/** Writes chunks with a delay before each; ends the response after the last (unless `end` is false). */
function writeSlowly(res: ServerResponse, chunks: string[], gapMs: number, end = true): void {
  let i = 0;
  let timer: NodeJS.Timeout | undefined;
  res.on('close', () => clearTimeout(timer));
  const step = () => {
    if (i === chunks.length) {
      if (end) res.end();
      return;
    }
    res.write(chunks[i++]!);
    timer = setTimeout(step, gapMs);
  };
  timer = setTimeout(step, gapMs);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const q = (name: string, def: number) => Number(url.searchParams.get(name) ?? def);
  const events = q('events', 10);
  const gapMs = q('gapMs', 20);
  switch (url.pathname) {
    case '/truth':
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(truth));
      return;
    case '/rotate': {
      const k = rotateStreams++;
      const d = (k % 4) + 1;
      truth.push({ distinct: d, switches: d - 1 });
      sseHead(res);
      // Event i belongs to block floor(i·d/events); block b runs on thread 500 + (k + b) % 4.
      const chunks = Array.from({ length: events }, (_, i) => `data: thread: ${500 + ((k + Math.floor((i * d) / events)) % 4)} num: ${i}\n\n`);
      writeSlowly(res, chunks, gapMs);
      return;
    }
    case '/stable':
    case '/short':
      sseHead(res);
      writeSlowly(res, Array.from({ length: events }, (_, i) => `data: thread: 777 num: ${i}\n\n`), gapMs);
      return;
    case '/edge':
      sseHead(res);
      writeSlowly(
        res,
        [
          '\uFEFF: a comment first\r\n',
          'data: thread: 7\r\ndata: second line\r\n\r\n', // 1: two data lines, CRLF
          'event: tick\nid: 42\ndata: thread: 7 num: 2\n\n', // 2: event type and id
          'retry: 1000\n\n', // a block without data: no event
          'data: thread: 8 nu', // 3: a line split across writes, CR line ends
          'm: 3\r\r',
          ':keep-alive\n\ndata\n\n', // "data" without a colon: an event with empty data (4)
        ],
        gapMs,
      );
      return;
    case '/lines':
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.flushHeaders();
      writeSlowly(res, ['thread: 7 num: 0\r\n', 'thread: 7 ', 'num: 1\n\n', 'thread: 9 num: 2'], gapMs);
      return;
    case '/cut':
      sseHead(res);
      writeSlowly(res, ['data: thread: 7 num: 0\n\n', 'data: thread: 7 num: 1\n\n', 'data: thread: 7 nu'], gapMs, false);
      setTimeout(() => res.destroy(), gapMs * 4 + 50);
      return;
    case '/pause':
      sseHead(res);
      res.write('data: thread: 7 num: 0\n\n');
      setTimeout(() => res.end('data: thread: 7 num: 1\n\n'), q('pauseMs', 600));
      return;
    case '/status':
      res.writeHead(q('code', 503), { 'content-type': 'text/plain' });
      res.end('unavailable\n');
      return;
    case '/mute':
      return; // headers never come
    case '/health':
      res.end('ok');
      return;
    default:
      res.statusCode = 404;
      res.end('not found');
  }
});
serveOnLoopback(server);
