import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, SseParser, parseSse, type SseEvent } from '../src/protocols/sse.js';

const enc = new TextEncoder();
const bytes = (s: string): Uint8Array => enc.encode(s);

function run(chunks: Array<Uint8Array | string>): { events: SseEvent[]; parser: SseParser; discarded: boolean } {
  const events: SseEvent[] = [];
  const parser = new SseParser((e) => events.push(e));
  for (const c of chunks) parser.push(c);
  const discarded = parser.end();
  return { events, parser, discarded };
}

function byteByByte(s: string | Uint8Array): Uint8Array[] {
  const b = typeof s === 'string' ? bytes(s) : s;
  const out: Uint8Array[] = [];
  for (let i = 0; i < b.length; i++) out.push(b.subarray(i, i + 1));
  return out;
}

/** Every way of cutting the input in two, plus byte by byte, gives the same result as one chunk. */
function assertSplitInvariant(input: string | Uint8Array): SseEvent[] {
  const b = typeof input === 'string' ? bytes(input) : input;
  const whole = run([b]);
  for (let cut = 0; cut <= b.length; cut++) {
    const r = run([b.subarray(0, cut), b.subarray(cut)]);
    assert.deepEqual(r.events, whole.events, `cut at ${cut}`);
    assert.equal(r.parser.comments, whole.parser.comments, `comments, cut at ${cut}`);
    assert.equal(r.discarded, whole.discarded, `discarded, cut at ${cut}`);
    assert.equal(r.parser.lastEventId, whole.parser.lastEventId, `lastEventId, cut at ${cut}`);
  }
  const r = run(byteByByte(b));
  assert.deepEqual(r.events, whole.events, 'byte by byte');
  assert.equal(r.parser.comments, whole.parser.comments);
  assert.equal(r.discarded, whole.discarded);
  return whole.events;
}

const msg = (data: string, id = '', type = 'message'): SseEvent => ({ type, data, id });

test('sse: simple event, default type message', () => {
  assert.deepEqual(parseSse('data: hello\n\n').events, [msg('hello')]);
});

test('sse: data lines are joined with \\n', () => {
  assert.deepEqual(parseSse('data: a\ndata: b\ndata: c\n\n').events, [msg('a\nb\nc')]);
});

test('sse: only one leading space is stripped; "data:" with no space', () => {
  const r = parseSse('data:x\n\ndata:  two\n\ndata:\t tab\n\n');
  assert.deepEqual(r.events, [msg('x'), msg(' two'), msg('\t tab')]);
});

test('sse: only the first colon separates field and value', () => {
  assert.deepEqual(parseSse('data: a: b:c\n\n').events, [msg('a: b:c')]);
});

test('sse: "data" alone (no colon) adds an empty line to the data', () => {
  assert.deepEqual(parseSse('data\n\n').events, [msg('')]);
  assert.deepEqual(parseSse('data\ndata\n\n').events, [msg('\n')]);
  assert.deepEqual(parseSse('data: a\ndata\ndata: b\n\n').events, [msg('a\n\nb')]);
  assert.deepEqual(parseSse('data:\n\n').events, [msg('')]);
  assert.deepEqual(parseSse('data: \n\n').events, [msg('')]);
});

test('sse: event sets the type; empty event falls back to message; type does not persist', () => {
  const r = parseSse('event: tick\ndata: 1\n\nevent:\ndata: 2\n\ndata: 3\n\nevent\ndata: 4\n\n');
  assert.deepEqual(r.events, [msg('1', '', 'tick'), msg('2'), msg('3'), msg('4')]);
});

test('sse: last event field wins', () => {
  assert.deepEqual(parseSse('event: a\nevent: b\ndata: x\n\n').events, [msg('x', '', 'b')]);
});

test('sse: id persists across events and can be reset to empty', () => {
  const r = parseSse('id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\nid\ndata: d\n\nid:\ndata: e\n\n');
  assert.deepEqual(r.events, [msg('a', '1'), msg('b', '1'), msg('c', '2'), msg('d', ''), msg('e', '')]);
});

