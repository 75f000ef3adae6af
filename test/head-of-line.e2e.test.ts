// End to end: head-of-line blocking against the built-in demo target with one worker, whose /1
// blocks its event loop for ?ms= and whose /2 answers [pid, thread id] at once (seed 004).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertPrinted, ROOT, runCli, startServer, tempDir, within, type TestServer } from './helpers.js';
import type { RunResult } from '../src/result/types.js';

let server: TestServer;
let twoWorkers: TestServer;
const dir = tempDir();

before(async () => {
  const demoTarget = (workers: number) => startServer(join(ROOT, 'dist/src/demo/main.js'), ['--port', '0', '--workers', String(workers)]);
  [server, twoWorkers] = await Promise.all([demoTarget(1), demoTarget(2)]);
});
after(async () => {
  await Promise.all([server.stop(), twoWorkers.stop()]);
});

interface Group {
  requests: number;
  delayed: number;
  maxDelayMs: number;
}
interface Evidence {
  delayedRequests: number;
  maxDelayMs: number;
  selfLagMs: number;
  exposedRequests: number;
  slowRemainingMs: number;
  answeredAfterSlowEndMs: number;
  byIdentity: Record<string, Group>;
  byConnection: Record<'new' | 'reused' | 'unknown', Group>;
  byProbe: Record<string, Group & { thresholdMs: number }>;
  slow: { sentMs: number; endMs: number; identity?: string }[];
  field: string;
}

async function runHeadOfLine(name: string, set: string[], target = server.url): Promise<{ result: RunResult; stdout: string }> {
  const json = join(dir, `${name}.json`);
  const r = await runCli(['run', 'head-of-line', '--target', target, '--json', json, ...set.flatMap((s) => ['--set', s])]);
  assert.equal(r.code, 0, r.stderr);
  return { result: JSON.parse(readFileSync(json, 'utf8')) as RunResult, stdout: r.stdout };
}

test('one worker, a request that blocks it for 1 s: the fast requests wait about the slow request\'s remaining time', async () => {
  const { result, stdout } = await runHeadOfLine('one-worker', ['slowPath=/1?ms=1000']);
  const v = result.verdicts.find((x) => x.id === 'head-of-line-blocking')!;
  assert.equal(v.status, 'detected', v.summary);
  const e = v.evidence as unknown as Evidence;
  const slow = e.slow[0]!;
  const slowMs = slow.endMs - slow.sentMs;
  within(slowMs, 1000, 60, 'slow request (ms)');
  within(slow.sentMs, 1000, 60, 'slow request sent at (ms)');
  // The longest wait is the slow request's remaining time when that request was due (about all of it).
  within(e.maxDelayMs, e.slowRemainingMs, 50, 'max delay vs remaining (ms)');
  assert.ok(e.slowRemainingMs >= slowMs - 60, `remaining ${e.slowRemainingMs} of ${slowMs}`);
  // Each delayed request was answered right after the slow one finished.
  assert.ok(e.answeredAfterSlowEndMs >= 0 && e.answeredAfterSlowEndMs <= 60, `answered ${e.answeredAfterSlowEndMs} ms after`);
  // 20/s per probe: those due more than the threshold before the slow request's end waited.
  for (const [name, g] of Object.entries(e.byProbe)) {
    const expected = Math.floor(((slowMs - g.thresholdMs) * 20) / 1000);
    assert.ok(Math.abs(g.delayed - expected) <= 2, `${name}: ${g.delayed} delayed, expected about ${expected}`);
  }
  assert.equal(e.delayedRequests, Object.values(e.byProbe).reduce((s, g) => s + g.delayed, 0));
  // One worker answered everything, the one that ran the slow request; new and reused connections alike.
  assert.equal(e.field, 'pid');
  assert.deepEqual(Object.keys(e.byIdentity), [slow.identity]);
  assert.ok(e.byConnection.new.delayed >= 10 && e.byConnection.reused.delayed >= 10, JSON.stringify(e.byConnection));
  assert.equal(e.byConnection.unknown.requests, 0);
  assert.ok(e.exposedRequests >= e.delayedRequests && e.delayedRequests > 0, `${e.delayedRequests} of ${e.exposedRequests}`);
  for (const probe of ['fast-new', 'fast-keepalive']) assert.deepEqual(Object.keys(result.actors[probe]!.identities.pid!), [slow.identity], probe);
  assertPrinted(stdout, result);
});

test('a slow request that awaits instead of blocking: head-of-line clear, or inconclusive where wobbly\'s own lag explains a wait', async () => {
  const { result } = await runHeadOfLine('awaits', ['slowPath=/async?ms=1000']);
  const v = result.verdicts.find((x) => x.id === 'head-of-line-blocking')!;
  const e = v.evidence as unknown as Evidence;
  // Never detected. A request that waited is allowed only where the product's self-check says why:
  // wobbly's own loop lagged at least half the wait (seen with three test files at once on 2 cores).
  if (e.delayedRequests === 0) assert.equal(v.status, 'clear', v.summary);
  else {
    assert.equal(v.status, 'inconclusive', v.summary);
    assert.ok(e.selfLagMs >= e.maxDelayMs / 2, `own lag ${e.selfLagMs} ms for a wait of ${e.maxDelayMs} ms`);
  }
  assert.ok(e.exposedRequests >= 36, `exposed ${e.exposedRequests}`);
  assert.equal(Object.keys(e.byIdentity).length, 1, JSON.stringify(e.byIdentity));
});

test('two workers (node:cluster): only keep-alive requests pinned to the busy worker wait; new connections go to the free one', async () => {
  const { result } = await runHeadOfLine('two-workers', ['slowPath=/1?ms=1000'], twoWorkers.url);
  const v = result.verdicts.find((x) => x.id === 'head-of-line-blocking')!;
  const e = v.evidence as unknown as Evidence;
  // Two workers answered: the fast requests' pids with the slow request's (the kernel may hand every
  // fast connection to the free worker, as seen on a busy machine: then the fast requests show one pid).
  assert.equal(new Set([...Object.keys(e.byIdentity), e.slow[0]!.identity]).size, 2, JSON.stringify({ fast: e.byIdentity, slow: e.slow[0] }));
  // Whether any keep-alive connection was pinned to the busy worker is the OS's choice; whatever
  // waited for the slow request was. On the free worker a request can wait for the CPU when other
  // test files run beside this one (seen: up to 436 ms while the busy worker's waited 1,376 ms),
  // never for the slow request: its longest wait stays under half of both the slow request's
  // remaining time and the busy worker's longest wait.
  const busy = e.byIdentity[e.slow[0]!.identity ?? ''];
  const bound = Math.max(e.slowRemainingMs, busy?.maxDelayMs ?? 0) / 2;
  for (const [id, g] of Object.entries(e.byIdentity)) {
    if (id !== e.slow[0]!.identity) assert.ok(g.delayed === 0 || g.maxDelayMs < bound, `only the busy worker delays by the slow request: ${JSON.stringify(e.byIdentity)}`);
  }
  // A new connection is accepted by whichever worker is free; one may have been accepted just before
  // the block. More may wait for the CPU on a busy machine (seen: 4 up to 182 ms), not for the slow request.
  const fresh = e.byConnection.new;
  assert.ok(fresh.delayed <= 2 || fresh.maxDelayMs < bound, `new connections go to the free worker: ${JSON.stringify(e.byConnection)}`);
});
