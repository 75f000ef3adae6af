// Effective concurrency and the pool-starvation / serialized verdicts, from simulated closed-model
// runs (a discrete-event model of a server: no timing noise), and the merge of worker aggregates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFirstWave, analyseSweep, estimateConcurrency, type ConcurrencyEstimate } from '../src/analysis/concurrency.js';
import type { Analysis } from '../src/analysis/analyse.js';
import { ActorRecorder, type LoadPhase } from '../src/metrics/actor-recorder.js';
import { LoadMeter, mergeMeters } from '../src/metrics/load-meter.js';
import { cpu, pool, simulate, slower, type Model } from './closed-model-sim.js';
import { matchesGolden } from './helpers.js';
import { judgePoolStarvation, judgeSerialized, poolCause } from '../src/verdicts/pool-starvation.js';

function estimate(phase: LoadPhase, S: number | null = 200): ConcurrencyEstimate {
  return estimateConcurrency({ actor: 'load', label: 'GET /x', phase, serviceTimeMs: S ?? undefined, serviceTimeSource: S === null ? 'none' : 'calibrated' });
}

const close = (actual: number, expected: number, tolerance: number) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * expected, `${actual} is not within ${tolerance * 100}% of ${expected}`);

test('a pool of M slots (M = 1, 4, 10, 40) with N > M: C ≈ M, the first wave is a group of M', () => {
  for (const [M, N] of [[1, 3], [4, 8], [10, 20], [40, 50]] as const) {
    const e = estimate(simulate({ N, model: pool(M, 200), durationMs: 5000 }));
    close(e.effectiveConcurrency!, M, 0.03);
    close(e.throughputRps!, (M / 200) * 1000, 0.03);
    assert.equal(e.firstWave.group, M);
    assert.equal(e.poolEstimate, M);
    assert.equal(e.outcome, M === 1 ? 'serialized' : 'pool', `M=${M}`);
  }
});

test('jittery service times and a run cut short by its deadline do not bias C', () => {
  const e = estimate(simulate({ N: 20, model: pool(10, 200, 30), durationMs: 4000 }), 215);
  // mean service time 215 ms: X = 10/0.215 s, C = X × 215 ms = 10
  close(e.effectiveConcurrency!, 10, 0.05);
  assert.equal(e.outcome, 'pool');
  // The window starts at the first send and stops where requests in service would be cut short.
  assert.equal(e.window!.startMs, 0);
  assert.ok(e.window!.endMs <= 4000 - 215, `window ${e.window!.startMs}–${e.window!.endMs} ms`);
  assert.ok(e.concurrencyInterval!.lo <= 10 && e.concurrencyInterval!.hi >= 10 * 0.97, JSON.stringify(e.concurrencyInterval));
});

test('a few requests that starve for seconds (an unfair queue) do not bias C', () => {
  // Every 25th request waits 3 s more, outside the pool (seen on uvicorn with 10 anyio tokens).
  const base = pool(10, 200);
  let n = 0;
  const unfair: Model = { serve: (arrival, inFlight) => ({ endMs: base.serve(arrival, inFlight).endMs + (++n % 25 === 0 ? 3000 : 0) }) };
  const e = estimate(simulate({ N: 20, model: unfair, durationMs: 6000 }));
  close(e.effectiveConcurrency!, 10, 0.05);
  assert.equal(e.outcome, 'pool');
});

test('M ≥ N: clear', () => {
  const e = estimate(simulate({ N: 10, model: pool(10, 200), durationMs: 4000 }));
  close(e.effectiveConcurrency!, 10, 0.03);
  assert.equal(e.outcome, 'clear');
});

test('no pool, but slower under load (227 ms vs 200 ms at N = 50): C ≈ 0.88 N yet clear: no waves in the first 50', () => {
  const phase = simulate({ N: 50, model: slower(200, 0.55), durationMs: 5000 });
  const e = estimate(phase);
  assert.ok(e.effectiveConcurrency! < 0.9 * 50, `C = ${e.effectiveConcurrency}`);
  assert.equal(e.firstWave.served, 50);
  assert.equal(e.firstWave.group, undefined);
  assert.equal(e.outcome, 'overhead');
  const v = judgePoolStarvation({ windows: [], stalls: [], loads: [e] })!;
  assert.equal(v.status, 'clear');
  assert.match(v.summary, /slower under load .* not queueing for a pool/);
  assert.equal(judgeSerialized({ windows: [], stalls: [], loads: [e] })!.status, 'clear');
});

test('a CPU-bound server answers the first wave in a ramp, not in waves: inconclusive, not a pool', () => {
  const e = estimate(simulate({ N: 50, model: cpu(200, 5), durationMs: 5000 }));
  assert.ok(e.effectiveConcurrency! < 0.9 * 50);
  assert.equal(e.firstWave.group, undefined);
  assert.equal(e.outcome, 'inconclusive');
  assert.equal(e.reason, 'ramp');
  assert.match(judgePoolStarvation({ windows: [], stalls: [], loads: [e] })!.summary, /one after another without waves/);
});

