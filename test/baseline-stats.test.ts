// The baseline gate's statistics on synthetic data with known answers (seeded, so every figure
// is reproducible): quantiles, the PRNG, the blocks, the block bootstrap's precision against the
// true spread of independent runs, and the interval arithmetic of the three designs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalQuantile, tQuantile } from '../src/baseline/quantiles.js';
import { pick, seededRandom } from '../src/baseline/prng.js';
import { decodeBlock, MAX_BLOCKS, toBlocks } from '../src/baseline/blocks.js';
import { dependenceFactor, lag1, runPrecision, warmupBlocks } from '../src/baseline/bootstrap.js';
import { judge, pairedEstimate, repeatEstimate, singleEstimate } from '../src/baseline/interval.js';
import { LatencyHistogram } from '../src/metrics/latency-histogram.js';
import { syntheticActor } from './fixtures/synthetic-runs.js';

const close = (a: number, b: number, rel: number, what = '') => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${what} ${a} vs ${b} (±${rel * 100}%)`);

test('normal and t quantiles equal the tables (SciPy: norm.ppf, t.ppf)', () => {
  close(normalQuantile(0.975), 1.959963985, 1e-8);
  close(normalQuantile(0.999), 3.090232306, 1e-8);
  close(normalQuantile(0.01), -2.326347874, 1e-8);
  close(normalQuantile(0.5) + 1, 1, 1e-12);
  close(tQuantile(0.975, 1), 12.70620474, 1e-8);
  close(tQuantile(0.975, 2), 4.30265273, 1e-8);
  close(tQuantile(0.975, 5), 2.570581836, 0.005);
  close(tQuantile(0.975, 10), 2.228138852, 0.002);
  close(tQuantile(0.99, 4), 3.746947388, 0.01);
  close(tQuantile(0.9875, 10), 2.633766915, 0.003);
  close(tQuantile(0.9875, 40), 2.328575884, 0.001);
  assert.equal(tQuantile(0.975, 1000), normalQuantile(0.975));
  assert.throws(() => normalQuantile(1), RangeError);
});

test('seeded PRNG: the same seed gives the same draws; uniform', () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const xs = Array.from({ length: 10_000 }, () => a());
  assert.deepEqual(Array.from({ length: 10_000 }, () => b()), xs);
  assert.notEqual(seededRandom(43)(), xs[0]);
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const r = seededRandom(1);
  const counts = [0, 0, 0];
  for (let i = 0; i < 3000; i++) counts[pick(r, 3)]!++;
  for (const c of counts) assert.ok(c > 900 && c < 1100, `pick counts ${counts}`);
});

test('blocks: whole buckets merged to at most MAX_BLOCKS, counts kept, latencies to 1%', () => {
  const buckets = Array.from({ length: 125 }, (_, i) => {
    const h = new LatencyHistogram('coarse');
    h.record(100 + i);
    return { count: 1, failures: i % 5 === 0 ? 1 : 0, latency: h };
  });
  const b = toBlocks(buckets, 1000);
  // 125 buckets → 3 per block → 41 whole blocks (the last two buckets do not fill one).
  assert.equal(b.ms, 3000);
  assert.equal(b.count.length, 41);
  assert.ok(b.count.length <= MAX_BLOCKS);
  assert.deepEqual(b.count, Array(41).fill(3));
  assert.equal(b.failures.reduce((s, x) => s + x, 0), buckets.slice(0, 123).filter((x) => x.failures).length);
  const first = decodeBlock(b.latency[0]!);
  assert.deepEqual(first.map((x) => x.n), [1, 1, 1]);
  first.forEach((x, i) => close(x.ms, 100 + i, 0.01, `block 0 value ${i}`));
  assert.deepEqual(decodeBlock(''), []);
  const empty = toBlocks([{ count: 0, failures: 0, latency: new LatencyHistogram('coarse') }], 500);
  assert.deepEqual(empty.latency, ['']);
});

test('block bootstrap: its spread matches the true run-to-run spread, also with neighbours that move together', () => {
  // [0.6, 2] × the true variance: 60 runs estimate it to about ±20% (χ² with 59 df); the
  // correction for neighbours (ρ from 12 blocks, clamped at 0) errs on the wide side. Without it
  // the AR(1) case with ρ = 0.6 would come out about 3× too narrow.
  const cases = [
    { blockSigma: 0, blockRho: 0 },
    { blockSigma: 0.15, blockRho: 0 },
    { blockSigma: 0.15, blockRho: 0.6 },
  ];
  for (const { blockSigma, blockRho } of cases) {
    const runs = Array.from({ length: 60 }, (_, i) => syntheticActor({ seed: 1000 + i, sigma: 0.4, blockSigma, blockRho, blocks: 12, perBlock: 30 }));
    const precisions = runs.map((a) => runPrecision(a.blocks!, 400));
    for (const metric of ['p50', 'p90', 'mean'] as const) {
      const levels = precisions.map((p) => Math.log(p[metric]!.value));
      const m = levels.reduce((s, x) => s + x, 0) / levels.length;
      const trueVar = levels.reduce((s, x) => s + (x - m) ** 2, 0) / (levels.length - 1);
      const estimated = precisions.reduce((s, p) => s + p[metric]!.variance, 0) / precisions.length;
      const ratio = estimated / trueVar;
      assert.ok(ratio > 0.6 && ratio < 2, `blockSigma ${blockSigma} ρ ${blockRho} ${metric}: bootstrap/true variance ${ratio.toFixed(2)}`);
    }
  }
  // Dependence within blocks: the block bootstrap sees the shared factor.
  const loose = runPrecision(syntheticActor({ seed: 7, sigma: 0.4, blockSigma: 0 }).blocks!).p50!.variance;
  const tied = runPrecision(syntheticActor({ seed: 7, sigma: 0.4, blockSigma: 0.15 }).blocks!).p50!.variance;
  assert.ok(tied > 2 * loose, `dependent ${tied} vs independent ${loose}`);
  close(dependenceFactor(0.6, 12), 1 + 2 * Array.from({ length: 11 }, (_, i) => (1 - (i + 1) / 12) * 0.6 ** (i + 1)).reduce((a, b) => a + b, 0), 1e-12);
  assert.equal(dependenceFactor(0, 12), 1);
  assert.equal(lag1([1, 2, 3]), 0);
  assert.ok(lag1([1, 1, 2, 2, 3, 3, 4, 4]) > 0.5);
  assert.ok(lag1([1, 3, 1, 3, 1, 3]) < -0.5);
});

test('block bootstrap: reproducible, rps and error rate on their own statistics, too few blocks not measured', () => {
  const a = syntheticActor({ seed: 3, failuresPerBlock: 2, perBlock: 38 });
  // 456 answers: p99 needs 1000 (10 beyond it), p90 has enough.
  assert.deepEqual(runPrecision(a.blocks!).tooFew, { p99: { answers: 456, needed: 1000 } });
  assert.ok(runPrecision(a.blocks!).p90);
  assert.deepEqual(runPrecision(a.blocks!), runPrecision(a.blocks!));
  const p = runPrecision(a.blocks!);
  // Every block has 38 answers: the rate does not vary; 2 of 40 failed in every block.
  close(p.rps!.value, 76, 1e-9);
  assert.ok(p.rps!.variance < 1e-20, `rps variance ${p.rps!.variance}`);
  close(p.errorRate!.value, 0.05, 1e-9);
  assert.ok(p.errorRate!.variance < 1e-20, `error rate variance ${p.errorRate!.variance}`);
  assert.deepEqual(runPrecision(syntheticActor({ seed: 3, blocks: 2 }).blocks!), { blocks: 2 });
});

test('warm-up: leading blocks with fewer than half the median answers are left out', () => {
  assert.equal(warmupBlocks([0, 7, 20, 18, 20, 20]), 2);
  assert.equal(warmupBlocks([0, 0, 0, 12, 12, 12]), 3);
  assert.equal(warmupBlocks([12, 16, 12, 12, 16, 12]), 0);
  assert.equal(warmupBlocks([12, 0, 12, 12]), 0, 'only leading blocks: a stall later in the run is data');
  const a = syntheticActor({ seed: 9, blocks: 8 });
  a.blocks!.count[0] = 3;
  const p = runPrecision(a.blocks!);
  assert.equal(p.warmup, 1);
  assert.equal(p.blocks, 7);
  close(p.rps!.value, (7 * 100) / 3.5, 1e-9, 'rps of the 7 steady 500 ms blocks');
});

test('interval: a single baseline adds the two runs\' variances; a regression only wholly beyond the tolerance', () => {
  const p = (variance: number) => ({ value: 0, variance, blocks: 11 });
  const e = singleEstimate('p50', { value: 100, p: p(0.0016) }, { value: 150, p: p(0.0009) });
  close(e.theta, Math.log(1.5), 1e-12);
  close(e.se, 0.05, 1e-12);
  assert.equal(e.df, 20);
  const j = judge('p50', e, 0.1, 0.0125);
  const q = tQuantile(0.9875, 20);
  close(j.change, 0.5, 1e-12);
  close(j.interval[0], 1.5 * Math.exp(-q * 0.05) - 1, 1e-12);
  close(j.interval[1], 1.5 * Math.exp(q * 0.05) - 1, 1e-12);
  close(j.detectable, 1.1 * Math.exp(q * 0.05) - 1, 1e-12);
  assert.equal(j.status, 'regression');
  // +12% with the same noise: beyond the tolerance, but the interval reaches below it.
  assert.equal(judge('p50', { ...e, theta: Math.log(1.12) }, 0.1, 0.0125).status, 'inconclusive');
  assert.equal(judge('p50', { ...e, theta: Math.log(0.95) }, 0.1, 0.0125).status, 'ok');
  // rps gets worse downwards; errorRate in differences (percentage points).
  assert.equal(judge('rps', { theta: Math.log(0.6), se: 0.05, df: 20 }, 0.1, 0.0125).status, 'regression');
  assert.equal(judge('rps', { theta: Math.log(1.6), se: 0.05, df: 20 }, 0.1, 0.0125).status, 'ok');
  const er = judge('errorRate', { theta: 0.05, se: 0.01, df: 20 }, 0.01, 0.0125);
  close(er.interval[0], 0.05 - q * 0.01, 1e-12);
  assert.equal(er.status, 'regression');
});

test('interval: a repeat baseline adds the between-run spread beyond the runs\' own noise; A/B averages the pairs', () => {
  const p = (variance: number) => ({ value: 0, variance, blocks: 11 });
  const bases = [100, 110, 90].map((v) => ({ value: v, p: p(0.0004) }));
  const e = repeatEstimate('p50', bases, { value: 130, p: p(0.0004) }, 0.0125);
  const levels = [100, 110, 90].map(Math.log);
  const m = levels.reduce((s, x) => s + x, 0) / 3;
  const between = levels.reduce((s, x) => s + (x - m) ** 2, 0) / 2;
  const factor = (tQuantile(0.9875, 2) / normalQuantile(0.9875)) ** 2;
  close(e.theta, Math.log(130) - m, 1e-12);
  close(e.se ** 2, 0.0004 + 0.0004 / 3 + (4 / 3) * (between - 0.0004) * factor, 1e-9);
  close(e.betweenRuns!, Math.sqrt(between), 1e-12);
  // Runs that agree as well as their own noise says: nothing is added.
  const quiet = repeatEstimate('p50', [100, 100, 100].map((v) => ({ value: v, p: p(0.0004) })), { value: 100, p: p(0.0004) }, 0.0125);
  close(quiet.se ** 2, 0.0004 + 0.0004 / 3, 1e-9);

  const pairs = [
    [100, 150],
    [110, 160],
    [90, 140],
  ].map(([a, b]) => ({ a: { value: a!, p: p(0.0001) }, b: { value: b!, p: p(0.0001) } }));
  const ab = pairedEstimate('p50', pairs, 0.0125);
  const diffs = pairs.map((x) => Math.log(x.b.value / x.a.value));
  const md = diffs.reduce((s, x) => s + x, 0) / 3;
  close(ab.theta, md, 1e-12);
  const spread = diffs.reduce((s, x) => s + (x - md) ** 2, 0) / 2;
  close(ab.se ** 2, (0.0002 + Math.max(0, spread - 0.0002) * factor) / 3, 1e-9);
  assert.equal(ab.df, 60);
});
