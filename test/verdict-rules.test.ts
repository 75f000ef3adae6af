// Each verdict rule on hand-built RunData (detected, clear, inconclusive, with the evidence
// numbers the samples imply), and the registry that the expectations, reports and compare read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from '../src/analysis/analyse.js';
import { parseExpectation } from '../src/expect/parse.js';
import { recommend, summariseRuns } from '../src/compare/summarise.js';
import type { RunResult } from '../src/result/types.js';
import type { RunData } from '../src/run-data/types.js';
import type { Sample, Verdict } from '../src/types.js';
import { blocksRecommendation, compareFiguresOf, evidenceLinesOf, ruleFor, VERDICT_IDS, VERDICT_RULES } from '../src/verdicts/registry.js';
import { judge } from '../src/verdicts/judge.js';
import { loadActor, loadSpec, probeSamples, probeSpec, recorded, requestSpec, runData, scenario, streamActor, streamSpec } from './fixtures/run-data.js';

const verdictsOf = (data: RunData) => judge(analyse(data));
const only = (data: RunData, id: string): Verdict => {
  const found = verdictsOf(data).filter((v) => v.id === id);
  assert.equal(found.length, 1, `one ${id} verdict: ${JSON.stringify(verdictsOf(data).map((v) => v.id))}`);
  return found[0]!;
};

function stallRun(o: { block?: [number, number]; episodes?: RunData['self']['episodes']; failing?: boolean } = {}): RunData {
  const probe = probeSpec('probe', '/live');
  const heavy = requestSpec('heavy', '/heavy', 1500);
  let samples = probeSamples({ durationMs: 3000, baseMs: 2, ...(o.block ? { block: o.block } : {}) });
  if (o.failing) samples = samples.map((s) => ({ ...s, status: 0, error: 'ECONNRESET' }));
  return runData({
    scenario: scenario([probe, heavy], { durationMs: 3000 }),
    actors: [recorded(probe, samples), recorded(heavy, [{ scheduledMs: 1500, sentMs: 1500, endMs: 2500, status: 200, bytes: 5 }])],
    calibration: { probe: { samples: 100, p50Ms: 2, p99Ms: 2 } },
    episodes: o.episodes ?? [],
  });
}

test('event-loop-stall: detected with the stall the samples hold; clear without; inconclusive when wobbly lagged or nothing answered', () => {
  const detected = only(stallRun({ block: [1500, 2500] }), 'event-loop-stall');
  assert.equal(detected.status, 'detected');
  assert.deepEqual(detected.evidence, {
    probe: 'probe',
    thresholdMs: 100,
    unloadedP99Ms: 2,
    machineLagMs: 0,
    longestStallMs: 1002,
    stalls: [{ startMs: 1500, endMs: 2502, lengthMs: 1002, probesAffected: 91, during: ['heavy'], selfLagMs: 0 }],
    ownLagStalls: [],
  });
  assert.deepEqual(evidenceLinesOf(detected), ['threshold 100 ms (unloaded p99 2.0 ms); stalls: 1', 'stall 1.50 s → 2.50 s: 1.00 s, 91 probes, during heavy']);

  const clear = only(stallRun(), 'event-loop-stall');
  assert.deepEqual([clear.status, clear.evidence.longestStallMs, clear.evidence.stalls], ['clear', 0, []]);

  // wobbly's own loop lagged 900 ms meanwhile: the stall may be ours.
  const ours = only(stallRun({ block: [1500, 2500], episodes: [{ startMs: 1500, endMs: 2400, lagMs: 900 }] }), 'event-loop-stall');
  assert.deepEqual([ours.status, ours.evidence.longestStallMs, (ours.evidence.stalls as unknown[]).length, (ours.evidence.ownLagStalls as unknown[]).length], ['inconclusive', 0, 0, 1]);
  assert.deepEqual(evidenceLinesOf(ours), [
    "threshold 100 ms (unloaded p99 2.0 ms); stalls: 0; 1 more explained by wobbly's own lag",
    "wobbly's own lag: 1.50 s → 2.50 s: 1.00 s, 91 probes, during heavy (wobbly lagged 900 ms)",
  ]);

  const down = only(stallRun({ failing: true }), 'event-loop-stall');
  assert.equal(down.status, 'inconclusive');
});