test('inconclusive: no S, too short, too many failures, too fast, wobbly the bottleneck', () => {
  const phase = simulate({ N: 8, model: pool(4, 200), durationMs: 4000 });
  assert.equal(estimate(phase, null).reason, 'no-service-time');
  assert.equal(estimate(simulate({ N: 8, model: pool(4, 200), durationMs: 150 })).reason, 'too-short');
  assert.equal(estimate(simulate({ N: 8, model: pool(4, 200), durationMs: 4000, failEvery: 5 })).reason, 'failures');
  assert.equal(estimate(simulate({ N: 50, model: cpu(0.2, 0.05), durationMs: 2000 }), 0.5).reason, 'too-fast');
  assert.equal(estimate(simulate({ N: 8, model: pool(4, 200), durationMs: 4000, turnaroundMs: 80 })).reason, 'client-bound');
  const v = judgePoolStarvation({ windows: [], stalls: [], loads: [estimate(phase, null)] })!;
  assert.equal(v.status, 'inconclusive');
  const typo = estimateConcurrency({ actor: 'load', label: 'GET /nope', phase, serviceTimeSource: 'none', calibrationStatus: 404 });
  assert.match(judgeSerialized({ windows: [], stalls: [], loads: [typo] })!.summary, /calibration requests got HTTP 404, so the service time S is unknown: check the path/);
});

test('ab -n style: the load stops sending and its requests in flight are waited for', () => {
  const e = estimate(simulate({ N: 8, model: pool(4, 200), durationMs: 10_000, sendUntilMs: 3000 }));
  close(e.effectiveConcurrency!, 4, 0.03);
});

test('first wave: served within 1.5 S, and the first gap of ≥ 0.3 S ends the group', () => {
  assert.deepEqual(analyseFirstWave([200, 201, 400, 401], 200).group, 2);
  assert.equal(analyseFirstWave([200, 201, 400, 401], 200).served, 2);
  assert.equal(analyseFirstWave([200, 210, 220, 230], 200).group, undefined);
  assert.equal(analyseFirstWave([200, Infinity], 200).group, 1);
});

test('verdict sentences name the likely pool: anyio\'s 40 tokens, the default executor, one at a time', () => {
  const e40 = estimate(simulate({ N: 50, model: pool(40, 200), durationMs: 4000 }));
  const v = judgePoolStarvation({ windows: [], stalls: [], loads: [e40] })!;
  assert.equal(v.status, 'detected');
  assert.equal((v.evidence as { effectiveConcurrency: number }).effectiveConcurrency, Math.round(e40.effectiveConcurrency! * 100) / 100);
  for (const k of ['effectiveConcurrency', 'requestedConcurrency', 'serviceTimeMs', 'throughputRps']) assert.ok(k in v.evidence, k);
  assert.equal(judgeSerialized({ windows: [], stalls: [], loads: [e40] })!.status, 'clear');

  const e1 = estimate(simulate({ N: 4, model: pool(1, 200), durationMs: 4000 }));
  const stalled: Analysis = {
    windows: [],
    stalls: [{ probe: 'probe', label: 'GET /live', thresholdMs: 100, unloadedP99Ms: 1, answered: 10, sent: 80, stalls: [{ startMs: 300, endMs: 3900, lengthMs: 3600, probesAffected: 70, during: ['load'], selfLagMs: 3 }] }],
    loads: [e1],
  };
  const s = judgeSerialized(stalled)!;
  assert.equal(s.status, 'detected');
  assert.equal(judgePoolStarvation(stalled)!.status, 'detected');
  // The wording, from these simulated (deterministic) runs, as one reviewed golden file: the pool of
  // 40 named as anyio's tokens, the default executor's min(32, cpu + 4), a limiter of 5, one at a
  // time per worker, serialized with and without the probe stalled meanwhile.
  const unstalled = judgeSerialized({ ...stalled, stalls: [{ ...stalled.stalls[0]!, stalls: [] }] })!;
  matchesGolden('pool-sentences.txt', [
    `pool of 40: ${v.summary}`, `hint: ${v.hint}`,
    `cause 6: ${poolCause(6)}`, `cause 5: ${poolCause(5)}`, `cause 2 workers: ${poolCause(2, { field: 'pid', values: ['4312', '4313'] })}`,
    `serialized, probe stalled: ${s.summary}`, `hint: ${s.hint}`, `serialized, probe answered: ${unstalled.summary}`,
  ].join('\n\n') + '\n');
});

