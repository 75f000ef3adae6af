// Accuracy of the effective-concurrency decision over many shapes of closed-model runs (a
// discrete-event model, no timing noise): pools of M = 1, 4, 10, 40 with N above and below M,
// service times of 100 ms to 1 s, short `amount`s as users type them (ab -n 100 -c 50), and
// healthy servers, which must never read as a pool. Asserts the evidence numbers, with the
// tolerance of the 10 ms answer slots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, estimateConcurrency, type ConcurrencyEstimate } from '../src/analysis/concurrency.js';
import { judgePoolStarvation, judgeSerialized } from '../src/verdicts/pool-starvation.js';
import { pool, simulate, slower, type SimOptions } from './closed-model-sim.js';

function estimate(o: SimOptions, S: number, spreadMs = 1): ConcurrencyEstimate {
  return estimateConcurrency({ actor: 'load', label: 'GET /x', phase: simulate(o), serviceTimeMs: S, serviceSpreadMs: spreadMs, serviceTimeSource: 'calibrated' });
}

const shape = (o: { M: number; N: number; S: number; amount?: number; durationMs?: number }) =>
  `M=${o.M} N=${o.N} S=${o.S} ${o.amount ? `amount=${o.amount}` : `duration=${o.durationMs}`}`;

function assertInside(x: number, i: { lo: number; hi: number } | undefined, what: string) {
  assert.ok(i && i.lo <= x + 1e-9 && x <= i.hi + 1e-9, `${what}: ${x} not in ${JSON.stringify(i)}`);
}

test('the three shapes of the issue decide: ab -n 100 -c 50 on 40 tokens, -n 12 -c 4 one at a time, -n 60 -c 20 on 6 threads', () => {
  const a = estimate({ N: 50, model: pool(40, 1000), durationMs: 60_000, amount: 100 }, 1000);
  assert.equal(a.outcome, 'pool');
  assert.equal(a.poolEstimate, 40);
  assert.ok(Math.abs(a.effectiveConcurrency! - 40) <= 0.5, `C = ${a.effectiveConcurrency}`);
  assert.ok(a.concurrencyInterval!.hi < 0.9 * 50, JSON.stringify(a.concurrencyInterval));

  const b = estimate({ N: 4, model: pool(1, 200), durationMs: 60_000, amount: 12 }, 200);
  assert.equal(b.outcome, 'serialized');
  assert.ok(Math.abs(b.effectiveConcurrency! - 1) <= 0.05, `C = ${b.effectiveConcurrency}`);
  assert.ok(b.concurrencyInterval!.hi < 1.5);

  const c = estimate({ N: 20, model: pool(6, 200), durationMs: 60_000, amount: 60 }, 200);
  assert.equal(c.outcome, 'pool');
  assert.equal(c.poolEstimate, 6);
  assert.deepEqual(c.poolInterval, { lo: 6, hi: 6 });
  assert.ok(Math.abs(c.effectiveConcurrency! - 6) <= 0.15, `C = ${c.effectiveConcurrency}`);
});

test('pools of 1, 4, 10, 40 under N > M, S from 100 ms to 1 s, short and long runs: the pool, C ≈ M inside its interval', () => {
  for (const M of [1, 4, 10, 40]) {
    for (const N of [M + Math.max(1, Math.ceil(M / 4)), 2 * M + 1]) {
      for (const S of [100, 300, 1000]) {
        for (const run of [{ amount: 2 * N }, { amount: 5 * N }, { durationMs: 8 * S }]) {
          const o = { M, N, S, ...run };
          const e = estimate({ N, model: pool(M, S), durationMs: run.durationMs ?? 120_000, ...(run.amount ? { amount: run.amount } : {}) }, S);
          assert.equal(e.outcome, M === 1 ? 'serialized' : 'pool', `${shape(o)}: ${e.outcome} ${e.reason ?? ''} C=${e.effectiveConcurrency}`);
          assert.equal(e.poolEstimate, M, shape(o));
          assertInside(M, e.poolInterval, `${shape(o)} pool`);
          // C within 5 % of M (answers are counted in 10 ms slots: 10 % of a 100 ms wave), M inside C's interval.
          assert.ok(Math.abs(e.effectiveConcurrency! - M) <= 0.05 * M + 0.02, `${shape(o)}: C = ${e.effectiveConcurrency}`);
          assertInside(M, e.concurrencyInterval, `${shape(o)} C`);
          assert.ok(e.concurrencyInterval!.hi < 0.9 * N, `${shape(o)}: ${JSON.stringify(e.concurrencyInterval)}`);
        }
      }
    }
  }
});