test('sse: id containing NUL is ignored', () => {
  const r = parseSse('id: 7\ndata: a\n\nid: 8\0x\ndata: b\n\n');
  assert.deepEqual(r.events, [msg('a', '7'), msg('b', '7')]);
  assert.equal(r.lastEventId, '7');
});

test('sse: id on a block without data still updates the last event id', () => {
  const r = parseSse('id: 5\n\ndata: x\n\n');
  assert.deepEqual(r.events, [msg('x', '5')]);
  assert.equal(r.lastEventId, '5');
});

test('sse: lastEventId is committed only at a blank line', () => {
  const r = parseSse('id: 1\ndata: a\n\nid: 2\ndata: b\n');
  assert.deepEqual(r.events, [msg('a', '1')]);
  assert.equal(r.lastEventId, '1');
  assert.equal(r.discardedIncomplete, true);
});

test('sse: retry with digits only', () => {
  const r = parseSse('retry: 3000\ndata: a\n\ndata: b\n\n');
  assert.deepEqual(r.events, [{ type: 'message', data: 'a', id: '', retry: 3000 }, msg('b')]);
  assert.equal(r.retry, 3000);
});

test('sse: retry ignored when not all digits', () => {
  for (const bad of ['retry: 10a', 'retry: -1', 'retry: 1.5', 'retry: ', 'retry', 'retry:  10', 'retry: 1e3', 'retry: ١٢']) {
    const r = parseSse(`${bad}\ndata: x\n\n`);
    assert.deepEqual(r.events, [msg('x')], bad);
    assert.equal(r.retry, undefined, bad);
  }
});

test('sse: a valid retry is kept when a later one is invalid; retry alone is not an event', () => {
  const r = parseSse('retry: 500\n\nretry: nope\n\ndata: x\n\n');
  assert.deepEqual(r.events, [msg('x')]);
  assert.equal(r.retry, 500);
});

test('sse: comments are counted and ignored', () => {
  const r = parseSse(': hello\ndata: a\n: in the middle\ndata: b\n\n:\n\n');
  assert.deepEqual(r.events, [msg('a\nb')]);
  assert.equal(r.comments, 3);
});

test('sse: comment-only stream yields no events and nothing discarded', () => {
  const r = parseSse(': ping\n\n: ping\n\n:ping\n');
  assert.deepEqual(r.events, []);
  assert.equal(r.comments, 3);
  assert.equal(r.discardedIncomplete, false);
  // an unterminated trailing comment is not an incomplete event either
  assert.equal(parseSse(': ping\n: pi').discardedIncomplete, false);
});

test('sse: unknown fields are ignored (including case variants and field names with spaces)', () => {
  const r = parseSse('foo: bar\nData: no\n data: no\ndata : no\ndatas: no\ndata: yes\n\n');
  assert.deepEqual(r.events, [msg('yes')]);
});

test('sse: a block with only unknown fields or an empty data buffer is not dispatched', () => {
  const events: SseEvent[] = [];
  const p = new SseParser((e) => events.push(e));
  p.push('event: x\n\nfoo: 1\n\nid: 3\n\n');
  p.end();
  assert.deepEqual(events, []);
  assert.equal(p.emptyBlocks, 3);
  // the event type of an undispatched block does not leak into the next one
  assert.deepEqual(parseSse('event: x\n\ndata: y\n\n').events, [msg('y', '')]);
});

test('sse: multiple blank lines dispatch once and create no empty events', () => {
  const r = parseSse('\n\n\ndata: a\n\n\n\n\ndata: b\n\n\n');
  assert.deepEqual(r.events, [msg('a'), msg('b')]);
  assert.equal(r.discardedIncomplete, false);
});

test('sse: LF, CRLF and CR line ends, mixed', () => {
  const expected = [msg('a\nb'), msg('c', '1', 'e')];
  assert.deepEqual(parseSse('data: a\ndata: b\n\nevent: e\nid: 1\ndata: c\n\n').events, expected);
  assert.deepEqual(parseSse('data: a\r\ndata: b\r\n\r\nevent: e\r\nid: 1\r\ndata: c\r\n\r\n').events, expected);
  assert.deepEqual(parseSse('data: a\rdata: b\r\revent: e\rid: 1\rdata: c\r\r').events, expected);
  assert.deepEqual(parseSse('data: a\r\ndata: b\n\revent: e\rid: 1\r\ndata: c\n\r\n').events, expected);
});

