// Stalls users can trust: one never shorter than its own threshold (the 1 GB body case: a probe
// whose unloaded p99 is seconds), a threshold no longer than the probe's timeout, counts and
// lists that agree with stalls explained by wobbly's own lag listed apart, and with several
// workers the worker that stopped named beside the one that answered. Synthetic samples, exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findStalls, stallThreshold } from '../src/analysis/stalls.js';
import { judgeEventLoopStall } from '../src/verdicts/event-loop-stall.js';
import type { Analysis, StallAnalysis } from '../src/analysis/analyse.js';
import type { Sample } from '../src/types.js';

const ok = (t: number, latency: number, ids?: Record<string, string>): Sample => ({ scheduledMs: t, sentMs: t, endMs: t + latency, status: 200, bytes: 2, ...(ids ? { ids } : {}) });

test('missed probes under a huge threshold are no stall: nothing shorter than its threshold is reported', () => {
  // Unloaded p99 711 ms (1 GB bodies): threshold 7.11 s; probes missed for 2 s (in-flight cap) are late but short.
  const threshold = stallThreshold(711);
  assert.equal(threshold, 7110);
  const samples: Sample[] = [];
  for (let t = 0; t < 10_000; t += 100) {
    samples.push(t >= 3000 && t < 5020 ? { scheduledMs: t, sentMs: t, endMs: 5020, status: 0, bytes: 0, error: 'missed' } : ok(t, 700));
  }
  assert.deepEqual(findStalls(samples, threshold, []), []);
});

test('the default threshold is capped by the probe timeout: a probe that timed out is a stall of its timeout', () => {
  assert.equal(stallThreshold(711, undefined, 5000), 5000);
  assert.equal(stallThreshold(2, undefined, 5000), 100);
  assert.equal(stallThreshold(711, 8000, 5000), 8000); // declared: as declared
  const samples: Sample[] = [];
  for (let t = 0; t < 20_000; t += 100) {
    samples.push(t >= 4000 && t < 12_000 ? { scheduledMs: t, sentMs: t, endMs: t + 5000, status: 0, bytes: 0, error: 'timeout' } : ok(t, 700));
  }
  const stalls = findStalls(samples, stallThreshold(711, undefined, 5000), []);
  assert.equal(stalls.length, 1);
  assert.equal(stalls[0]!.lengthMs, 5000);
});

function analysisWith(stalls: StallAnalysis['stalls']): Analysis {
  return { windows: [], stalls: [{ probe: 'probe', label: 'GET /live', thresholdMs: 100, unloadedP99Ms: 2, answered: 300, sent: 320, stalls }] };
}

test('stalls explained by wobbly\'s own lag are listed apart; the count and the list agree', () => {
  const server = (startMs: number, lengthMs: number) => ({ startMs, endMs: startMs + lengthMs, lengthMs, probesAffected: lengthMs / 10, during: [], selfLagMs: 3 });
  const v = judgeEventLoopStall(
    analysisWith([server(1000, 800), { ...server(3000, 300), selfLagMs: 290 }, server(5000, 400)]),
  )!;
  assert.equal(v.status, 'detected');
  const e = v.evidence as { stalls: { lengthMs: number }[]; ownLagStalls: { lengthMs: number; selfLagMs: number }[]; longestStallMs: number };
  assert.deepEqual(e.stalls.map((s) => s.lengthMs), [800, 400]);
  assert.deepEqual(e.ownLagStalls.map((s) => [s.lengthMs, s.selfLagMs]), [[300, 290]]);
  assert.equal(e.longestStallMs, 800);
  assert.ok(v.summary.includes("(2 stalls in all; 1 more explained by wobbly's own lag, not counted)"), v.summary);
});

test('two workers: the stalled worker is named beside the one that answered meanwhile', () => {
  // Probes alternate between two pinned connections: pid 4312's are late for 3 s, pid 4313's are not.
  const samples: Sample[] = [];
  for (let t = 0; t < 8000; t += 50) {
    const pid = (t / 50) % 2 ? '4313' : '4312';
    const blocked = pid === '4312' && t >= 2000 && t < 5000;
    samples.push(blocked ? ok(t, 5000 - t + 1, { pid }) : ok(t, 2, { pid }));
  }
  const stalls = findStalls(samples, 100, []);
  assert.equal(stalls.length, 1);
  const s = stalls[0]!;
  assert.ok(Math.abs(s.lengthMs - 3001) <= 1, String(s.lengthMs));
  assert.deepEqual(s.workers, { field: 'pid', stalled: ['4312'], answering: ['4313'] });
  const v = judgeEventLoopStall(analysisWith([{ ...s, selfLagMs: 2 }]))!;
  assert.equal(v.status, 'detected');
  assert.deepEqual((v.evidence as { stalls: { workers: unknown }[] }).stalls[0]!.workers, { field: 'pid', stalled: ['4312'], answering: ['4313'] });
  assert.ok(v.summary.startsWith("pid 4312 (the worker behind the probe's connections) stopped answering GET /live for 3.00 s while pid 4313 answered"), v.summary);
});