test('amount = N (every connection sends once): the first wave alone shows the pool', () => {
  const e = estimate({ N: 12, model: pool(4, 200), durationMs: 60_000, amount: 12 }, 200);
  assert.equal(e.outcome, 'pool');
  assert.equal(e.poolEstimate, 4);
  const s = estimate({ N: 3, model: pool(1, 300), durationMs: 60_000, amount: 3 }, 300);
  assert.equal(s.outcome, 'serialized');
});

test('healthy servers are clear, never a false pool: M ≥ N, or no pool at all (asyncio.sleep, slower under load)', () => {
  for (const [M, N] of [[4, 4], [10, 8], [40, 40], [60, 50]] as const) {
    for (const S of [100, 1000]) {
      for (const run of [{ amount: 2 * N }, { amount: N }, { durationMs: 6 * S }]) {
        const e = estimate({ N, model: pool(M, S), durationMs: run.durationMs ?? 120_000, ...(run.amount ? { amount: run.amount } : {}) }, S);
        assert.equal(e.outcome, 'clear', `${shape({ M, N, S, ...run })}: ${e.outcome} ${e.reason ?? ''}`);
        const v = judgePoolStarvation({ windows: [], stalls: [], loads: [e] })!;
        assert.equal(v.status, 'clear', v.summary);
        assert.equal(judgeSerialized({ windows: [], stalls: [], loads: [e] })!.status, 'clear');
      }
    }
  }
  for (const amount of [100, 500]) {
    const e = estimate({ N: 50, model: slower(200, 0.55), durationMs: 120_000, amount }, 200);
    assert.ok(e.outcome === 'clear' || e.outcome === 'overhead', `slower, amount ${amount}: ${e.outcome}`);
  }
});

test('one connection (ab -n 3 -c 1): inconclusive, and both verdicts say why they cannot apply', () => {
  const e = estimate({ N: 1, model: pool(1, 200), durationMs: 60_000, amount: 3 }, 200);
  assert.equal(e.outcome, 'inconclusive');
  assert.equal(e.reason, 'single-connection');
  for (const judge of [judgePoolStarvation, judgeSerialized]) {
    const v = judge({ windows: [], stalls: [], loads: [e] })!;
    assert.equal(v.status, 'inconclusive');
    assert.equal(v.evidence.reason, 'single-connection');
    assert.equal(v.evidence.requestedConcurrency, 1);
  }
});

test('an interval that straddles the threshold is inconclusive and says how long a run would decide', () => {
  // C = 43 of 50 between 41 and 46.3 (the in-progress work at the end of a 2 s window), no clean waves.
  const e: ConcurrencyEstimate = {
    actor: 'load',
    label: 'GET /x',
    connections: 50,
    serviceTimeMs: 200,
    serviceSpreadMs: 1,
    serviceTimeSource: 'calibrated',
    window: { startMs: 0, endMs: 2000, requests: 400 },
    inProgress: { lo: 5, hi: 58 },
    turnaroundMs: 0.1,
    latencyUnderLoadMs: 230,
    throughputRps: 215,
    effectiveConcurrency: 43,
    concurrencyInterval: { lo: 40.5, hi: 46.3 },
    firstWave: { requests: 50, withinMs: 300, served: 30, latenciesMs: [] },
    failureRate: 0,
    clientLag: { p99Ms: 1, maxMs: 2 },
    outcome: 'inconclusive',
    rejections: { requests: 430, rejected: 0, byReason: {}, firstWaveAnswered: 50 },
  };
  const out = classify(e);
  assert.equal(out.outcome, 'inconclusive');
  assert.equal(out.reason, 'straddles');
  // In progress: 30 requests' worth (C × T / S − n), up to 58: 28 × 1.005 × 200 ms / (45 − 43 × 1.005) = 3.15 s; × 1.2, rounded up.
  assert.equal(out.decideAfterMs, 4000);
  const v = judgePoolStarvation({ windows: [], stalls: [], loads: [out] })!;
  assert.equal(v.status, 'inconclusive');
  assert.equal(v.evidence.decideAfterMs, 4000);
  assert.deepEqual(v.evidence.concurrencyInterval, { lo: 40.5, hi: 46.3 });
  // Right at the threshold, a longer run cannot decide: no length is promised.
  assert.equal(classify({ ...e, effectiveConcurrency: 45, concurrencyInterval: { lo: 44, hi: 46 } }).decideAfterMs, undefined);
});