test('sse: CR at the end of a chunk then LF at the start of the next is one line end', () => {
  const r = run(['data: a\r', '\ndata: b\r', '\n\r', '\n']);
  assert.deepEqual(r.events, [msg('a\nb')]);
  assert.equal(r.parser.lines, 3);
  // bytes too
  const r2 = run([bytes('data: a\r'), bytes('\n'), bytes('\r'), bytes('\n')]);
  assert.deepEqual(r2.events, [msg('a')]);
  // but CR then CR is two line ends (a blank line)
  const r3 = run(['data: a\r', '\r']);
  assert.deepEqual(r3.events, [msg('a')]);
});

test('sse: CR at chunk end, then an empty or partial-character chunk, then LF', () => {
  const euro = bytes('€'); // 3 bytes
  const r = run([bytes('data: a\r'), new Uint8Array(0), '', bytes('\n'), bytes('data: '), euro.subarray(0, 1), euro.subarray(1), bytes('\n\n')]);
  // the LF was swallowed as part of CRLF: no blank line between the two data lines
  assert.deepEqual(r.events, [msg('a\n€')]);
});

test('sse: CR then LF split by a partial UTF-8 chunk does not lose the LF', () => {
  const e = bytes('é');
  const r = run([bytes('data: x\r'), bytes('\ndata: '), e.subarray(0, 1), e.subarray(1), bytes('\r'), bytes('\n\r\n')]);
  assert.deepEqual(r.events, [msg('x\né')]);
});

test('sse: multi-byte UTF-8 characters split between chunks', () => {
  const text = 'data: héllo € 😀 日本語\n\n';
  const events = assertSplitInvariant(text);
  assert.deepEqual(events, [msg('héllo € 😀 日本語')]);
});

test('sse: invalid UTF-8 becomes U+FFFD', () => {
  const b = new Uint8Array([...bytes('data: a'), 0xff, ...bytes('b'), 0xe2, 0x82, ...bytes('\n\n')]);
  const events = assertSplitInvariant(b);
  assert.deepEqual(events, [msg('a\uFFFDb\uFFFD')]);
});

test('sse: a leading BOM is skipped, even split across chunks; only one is skipped', () => {
  assert.deepEqual(parseSse(bytes('\uFEFFdata: a\n\n')).events, [msg('a')]);
  assertSplitInvariant('\uFEFFdata: a\n\n');
  const b = bytes('\uFEFFdata: a\n\n');
  assert.deepEqual(run([b.subarray(0, 1), b.subarray(1, 2), b.subarray(2)]).events, [msg('a')]);
  // a second BOM is part of the field name: "\uFEFFdata" is an unknown field
  assert.deepEqual(parseSse(bytes('\uFEFF\uFEFFdata: a\n\ndata: b\n\n')).events, [msg('b')]);
  // a BOM later in the stream is not skipped
  assert.deepEqual(parseSse(bytes('data: a\n\n\uFEFFdata: b\n\ndata: \uFEFFc\n\n')).events, [msg('a'), msg('\uFEFFc')]);
  // string input: a leading BOM is skipped too
  assert.deepEqual(parseSse('\uFEFFdata: a\n\n').events, [msg('a')]);
});

test('sse: trailing incomplete event is discarded and reported', () => {
  let r = run(['data: a\n\ndata: b\n']);
  assert.deepEqual(r.events, [msg('a')]);
  assert.equal(r.discarded, true);
  assert.equal(r.parser.discardedIncomplete, true);

  r = run(['data: a\n\ndata: b']); // unterminated line
  assert.deepEqual(r.events, [msg('a')]);
  assert.equal(r.discarded, true);

  r = run(['data: a\n\ndata: b\r']); // CR ends the line but there is no blank line
  assert.deepEqual(r.events, [msg('a')]);
  assert.equal(r.discarded, true);

  r = run(['data: a\n\n']);
  assert.equal(r.discarded, false);

  r = run(['data: a\n']); // only a \n: the event never ended
  assert.deepEqual(r.events, []);
  assert.equal(r.discarded, true);

  r = run(['data: a\r\n\r']); // a CR alone is a full line end
  assert.deepEqual(r.events, [msg('a')]);
  assert.equal(r.discarded, false);
});