test('a sweep: C follows N up to the pool, then stays flat; the knee is the pool size', () => {
  const steps = [1, 2, 4, 8, 16].map((N, step) => ({
    ...estimateConcurrency({ actor: 'sweep', label: 'GET /x', step, phase: simulate({ N, model: pool(4, 100), durationMs: 2500 }), serviceTimeMs: 100, serviceTimeSource: 'calibrated' }),
  }));
  const a = analyseSweep('sweep', 'GET /x', steps);
  assert.deepEqual(steps.map((s) => s.outcome), ['inconclusive', 'clear', 'clear', 'pool', 'pool']);
  assert.equal(steps[0]!.reason, 'single-connection');
  assert.deepEqual(a.knee, { connections: 8, limit: 4 });
  close(a.maxEffectiveConcurrency!, 4, 0.03);
  assert.equal(a.best!.connections, 4);
  const v = judgePoolStarvation({ windows: [], stalls: [], sweeps: [a] })!;
  assert.equal(v.status, 'detected');
  assert.match(v.summary, /\(sweep, N = 16\).*knee is at N = 8: the concurrency limit is about 4/);
});

test('worker aggregates: a recorder delta and meters merge back exactly', () => {
  const a = new ActorRecorder('a', 'load', 1000, false);
  const whole = new ActorRecorder('w', 'load', 1000, false);
  const merged = new ActorRecorder('m', 'load', 1000, false);
  for (let i = 0; i < 500; i++) {
    const s = { scheduledMs: i * 7, sentMs: i * 7, endMs: i * 7 + 3 + (i % 13), status: i % 50 ? 200 : 503, bytes: 5, ...(i % 97 ? {} : { error: 'timeout', status: 0 }), ids: { pid: String(i % 3) } };
    a.record(s);
    whole.record(s);
    if (i === 250) merged.merge(a.takeDelta());
  }
  merged.merge(a.takeDelta());
  assert.equal(merged.requests, whole.requests);
  assert.equal(merged.failures, whole.failures);
  assert.equal(merged.bytes, whole.bytes);
  assert.deepEqual([...merged.statusCodes].sort(), [...whole.statusCodes].sort());
  assert.deepEqual([...merged.errors], [...whole.errors]);
  assert.deepEqual([...merged.identities.get('pid')!].sort(), [...whole.identities.get('pid')!].sort());
  for (const p of [50, 90, 99, 100]) assert.equal(merged.latency.percentile(p), whole.latency.percentile(p));
  // Bucket maxima come back at the coarse histogram's precision (2 significant digits).
  const strip = (b: { max: number }) => ({ ...b, max: 0 });
  assert.deepEqual(merged.timeline.toJSON(3500).map(strip), whole.timeline.toJSON(3500).map(strip));
  merged.timeline.toJSON(3500).forEach((b, i) => close(b.max, whole.timeline.toJSON(3500)[i]!.max, 0.01));
  assert.equal(a.takeDelta().requests, 0);

  const m1 = new LoadMeter(10, 2);
  const m2 = new LoadMeter(10, 3);
  m1.record({ seq: 0, sentMs: 5, endMs: 105, status: 200, wireBytes: 10, gapMs: NaN });
  m2.record({ seq: 0, sentMs: 25, endMs: 225, status: 200, wireBytes: 20, gapMs: NaN });
  m2.record({ seq: 1, sentMs: 226, endMs: 300, status: 0, error: 'unfinished', wireBytes: 0, gapMs: 1 });
  const m = mergeMeters([m1.data(), m2.data()]);
  assert.equal(m.connections, 5);
  assert.equal(m.okByEnd[10], 1);
  assert.equal(m.okByEnd[22], 1);
  assert.equal(m.latencyByEnd[22], 200);
  assert.deepEqual(m.firstWaveMs, [100, 200]);
  assert.equal(m.wireBytes, 30);
  assert.equal(m.stoppedAtMs, 300);
});

test('a pool whose slot a busy CPU shifted out of phase: its answers split each wave (3 + 1), which is still one wave of 4', () => {
  // FastAPI with 4 anyio tokens beside busy test files once read a pool of 3: one token's request
  // ran 35 ms late, and from then on that token answered 35 ms after the other three, every S.
  const shifted = (M: number, S: number, shiftMs: number): Model => {
    const free = Array.from({ length: M }, () => 0);
    let late = true;
    return {
      serve(arrival) {
        let i = 0;
        for (let j = 1; j < free.length; j++) if (free[j]! < free[i]!) i = j;
        const end = Math.max(arrival, free[i]!) + S + (late && i === M - 1 ? shiftMs : 0);
        if (i === M - 1) late = false;
        free[i] = end;
        return { endMs: end };
      },
    };
  };
  for (const shiftMs of [35, 60]) {
    const e = estimate(simulate({ N: 10, model: shifted(4, 100, shiftMs), durationMs: 4000 }), 100);
    assert.ok(e.waves && e.waves.every((n) => n === 4), `shift ${shiftMs} ms: waves ${e.waves}`);
    assert.equal(e.poolEstimate, 4, `shift ${shiftMs} ms`);
    assert.equal(e.outcome, 'pool');
  }
});
