import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkExtractSpec,
  compileExtractors,
  parsePointer,
  resolvePointer,
  stringifyValue,
} from '../src/protocols/extract.js';
import type { ExtractSpec } from '../src/types.js';

test('extract: regex with a capture group returns group 1', () => {
  const x = compileExtractors({ thread: { from: 'body', regex: 'thread: (\\d+)' } });
  assert.deepEqual(x.fromResponse({}, 'hello thread: 1402 pid: 7'), { thread: '1402' });
});

test('extract: regex without a group returns the whole match', () => {
  const x = compileExtractors({ n: { from: 'body', regex: '\\d+' } });
  assert.deepEqual(x.fromResponse({}, 'abc 123 def 456'), { n: '123' });
});

test('extract: non-capturing groups do not count; named groups do', () => {
  const x = compileExtractors({
    a: { from: 'body', regex: '(?:pid)=\\d+' },
    b: { from: 'body', regex: '(?<pid>\\d+)' },
  });
  assert.deepEqual(x.fromResponse({}, 'pid=42'), { a: 'pid=42', b: '42' });
});

test('extract: no match or a group that did not participate yields no key', () => {
  const x = compileExtractors({
    a: { from: 'body', regex: 'thread: (\\d+)' },
    b: { from: 'body', regex: 'x(y)?' },
    c: { from: 'body', regex: 'x' },
  });
  assert.deepEqual(x.fromResponse({}, 'nothing'), {});
  assert.deepEqual(x.fromResponse({}, 'x'), { c: 'x' });
  // an empty capture is a value
  const e = compileExtractors({ e: { from: 'body', regex: 'a(b*)c' } });
  assert.deepEqual(e.fromResponse({}, 'ac'), { e: '' });
});

test('extract: regex is stateless across calls', () => {
  const x = compileExtractors({ t: { from: 'event', regex: 't=(\\d+)' } });
  for (let i = 0; i < 5; i++) assert.deepEqual(x.fromEvent(`t=${i}`), { t: String(i) });
});

test('extract: json pointer into the body', () => {
  const x = compileExtractors({
    pid: { from: 'body', json: '/0' },
    thread: { from: 'body', json: '/1/thread' },
    name: { from: 'body', json: '/1/name' },
  });
  assert.deepEqual(x.fromResponse({}, '[4242, {"thread": 140234567890123, "name": "w-1"}]'), {
    pid: '4242',
    thread: '140234567890123',
    name: 'w-1',
  });
});

test('extract: json values are stringified (numbers as is, objects as JSON)', () => {
  const body = JSON.stringify({ n: 1.5, neg: -3, z: 0, t: true, f: false, nul: null, o: { a: [1, 'x'] }, arr: [1, 2], s: '' });
  const specs: Record<string, ExtractSpec> = {};
  for (const k of ['n', 'neg', 'z', 't', 'f', 'nul', 'o', 'arr', 's']) specs[k] = { from: 'body', json: `/${k}` };
  assert.deepEqual(compileExtractors(specs).fromResponse({}, body), {
    n: '1.5',
    neg: '-3',
    z: '0',
    t: 'true',
    f: 'false',
    nul: 'null',
    o: '{"a":[1,"x"]}',
    arr: '[1,2]',
    s: '',
  });
});

test('extract: json pointer "" is the whole document', () => {
  const x = compileExtractors({ all: { from: 'body', json: '' } });
  assert.deepEqual(x.fromResponse({}, ' 42 '), { all: '42' });
  assert.deepEqual(x.fromResponse({}, '"str"'), { all: 'str' });
  assert.deepEqual(x.fromResponse({}, '{"a": 1}'), { all: '{"a":1}' });
});

test('extract: json pointer escapes ~0 and ~1, and odd keys', () => {
  const doc = { 'a/b': 1, 'm~n': 2, '~1': 3, '': 4, ' ': 5, 'c%d': 6, 'e^f': 7, "i\\j": 8, 'k"l': 9, '0': 10, foo: ['bar', 'baz'] };
  const body = JSON.stringify(doc);
  const cases: Array<[string, string | undefined]> = [
    ['/a~1b', '1'],
    ['/m~0n', '2'],
    ['/~01', '3'], // ~01 → ~1 (not /)
    ['/', '4'],
    ['/ ', '5'],
    ['/c%d', '6'],
    ['/e^f', '7'],
    ['/i\\j', '8'],
    ['/k"l', '9'],
    ['/0', '10'],
    ['/foo', '["bar","baz"]'],
    ['/foo/0', 'bar'],
    ['/foo/1', 'baz'],
    ['/foo/2', undefined],
    ['/foo/-', undefined],
    ['/foo/01', undefined],
    ['/foo/+1', undefined],
    ['/foo/1/x', undefined],
    ['/nope', undefined],
    ['/nope/deeper', undefined],
  ];
  for (const [ptr, want] of cases) {
    const got = compileExtractors({ v: { from: 'body', json: ptr } }).fromResponse({}, body);
    assert.deepEqual(got, want === undefined ? {} : { v: want }, ptr);
  }
});