test('sse: an incomplete UTF-8 sequence at end of stream is flushed and the event discarded', () => {
  const r = run([bytes('data: a\n\ndata: '), new Uint8Array([0xe2, 0x82])]);
  assert.deepEqual(r.events, [msg('a')]);
  assert.equal(r.discarded, true);
});

test('sse: byte-by-byte feeding gives identical results to one chunk (big mixed stream)', () => {
  const stream =
    '\uFEFF: welcome\r\n' +
    'retry: 1500\r\n' +
    'id: 1\n' +
    'event: thread\n' +
    'data: {"thread": 140234, "name": "Ünïcödé €"}\n' +
    '\n' +
    'data\rdata:x\rdata: 😀\r\r' +
    'id: 2\0\r\n' +
    'data: nul-id ignored\r\n\r\n' +
    ':\n' +
    'id\ndata: cleared id\n\n\n\n' +
    'event: end\ndata: bye\n\n' +
    'data: incomplete';
  const events = assertSplitInvariant(stream);
  assert.deepEqual(events, [
    { type: 'thread', data: '{"thread": 140234, "name": "Ünïcödé €"}', id: '1', retry: 1500 },
    msg('\nx\n😀', '1'),
    msg('nul-id ignored', '1'),
    msg('cleared id', ''),
    msg('bye', '', 'end'),
  ]);
  const r = run(byteByByte(stream));
  assert.equal(r.parser.comments, 2);
  assert.equal(r.discarded, true);
  // also as string chunks, one UTF-16 unit at a time (a surrogate pair split in two strings)
  const r2 = run(stream.split(''));
  assert.deepEqual(r2.events, events);
});

test('sse: string and byte chunks can be mixed', () => {
  const e = bytes('€');
  const r = run(['data: a', bytes('b'), e.subarray(0, 2), e.subarray(2), '\n', bytes('\n')]);
  assert.deepEqual(r.events, [msg('ab€')]);
});

test('sse: counters and handler order', () => {
  const seen: string[] = [];
  const p = new SseParser((e) => seen.push(e.data));
  p.push('data: 1\n\n: c\ndata: 2\n\n');
  p.push('data: 3\n\n');
  assert.deepEqual(seen, ['1', '2', '3']);
  assert.equal(p.events, 3);
  assert.equal(p.comments, 1);
  assert.equal(p.received, 'data: 1\n\n: c\ndata: 2\n\ndata: 3\n\n'.length);
  assert.equal(p.end(), false);
  assert.equal(p.isEnded, true);
  assert.throws(() => p.push('data: 4\n\n'), /after end/);
  p.end(); // idempotent
});

test('sse: events are dispatched as soon as the blank line arrives', () => {
  const seen: string[] = [];
  const p = new SseParser((e) => seen.push(e.data));
  p.push('data: a\n');
  assert.deepEqual(seen, []);
  p.push('\n');
  assert.deepEqual(seen, ['a']);
  p.push('data: b\r');
  p.push('\r');
  assert.deepEqual(seen, ['a', 'b']);
});

test('sse: long line across many chunks', () => {
  const long = 'x'.repeat(100_000);
  const chunks: string[] = ['data: '];
  for (let i = 0; i < long.length; i += 1000) chunks.push(long.slice(i, i + 1000));
  chunks.push('\n\n');
  assert.deepEqual(run(chunks).events, [msg(long)]);
});

test('sse: many events in one chunk', () => {
  let s = '';
  for (let i = 0; i < 1000; i++) s += `id: ${i}\ndata: ${i}\n\n`;
  const events = parseSse(s).events;
  assert.equal(events.length, 1000);
  assert.deepEqual(events[999], msg('999', '999'));
});

// ---- LineSplitter ----

