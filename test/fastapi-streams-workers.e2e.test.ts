// Seeds 000 and 004 on real FastAPI: thread-hopping SSE streams under uvicorn; head-of-line
// blocking under gunicorn with one worker, and what two workers change.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, within } from './helpers.js';
import { FASTAPI_FIXTURES, requirePythonStack } from './fastapi.js';
import type { RunResult } from '../src/result/types.js';

const dir = tempDir();
before(requirePythonStack);

async function run(fixture: string, set: string[], name: string): Promise<RunResult> {
  const json = join(dir, `${name}.json`);
  const r = await runCli(['run', join(FASTAPI_FIXTURES, fixture), ...set.flatMap((s) => ['--set', s]), '--json', json], { timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return JSON.parse(readFileSync(json, 'utf8')) as RunResult;
}

function verdict(r: RunResult, id: string) {
  const v = r.verdicts.find((x) => x.id === id);
  assert.ok(v, `verdict ${id} in ${r.verdicts.map((x) => x.id).join(', ')}`);
  return v;
}

test('seed 000: a sync generator hops threads, an async one does not', async () => {
  // Two servers side by side: 8 streams each, an event every 100 ms.
  const [sync, asyncRun] = await Promise.all([
    run('streams.yaml', ['streamPath=/stream/sync?n=10&gap_ms=100'], 'sync'),
    run('streams.yaml', ['streamPath=/stream/async?n=10&gap_ms=100'], 'async'),
  ]);
  const hop = verdict(sync, 'thread-hopping');
  const e = hop.evidence as { streams: number; hoppingStreams: number; maxDistinctPerStream: number };
  assert.equal(hop.status, 'detected', hop.summary);
  assert.equal(e.streams, 8);
  // Measured here: 5–8 of 8 streams hop, 2–6 threads per stream (the seed: 2–4).
  assert.ok(e.hoppingStreams >= 3, `hopping streams ${e.hoppingStreams}`);
  assert.ok(e.maxDistinctPerStream >= 2 && e.maxDistinctPerStream <= 10, `max distinct ${e.maxDistinctPerStream}`);
  // Every event arrived: 8 streams × 10 events.
  assert.equal(Object.values(sync.actors.streams!.identities.thread!).reduce((a, b) => a + b, 0), 80);

  const calm = verdict(asyncRun, 'thread-hopping');
  assert.equal(calm.status, 'clear', calm.summary);
  assert.equal((calm.evidence as { maxDistinctPerStream: number }).maxDistinctPerStream, 1);
  // The async generator runs on the event-loop thread: one thread id for all 80 events.
  assert.equal(Object.keys(asyncRun.actors.streams!.identities.thread!).length, 1);
});

test('seed 004: one gunicorn worker: every fast request waits for the slow one; two workers: only those pinned to it', async () => {
  // One after the other: with two workers, which one accepts a new connection is a matter of timing (no neighbour's load).
  const one = await run('workers.yaml', ['workers=1', 'slowMs=1500'], 'w1');
  const hol = verdict(one, 'head-of-line-blocking');
  type Hol = {
    delayedRequests: number;
    maxDelayMs: number;
    slowRemainingMs: number;
    byIdentity: Record<string, { requests: number; delayed: number }>;
    byConnection: Record<'new' | 'reused', { requests: number; delayed: number }>;
    slow: { identity?: string }[];
  };
  const e = hol.evidence as Hol;
  assert.equal(hol.status, 'detected', hol.summary);
  // The longest wait is the slow request's remaining time (1.5 s less what had run), within 100 ms.
  within(e.maxDelayMs, e.slowRemainingMs, 100, 'max delay vs remaining (ms)');
  within(e.maxDelayMs, 1500, 150, 'max delay (ms)');
  assert.equal(Object.keys(e.byIdentity).length, 1, 'one worker pid');
  // New and keep-alive connections alike wait: there is nowhere else to go.
  assert.ok(e.byConnection.new.delayed >= e.byConnection.new.requests * 0.8, JSON.stringify(e.byConnection));
  assert.ok(e.byConnection.reused.delayed >= e.byConnection.reused.requests * 0.8, JSON.stringify(e.byConnection));

  const two = await run('workers.yaml', ['workers=2', 'slowMs=1500'], 'w2');
  const hol2 = verdict(two, 'head-of-line-blocking');
  const e2 = hol2.evidence as Hol;
  // Two workers answered (the slow request's one among them: when the kernel handed every fast
  // connection to the other, the fast requests saw one pid), and new connections went to the free one
  // (seed 004: "賢い").
  const pids = new Set([...Object.keys(e2.byIdentity), ...e2.slow.flatMap((w) => (w.identity !== undefined ? [w.identity] : []))]);
  assert.equal(pids.size, 2, JSON.stringify({ fast: e2.byIdentity, slow: e2.slow }));
  assert.equal(e2.byConnection.new.delayed, 0, JSON.stringify(e2.byConnection));
  // Only keep-alive requests can wait: all of them when the kernel gave every probe connection to the
  // busy worker (which worker holds them is its choice), never a new one.
  assert.ok(e2.delayedRequests <= e2.byConnection.reused.requests, `${e2.delayedRequests} delayed, ${e2.byConnection.reused.requests} on reused connections`);
  assert.ok(e2.delayedRequests < e.delayedRequests, `${e2.delayedRequests} vs ${e.delayedRequests} delayed with one worker`);
  // Whatever waited was pinned to the busy worker, and waited about the slow request's remaining time.
  const busy = Object.entries(e2.byIdentity).filter(([, x]) => x.delayed > 0);
  assert.ok(busy.length <= 1, JSON.stringify(e2.byIdentity));
  if (e2.delayedRequests > 0) within(e2.maxDelayMs, e2.slowRemainingMs, 100, 'max delay vs remaining with 2 workers (ms)');
});