test('extract: json pointer does not walk prototypes or into strings', () => {
  const x = (p: string) => compileExtractors({ v: { from: 'body', json: p } });
  assert.deepEqual(x('/constructor').fromResponse({}, '{}'), {});
  assert.deepEqual(x('/__proto__').fromResponse({}, '{}'), {});
  assert.deepEqual(x('/length').fromResponse({}, '[1,2]'), {});
  assert.deepEqual(x('/0').fromResponse({}, '"abc"'), {});
  assert.deepEqual(x('/length').fromResponse({}, '"abc"'), {});
  // an own "__proto__" key from JSON is a normal key
  assert.deepEqual(x('/__proto__/a').fromResponse({}, '{"__proto__": {"a": 1}}'), { v: '1' });
});

test('extract: non-JSON body yields nothing and does not throw; regex extractors still work', () => {
  const x = compileExtractors({
    pid: { from: 'body', json: '/pid' },
    title: { from: 'body', regex: '<title>(.*)</title>' },
  });
  assert.deepEqual(x.fromResponse({}, '<html><title>Oops</title></html>'), { title: 'Oops' });
  assert.deepEqual(x.fromResponse({}, '{"pid": 1'), {});
  assert.deepEqual(x.fromResponse({}, ''), {});
  assert.deepEqual(x.fromResponse({}, '   '), {});
  assert.deepEqual(x.fromResponse({}, 'nope'), {});
  assert.deepEqual(x.fromResponse({}, '12abc'), {});
});

test('extract: body is parsed once however many json extractors', () => {
  const specs: Record<string, ExtractSpec> = {};
  for (let i = 0; i < 5; i++) specs[`k${i}`] = { from: 'body', json: `/${i}` };
  const x = compileExtractors(specs);
  const orig = JSON.parse;
  let calls = 0;
  JSON.parse = ((text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) => {
    calls++;
    return orig(text, reviver);
  }) as typeof JSON.parse;
  try {
    assert.deepEqual(x.fromResponse({}, '[0,1,2,3,4]'), { k0: '0', k1: '1', k2: '2', k3: '3', k4: '4' });
    assert.equal(calls, 1);
    x.fromResponse({}, '[9]');
    assert.equal(calls, 2);
  } finally {
    JSON.parse = orig;
  }
});

test('extract: from header, case-insensitive, arrays joined', () => {
  const x = compileExtractors({
    server: { from: 'header', header: 'Server' },
    pid: { from: 'header', header: 'x-worker-pid' },
    multi: { from: 'header', header: 'X-Multi' },
    missing: { from: 'header', header: 'x-missing' },
  });
  assert.deepEqual(
    x.fromResponse({ server: 'uvicorn', 'X-Worker-PID': '812', 'x-multi': ['a', 'b'], 'x-undef': undefined }, 'body'),
    { server: 'uvicorn', pid: '812', multi: 'a, b' },
  );
});

test('extract: header with regex or json applied to its value', () => {
  const x = compileExtractors({
    ver: { from: 'header', header: 'server', regex: 'uvicorn/(\\S+)' },
    w: { from: 'header', header: 'x-info', json: '/worker' },
  });
  assert.deepEqual(x.fromResponse({ Server: 'uvicorn/0.17.6 (linux)', 'x-info': '{"worker": 3}' }, undefined), { ver: '0.17.6', w: '3' });
  assert.deepEqual(x.fromResponse({ server: 'hypercorn', 'x-info': 'not json' }, ''), {});
});

test('extract: fromResponse skips event specs; fromEvent uses only event specs', () => {
  const x = compileExtractors({
    b: { from: 'body', regex: 'b=(\\w+)' },
    e: { from: 'event', regex: 'e=(\\w+)' },
    ej: { from: 'event', json: '/thread' },
    h: { from: 'header', header: 'x-h' },
  });
  assert.equal(x.hasBody, true);
  assert.equal(x.hasEvent, true);
  assert.equal(x.hasResponse, true);
  assert.deepEqual(x.names, ['b', 'e', 'ej', 'h']);
  assert.deepEqual(x.fromResponse({ 'x-h': 'H' }, 'b=1 e=2'), { b: '1', h: 'H' });
  assert.deepEqual(x.fromEvent('b=1 e=2'), { e: '2' });
  assert.deepEqual(x.fromEvent('{"thread": 77}'), { ej: '77' });
  assert.deepEqual(x.fromEvent('thread: 77'), {});
  // body undefined: body specs skipped, headers still read
  assert.deepEqual(x.fromResponse({ 'x-h': 'H' }, undefined), { h: 'H' });
});

