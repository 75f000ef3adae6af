// End to end: the real CLI's stream actor against a real loopback server whose streams have known
// contents: thread hopping counted per stream, SSE/chunked edge cases, early ends, stalls, errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertPrinted, getJson, ROOT, runCli, startServer, tempDir, within, type TestServer } from './helpers.js';
import type { RunResult } from '../src/result/types.js';

let server: TestServer;
const dir = tempDir();

before(async () => {
  server = await startServer(join(ROOT, 'dist/test/servers/stream-server.js'));
});
after(async () => {
  await server.stop();
});

async function run(name: string, yaml: string, code = 0): Promise<{ result: RunResult; stdout: string }> {
  const file = join(dir, `${name}.yaml`);
  const json = join(dir, `${name}.json`);
  writeFileSync(file, yaml);
  const r = await runCli(['run', file, '--target', server.url, '--json', json]);
  assert.equal(r.code, code, r.stderr);
  return { result: JSON.parse(readFileSync(json, 'utf8')) as RunResult, stdout: r.stdout };
}

const streamsScenario = (name: string, path: string, streams: number) => `
name: ${name}
duration: 10s
actors:
  - name: streams
    kind: stream
    path: ${path}
    streams: ${streams}
    events: 10
    extract:
      thread: { from: event, regex: 'thread: (\\d+)' }
`;

test('streams whose events rotate thread ids: thread-hopping detected, with the counts the server sent', async () => {
  const { result, stdout } = await run('rotate', streamsScenario('rotate', '/rotate?events=10&gapMs=20', 8));
  const truth = await getJson<{ distinct: number; switches: number }[]>(`${server.url}/truth`);
  assert.equal(truth.length, 8);
  const v = result.verdicts.find((x) => x.id === 'thread-hopping')!;
  assert.equal(v.status, 'detected', v.summary);
  const e = v.evidence as { streams: number; hoppingStreams: number; maxDistinctPerStream: number; switches: number; distinctPerStream: Record<string, number>; field: string };
  const hopping = truth.filter((t) => t.distinct > 1).length;
  const maxDistinct = Math.max(...truth.map((t) => t.distinct));
  assert.equal(e.field, 'thread');
  assert.equal(e.streams, 8);
  assert.equal(e.hoppingStreams, hopping);
  assert.equal(e.maxDistinctPerStream, maxDistinct);
  assert.equal(e.switches, truth.reduce((s, t) => s + t.switches, 0));
  const histogram: Record<string, number> = {};
  for (const t of truth) histogram[t.distinct] = (histogram[t.distinct] ?? 0) + 1;
  assert.deepEqual(e.distinctPerStream, histogram);
  assert.match(v.hint, /iterate_in_threadpool/);
  // Every event was counted once, with its thread id.
  const a = result.actors.streams!;
  assert.equal(a.stream!.events, 80);
  assert.equal(a.stream!.complete, 8);
  assert.equal(a.summary.requests, 80);
  assert.equal(Object.values(a.identities.thread!).reduce((s, n) => s + n, 0), 80);
  // Events 20 ms apart: the gaps say so, and the first event comes ~20 ms after the request.
  within(a.stream!.gapMs.p50, 20, 10, 'gap p50 (ms): a 20 ms timer and scheduler jitter');
  assert.ok(a.stream!.firstEventMs.p50 >= 15 && a.stream!.firstEventMs.p50 <= 120, `first event ${a.stream!.firstEventMs.p50}`);
  assertPrinted(stdout, result);
});

test('240 streams run in a worker thread and report the same facts', async () => {
  const before = (await getJson<unknown[]>(`${server.url}/truth`)).length;
  const { result } = await run('rotate-many', streamsScenario('rotate-many', '/rotate?events=10&gapMs=20', 240).replace('streams: 240', 'streams: 240\n    rampUp: 200ms'));
  const truth = (await getJson<{ distinct: number; switches: number }[]>(`${server.url}/truth`)).slice(before);
  assert.equal(truth.length, 240);
  const e = result.verdicts.find((x) => x.id === 'thread-hopping')!.evidence as { streams: number; hoppingStreams: number; switches: number; examples: { values: string[] }[] };
  assert.equal(e.streams, 240);
  assert.equal(e.hoppingStreams, truth.filter((t) => t.distinct > 1).length);
  assert.equal(e.switches, truth.reduce((sum, t) => sum + t.switches, 0));
  assert.equal(e.examples.length, 3);
  const a = result.actors.streams!;
  assert.deepEqual([a.stream!.events, a.stream!.complete, a.summary.requests], [2400, 240, 2400]);
  assert.ok(a.stream!.maxOpen > 100, `open at once: ${a.stream!.maxOpen}`);
  assert.equal(Object.values(a.identities.thread!).reduce((sum, n) => sum + n, 0), 2400);
  assert.ok(a.stream!.bytes > 2400 * 20, `bytes ${a.stream!.bytes}`);
});