test('pool-starvation and serialized: a pool of 4 under 8 connections, a pool of 1 under 4, and no pool', () => {
  const run = (M: number, N: number) => {
    const load = loadSpec('load', `/pool/${M}`, N);
    return runData({
      scenario: scenario([load], { durationMs: 3000 }),
      actors: [loadActor(load, { N, M, S: 200, durationMs: 3000 })],
      calibration: { load: { samples: 3, p50Ms: 200, p99Ms: 200 } },
    });
  };
  const pool = only(run(4, 8), 'pool-starvation');
  assert.equal(pool.status, 'detected');
  const e = pool.evidence as { effectiveConcurrency: number; requestedConcurrency: number; serviceTimeMs: number; poolSizeEstimate: number; firstWave: { served: number; group: number } };
  // 4 answers every 200 ms = 20 req/s × S 200 ms = C 4, whole waves in the steady window.
  assert.deepEqual([e.effectiveConcurrency, e.requestedConcurrency, e.serviceTimeMs, e.poolSizeEstimate], [4, 8, 200, 4]);
  assert.deepEqual([e.firstWave.served, e.firstWave.group], [4, 4]);
  assert.equal(only(run(4, 8), 'serialized').status, 'clear');
  assert.deepEqual(compareFiguresOf(pool), { throughputRps: 20, effectiveConcurrency: 4 });
  assert.ok(evidenceLinesOf(pool)!.includes('effective concurrency 4 of 8 = 20 req/s × S 200 ms (calibrated)'), String(evidenceLinesOf(pool)));

  const one = only(run(1, 4), 'serialized');
  assert.equal(one.status, 'detected');
  assert.equal(one.evidence.effectiveConcurrency, 1);
  assert.equal(only(run(1, 4), 'pool-starvation').status, 'detected'); // a pool of one

  const free = verdictsOf(run(8, 8));
  assert.deepEqual(free.map((v) => [v.id, v.status]), [['pool-starvation', 'clear'], ['serialized', 'clear'], ['concurrency-limit', 'clear']]);
  assert.equal(free[0]!.evidence.effectiveConcurrency, 8);
});

test('concurrency-limit: a load whose connections beyond 5 get 503 on every request; clear without rejections', () => {
  const run = (rejectFrom?: number) => {
    const load = loadSpec('load', '/async', 8);
    return runData({
      scenario: scenario([load], { durationMs: 3000 }),
      actors: [loadActor(load, { N: 8, M: 8, S: 200, durationMs: 3000, ...(rejectFrom !== undefined ? { rejectFrom } : {}) })],
      calibration: { load: { samples: 3, p50Ms: 200, p99Ms: 200 } },
    });
  };
  const data = run(5);
  const v = only(data, 'concurrency-limit');
  assert.equal(v.status, 'detected');
  const codes = new Map(data.actors[0]!.counts.statusCodes);
  // 3 connections × one 503 every 10.05 ms for 3 s = 3 × 299; the 5 others: 15 waves of 200 ms.
  assert.deepEqual([codes.get(503), codes.get(200)], [897, 75]);
  const e = v.evidence as { limit: number | null; limitInterval: { lo: number; hi: number }; rejected: number; requests: number; status: string };
  // A load alone says there is a limit below 8, not where (a sweep finds it).
  assert.deepEqual([e.limit, e.limitInterval, e.rejected, e.requests, e.status], [null, { lo: 0, hi: 7 }, 897, 972, 'HTTP 503']);
  assert.deepEqual(evidenceLinesOf(v), ['limit below 8; rejected 897 of 972 requests (HTTP 503 ×897)']);
  assert.equal(blocksRecommendation(v.id), false);

  const clear = only(run(), 'concurrency-limit');
  assert.deepEqual([clear.status, clear.evidence.limit, clear.evidence.rejected], ['clear', null, 0]);
});

test('thread-hopping: one verdict per stream actor, with the streams that hopped', () => {
  const spec = streamSpec('streams', '/rotate', 4);
  const rotating = ['7', '7', '7', '7', '7', '8', '8', '8', '8', '8'];
  const stable = Array.from({ length: 10 }, () => '7');
  const data = (streams: string[][]) => runData({ scenario: scenario([spec]), actors: [streamActor(spec, streams)] });

  const hop = only(data([rotating, stable, rotating, stable]), 'thread-hopping');
  assert.equal(hop.status, 'detected');
  assert.deepEqual(
    [hop.evidence.streams, hop.evidence.hoppingStreams, hop.evidence.maxDistinctPerStream, hop.evidence.switches, hop.evidence.distinctPerStream],
    [4, 2, 2, 2, { '1': 2, '2': 2 }],
  );
  assert.deepEqual(evidenceLinesOf(hop), ['thread values per stream: 1 → 2 streams, 2 → 2 streams; 2 switches (at most 1 in one stream)', 'stream #1: 7 ×5 → 8 ×5', 'stream #3: 7 ×5 → 8 ×5']);
  assert.equal(only(data([stable, stable, stable, stable]), 'thread-hopping').status, 'clear');
  assert.equal(only(data([['7'], ['8']]), 'thread-hopping').status, 'inconclusive'); // one event per stream: nothing to compare
});