function lines(chunks: Array<Uint8Array | string>): SseEvent[] {
  const out: SseEvent[] = [];
  const s = new LineSplitter((e) => out.push(e));
  for (const c of chunks) s.push(c);
  s.end();
  return out;
}
const line = (data: string): SseEvent => ({ type: 'line', data, id: '' });

test('lines: each non-empty line is an event; LF, CRLF, CR', () => {
  assert.deepEqual(lines(['a\nb\r\nc\rd\n']), [line('a'), line('b'), line('c'), line('d')]);
});

test('lines: blank lines skipped, CR/LF across chunks is one line end', () => {
  assert.deepEqual(lines(['\n\na\r', '\nb\r', '\r\n\n', 'c\n']), [line('a'), line('b'), line('c')]);
});

test('lines: unterminated last line is reported at end', () => {
  const out: SseEvent[] = [];
  const s = new LineSplitter((e) => out.push(e));
  s.push('one\ntw');
  assert.deepEqual(out, [line('one')]);
  s.push('o');
  s.end();
  assert.deepEqual(out, [line('one'), line('two')]);
  assert.equal(s.events, 2);
});

test('lines: UTF-8 split byte by byte, BOM skipped; no SSE interpretation', () => {
  const text = '\uFEFFthread: 1 é\n: not a comment\ndata: x\n😀\n';
  const expected = [line('thread: 1 é'), line(': not a comment'), line('data: x'), line('😀')];
  assert.deepEqual(lines([bytes(text)]), expected);
  assert.deepEqual(lines(byteByByte(text)), expected);
});

// ---- randomized comparison with a direct, non-incremental reading of the spec ----

function referenceParse(input: Uint8Array): { events: SseEvent[]; comments: number } {
  let text = new TextDecoder('utf-8').decode(input); // strips one leading BOM, U+FFFD for errors
  const events: SseEvent[] = [];
  let comments = 0;
  let data = '';
  let type = '';
  let idBuf = '';
  let retry: number | undefined;
  // only complete lines count: drop whatever follows the last line end
  const lastEnd = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
  text = lastEnd === -1 ? '' : text.slice(0, lastEnd + 1);
  const ls = text.split(/\r\n|\r|\n/);
  ls.pop(); // after the final line end
  for (const l of ls) {
    if (l === '') {
      if (data === '') {
        type = '';
        retry = undefined;
        continue;
      }
      if (data.endsWith('\n')) data = data.slice(0, -1);
      const e: SseEvent = { type: type || 'message', data, id: idBuf };
      if (retry !== undefined) e.retry = retry;
      events.push(e);
      data = '';
      type = '';
      retry = undefined;
      continue;
    }
    if (l.startsWith(':')) {
      comments++;
      continue;
    }
    const c = l.indexOf(':');
    const field = c === -1 ? l : l.slice(0, c);
    let value = c === -1 ? '' : l.slice(c + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data += value + '\n';
    else if (field === 'event') type = value;
    else if (field === 'id') {
      if (!value.includes('\0')) idBuf = value;
    } else if (field === 'retry') {
      if (/^[0-9]+$/.test(value)) retry = Number(value);
    }
  }
  return { events, comments };
}

test('sse: random streams and random chunking agree with a direct reading of the spec', () => {
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pieces = ['data', 'data:', 'data: ', 'event', 'event: ', 'id', 'id: ', 'retry: ', 'retry', ':', ': c', 'x', ' ', '1', '42',
    'é', '€', '😀', '\0', '\uFEFF', '\n', '\r', '\r\n', '\n', '\n\n', '\r\r', 'foo: '];
  for (let round = 0; round < 400; round++) {
    let s = rand(4) === 0 ? '\uFEFF' : '';
    const len = rand(40);
    for (let i = 0; i < len; i++) s += pieces[rand(pieces.length)]!;
    const b = new Uint8Array([...bytes(s), ...(rand(10) === 0 ? [0xff] : [])]);
    const want = referenceParse(b);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < b.length; ) {
      const n = 1 + rand(6);
      chunks.push(b.subarray(i, i + n));
      i += n;
    }
    const got = run(chunks);
    assert.deepEqual(got.events, want.events, JSON.stringify(s));
    assert.equal(got.parser.comments, want.comments, JSON.stringify(s));
  }
});