test('streams served by one thread each: thread-hopping clear', async () => {
  const { result } = await run('stable', streamsScenario('stable', '/stable?events=10&gapMs=20', 8));
  const v = result.verdicts.find((x) => x.id === 'thread-hopping')!;
  assert.equal(v.status, 'clear', v.summary);
  const e = v.evidence as { streams: number; hoppingStreams: number; maxDistinctPerStream: number; switches: number };
  assert.deepEqual([e.streams, e.hoppingStreams, e.maxDistinctPerStream, e.switches], [8, 0, 1, 0]);
  assert.deepEqual(result.actors.streams!.identities.thread, { '777': 80 });
});

test('SSE and chunked-text edge cases, early ends, cut-off streams, stalls, error statuses, header timeouts', async () => {
  const { result, stdout } = await run(
    'edges',
    `
name: edges
duration: 1500ms
actors:
  - { name: edge, kind: stream, path: /edge, streams: 2, extract: { thread: { from: event, regex: 'thread: (\\d+)' }, pid: { from: header, header: x-worker-pid } } }
  - { name: lines, kind: stream, format: lines, path: /lines, streams: 2, extract: { thread: { from: event, regex: 'thread: (\\d+)' } } }
  - { name: short, kind: stream, path: /short?events=2, streams: 2, events: 5 }
  - { name: cut, kind: stream, path: /cut, streams: 1 }
  - { name: pause, kind: stream, path: /pause?pauseMs=600, streams: 2, stallGap: 300ms }
  - { name: open, kind: stream, path: /pause?pauseMs=5000, streams: 1 }
  - { name: status, kind: stream, path: /status?code=503, streams: 1 }
  - { name: mute, kind: stream, path: /mute, streams: 1, timeout: 300ms }
`,
    1, // actors whose requests all failed (status, mute): listed first, the run does not pass
  );
  assert.deepEqual(result.failedActors?.map((f) => [f.actor, f.reasons]), [['status', { 'HTTP 503': 1 }], ['mute', { timeout: 1 }]]);
  const s = (name: string) => result.actors[name]!.stream!;
  // /edge: 4 events per stream (BOM, CRLF, CR, comments, a data-less block, a split line, "data" alone).
  assert.equal(s('edge').events, 8);
  assert.equal(s('edge').complete, 2);
  assert.deepEqual(result.actors.edge!.identities.thread, { '7': 4, '8': 2 });
  const pid = Object.keys(result.actors.edge!.identities.pid!);
  assert.equal(pid.length, 1);
  assert.equal(result.actors.edge!.identities.pid![pid[0]!], 2, 'header values count once per stream');
  // Chunked text: 3 lines per stream (a blank line skipped, the unterminated last line kept).
  assert.equal(s('lines').events, 6);
  assert.deepEqual(result.actors.lines!.identities.thread, { '7': 4, '9': 2 });
  // A clean end before the declared number of events.
  assert.equal(s('short').endedEarly, 2);
  assert.deepEqual(s('short').endedEarlyBy, { 'ended after 2 of 5 events': 2 });
  // Cut off mid-event: ended early, its two whole events counted.
  assert.equal(s('cut').endedEarly, 1);
  assert.equal(s('cut').events, 2);
  assert.deepEqual(Object.keys(s('cut').endedEarlyBy), ['connection closed']);
  // A 600 ms silence with a 300 ms stall gap: both streams stalled. The silence is read by wobbly's
  // stream thread: its own loop lag can read either event late (seen: 476 ms with other test files
  // beside it), so the tolerance is 100 ms plus that thread's longest lag, which the result reports.
  assert.equal(s('pause').stalled, 2);
  within(s('pause').longestSilenceMs, 600, 100 + (s('pause').ownLagMs?.max ?? 0), 'longest silence (ms)');
  assert.equal(s('pause').complete, 2);
  // Still open when the run ended: not a failure.
  assert.equal(s('open').open, 1);
  assert.equal(result.actors.open!.summary.unfinished, 1);
  assert.equal(result.actors.open!.summary.failures, 0);
  // No 2xx response: failed, with the reason.
  assert.deepEqual(s('status').failedBy, { 'HTTP 503': 1 });
  assert.deepEqual(s('mute').failedBy, { timeout: 1 });
  assert.equal(result.actors.mute!.summary.failures, 1);
  // The terminal report (identity distributions, stream lines) is the rendering of this result.
  assertPrinted(stdout, result);
});