test('head-of-line-blocking: the probes answered by the busy worker waited, the other worker answered at once', () => {
  const probe = probeSpec('probe', '/2', { extract: { pid: { from: 'header', header: 'x-worker-pid' } } });
  const slow = requestSpec('slow', '/heavy', 1500);
  // Every other probe goes to worker 101 (busy from 1,500 to 2,500 ms), the rest to worker 102.
  const samples: Sample[] = probeSamples({ durationMs: 3000, baseMs: 2, reused: true }).map((s) => {
    const busy = s.scheduledMs % 20 === 0;
    const waits = busy && s.scheduledMs >= 1500 && s.scheduledMs < 2500;
    return { ...s, endMs: waits ? 2502 : s.endMs, ids: { pid: busy ? '101' : '102' } };
  });
  const data = runData({
    scenario: scenario([probe, slow], { durationMs: 3000 }),
    actors: [recorded(probe, samples), recorded(slow, [{ scheduledMs: 1500, sentMs: 1500, endMs: 2500, status: 200, bytes: 5, ids: { pid: '101' } }])],
    calibration: { probe: { samples: 100, p50Ms: 2, p99Ms: 2 } },
  });
  const v = only(data, 'head-of-line-blocking');
  assert.equal(v.status, 'detected');
  const e = v.evidence as { field: string; exposedRequests: number; delayedRequests: number; byIdentity: Record<string, { requests: number; delayed: number }>; maxDelayMs: number };
  // 100 probes were due while the slow request ran; the 46 of worker 101 due before 2,402 ms waited (> 100 ms).
  assert.deepEqual([e.field, e.exposedRequests, e.delayedRequests], ['pid', 100, 46]);
  assert.deepEqual([e.byIdentity['101']!.delayed, e.byIdentity['102']!.delayed, e.byIdentity['102']!.requests], [46, 0, 50]);
  assert.equal(e.maxDelayMs, 1000); // 1,002 ms latency less the unloaded 2 ms
  // The stall verdict says which worker stopped (the head-of-line facts amend it).
  const stall = only(data, 'event-loop-stall');
  assert.equal(stall.status, 'detected');
  const note = ' Only pid 101 stopped; pid 102 kept answering (see head-of-line-blocking).';
  assert.ok(stall.summary.endsWith(note), stall.summary);
  assert.equal(stall.summary.indexOf(note), stall.summary.length - note.length, 'said once');
});

test('the registry: every verdict once, in report order; expectations, reports and compare take them from it', () => {
  assert.deepEqual(VERDICT_IDS, ['event-loop-stall', 'pool-starvation', 'serialized', 'thread-hopping', 'head-of-line-blocking', 'concurrency-limit']);
  assert.equal(new Set(VERDICT_IDS).size, VERDICT_RULES.length);
  for (const id of VERDICT_IDS) {
    assert.equal(ruleFor(id)?.id, id);
    assert.deepEqual(parseExpectation(`verdict.${id} == clear`, { actors: [] }), { type: 'verdict', text: `verdict.${id} == clear`, id, op: '==', status: 'clear' });
  }
  assert.deepEqual(VERDICT_IDS.filter(blocksRecommendation), ['pool-starvation', 'serialized']);
  // A verdict of another version has no rule: no lines of its own (the terminal prints its plain fields).
  assert.equal(evidenceLinesOf({ id: 'from-the-future', status: 'detected', summary: '', hint: '', evidence: { n: 1 } }), undefined);
  assert.equal(ruleFor('from-the-future'), undefined);
});

test('compare: a setting with a blocking verdict is not recommended; the steady throughput comes from its figures', () => {
  const result = (rps: number, status: Verdict['status']): RunResult =>
    ({
      actors: { load: { kind: 'load', summary: { requests: 100, rps: 1, latencyMs: { p50: 1, p99: 2 } } } },
      verdicts: [{ id: 'pool-starvation', status, summary: '', hint: '', evidence: { throughputRps: rps, effectiveConcurrency: rps / 10 } }],
    }) as unknown as RunResult;
  const rows = summariseRuns([
    { settings: { THREADS: '10' }, result: result(100, 'detected') },
    { settings: { THREADS: '40' }, result: result(99, 'clear') },
  ]);
  assert.deepEqual(rows.map((r) => [r.label, r.throughputRps.median, r.effectiveConcurrency?.median, r.detected]), [
    ['THREADS=10', 100, 10, ['pool-starvation']],
    ['THREADS=40', 99, 9.9, []],
  ]);
  assert.equal(recommend(rows)?.label, 'THREADS=40');
});