test('extract: empty spec set', () => {
  const x = compileExtractors({});
  assert.equal(x.hasResponse, false);
  assert.equal(x.hasEvent, false);
  assert.deepEqual(x.fromResponse({ a: 'b' }, 'x'), {});
  assert.deepEqual(x.fromEvent('x'), {});
});

test('checkExtractSpec: valid specs', () => {
  const ok: ExtractSpec[] = [
    { from: 'body', regex: 'pid: (\\d+)' },
    { from: 'body', json: '/0' },
    { from: 'body', json: '' },
    { from: 'body', json: '/a~0b~1c' },
    { from: 'event', regex: 'thread: (\\d+)' },
    { from: 'event', json: '/thread' },
    { from: 'header', header: 'x-worker-pid' },
    { from: 'header', header: 'Server', regex: '/(.*)' },
  ];
  for (const s of ok) assert.equal(checkExtractSpec(s), undefined, JSON.stringify(s));
});

test('checkExtractSpec: invalid regex', () => {
  const m = checkExtractSpec({ from: 'body', regex: '(' });
  assert.equal(m, 'regex "(" is not a valid regular expression: Unterminated group');
  assert.equal(checkExtractSpec({ from: 'event', regex: '[z-a]' }), 'regex "[z-a]" is not a valid regular expression: Range out of order in character class');
  assert.equal(checkExtractSpec({ from: 'header', header: 'server', regex: 'a/(' }), 'regex "a/(" is not a valid regular expression: Unterminated group');
});

test('checkExtractSpec: json pointer problems', () => {
  assert.equal(checkExtractSpec({ from: 'body', json: '0' }), 'json pointer must start with "/" (got "0"; use "" for the whole document)');
  assert.equal(checkExtractSpec({ from: 'body', json: 'worker/pid' }), 'json pointer must start with "/" (got "worker/pid"; use "" for the whole document)');
  assert.equal(checkExtractSpec({ from: 'body', json: '/a~2' }), 'json pointer "/a~2" has an invalid escape "~2" (only ~0 for "~" and ~1 for "/")');
  assert.equal(checkExtractSpec({ from: 'body', json: '/a~' }), 'json pointer "/a~" has an invalid escape "~" (only ~0 for "~" and ~1 for "/")');
});

test('checkExtractSpec: structural problems', () => {
  assert.equal(checkExtractSpec({ from: 'header' }), 'from: header needs header: <name>');
  assert.equal(checkExtractSpec({ from: 'header', header: '' }), 'from: header needs header: <name>');
  assert.equal(checkExtractSpec({ from: 'header', header: 'x y' }), 'header "x y" is not a valid HTTP header name');
  assert.equal(checkExtractSpec({ from: 'body' }), 'from: body needs regex: <pattern> or json: <pointer>');
  assert.equal(checkExtractSpec({ from: 'event' }), 'from: event needs regex: <pattern> or json: <pointer>');
  assert.equal(checkExtractSpec({ from: 'body', regex: 'a', json: '/a' }), 'give either regex or json, not both');
  assert.equal(checkExtractSpec({ from: 'body', header: 'server', regex: 'a' }), 'header: is only used with from: header (this one is from: body)');
  assert.equal(checkExtractSpec({ from: 'nope' } as unknown as ExtractSpec), 'from must be one of body, event, header (got "nope")');
  assert.equal(checkExtractSpec({} as unknown as ExtractSpec), 'from must be one of body, event, header');
  assert.equal(checkExtractSpec({ from: 'body', regex: 5 } as unknown as ExtractSpec), 'regex must be a string');
  assert.equal(checkExtractSpec(null as unknown as ExtractSpec), 'expected an object with from: body | event | header');
});

test('compileExtractors: an invalid spec throws with its name', () => {
  assert.throws(() => compileExtractors({ thread: { from: 'event', regex: '(' } }), /^Error: thread: regex "\(" is not a valid regular expression/);
});

test('pointer helpers', () => {
  assert.deepEqual(parsePointer(''), []);
  assert.deepEqual(parsePointer('/'), ['']);
  assert.deepEqual(parsePointer('/a~1b/~0/~01'), ['a/b', '~', '~1']);
  assert.throws(() => parsePointer('a'));
  assert.equal(resolvePointer({ a: [{ b: 1 }] }, ['a', '0', 'b']), 1);
  assert.equal(resolvePointer([1], ['1']), undefined);
  assert.equal(stringifyValue(12), '12');
  assert.equal(stringifyValue(undefined), undefined);
  assert.equal(stringifyValue({ x: 'y' }), '{"x":"y"}');
});
