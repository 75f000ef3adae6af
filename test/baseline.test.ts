// Baselines: the Mann–Whitney U test (checked against SciPy's figures), tolerances, and the
// comparison of two results (regression only when beyond the tolerance and not noise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mannWhitneyGreater, mannWhitneyTwoSided, median, normalUpperTail, smallestP } from '../src/baseline/stats.js';
import { comparedMetrics, defaultTolerances, parseTolerance } from '../src/baseline/tolerance.js';
import { compareToBaseline, formatChange } from '../src/baseline/compare.js';
import { actor, buckets, result } from './fixtures/results.js';

const close = (a: number, b: number, rel = 1e-6) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);

test('Mann–Whitney U: exact p-values (no ties) equal SciPy\'s', () => {
  // scipy.stats.mannwhitneyu(x, y, alternative='greater', method='exact')
  let t = mannWhitneyGreater([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]);
  assert.equal(t.u, 25);
  assert.equal(t.method, 'exact');
  close(t.p, 0.003968253968253968);
  t = mannWhitneyGreater([1.1, 2.5, 3.3, 4.8, 6.0, 7.7], [0.5, 2.0, 2.9, 3.1, 4.0]);
  assert.equal(t.u, 22);
  close(t.p, 0.12337662337662336);
  t = mannWhitneyGreater(Array.from({ length: 20 }, (_, i) => 20 + i), Array.from({ length: 20 }, (_, i) => i + 0.5));
  assert.equal(t.u, 400);
  close(t.p, 7.254444551924842e-12);
  close(mannWhitneyGreater([5, 6, 7, 8], [1, 2, 3, 4]).p, 0.014285714285714285);
  // The other direction: nothing suggests x is larger.
  assert.equal(mannWhitneyGreater([1, 2, 3, 4], [5, 6, 7, 8]).p, 1);
});

test('Mann–Whitney U: ties use the normal approximation with tie and continuity corrections (as SciPy)', () => {
  const x = [31, 32, 33, 31, 35, 30, 32, 31, 34, 33, 36, 32];
  const y = [30, 31, 30, 32, 29, 31, 30, 33, 30, 31, 29, 30];
  const t = mannWhitneyGreater(x, y);
  assert.equal(t.method, 'normal');
  assert.equal(t.u, 120.5);
  close(t.p, 0.0023717574673110513, 1e-5);
  close(mannWhitneyTwoSided(x, y).p, 0.004743514934622103, 1e-5);
  assert.equal(mannWhitneyGreater([1, 1, 1], [1, 1, 1]).p, 1);
});

test('helpers: normal tail, smallest p, median', () => {
  close(normalUpperTail(0), 0.5);
  close(normalUpperTail(1.959963985), 0.025, 1e-6);
  close(normalUpperTail(6), 9.865876450377e-10, 1e-6);
  close(smallestP(5, 5), 1 / 252);
  close(smallestP(3, 3), 1 / 20);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
});

test('--max-regression: one tolerance, per-metric ones, off', () => {
  let t = parseTolerance('10%', defaultTolerances());
  t = parseTolerance('p99=20%,max=5%', t);
  t = parseTolerance('rps=off', t);
  t = parseTolerance('errorRate=1%', t);
  assert.deepEqual(comparedMetrics(t), [
    { metric: 'p50', tolerance: 0.1 },
    { metric: 'p90', tolerance: 0.1 },
    { metric: 'p99', tolerance: 0.2 },
    { metric: 'max', tolerance: 0.05 },
    { metric: 'errorRate', tolerance: 0.01 },
  ]);
  assert.throws(() => parseTolerance('10', defaultTolerances()), /the tolerance: expected a percentage like "10%", got "10"/);
  assert.throws(() => parseTolerance('p95=10%', defaultTolerances()), /"p95" is not a metric a baseline compares; use one of rps, p50, p90, p99, max, mean, errorRate/);
  assert.throws(() => parseTolerance('p99=fast', defaultTolerances()), /p99: expected a percentage/);
});

const steady = [30.1, 30.4, 29.8, 30.6, 30.2, 29.9, 30.3, 30.0, 30.5, 29.7, 30.25, 30.45];

function run(p50s: number[], rps = 40) {
  const p50 = median(p50s);
  return result(
    {
      probe: actor('probe', { requests: rps * 3, rps, latency: { p50, p90: p50 * 1.2, p99: p50 * 1.3, max: p50 * 1.4, mean: p50 }, timeline: buckets(p50s, rps / 4, 250) }),
      heavy: actor('request', { requests: 1, rps: 0.3, latency: { p50: 1000, p90: 1000, p99: 1000, max: 1000, mean: 1000 }, timeline: buckets([1000], 1, 250) }),
    },
    [],
    { durationMs: 3000, bucketMs: 250 },
  );
}

test('the same figures: no regression, p-values near 1', () => {
  const c = compareToBaseline(run(steady), run(steady.map((x) => x * 1.03).reverse()), defaultTolerances(), 'base.json');
  assert.equal(c.pass, true);
  assert.equal(c.regressions, 0);
  const probe = c.comparisons.filter((x) => x.actor === 'probe');
  assert.deepEqual(probe.map((x) => x.metric), ['rps', 'p50', 'p90', 'p99']);
  for (const x of probe) assert.ok(x.test && x.test.p > 0.5, `${x.metric} p ${x.test?.p}`);
  // 4 probe tests, Bonferroni; the single heavy request is too few buckets to test.
  assert.equal(c.alphaPerTest, 0.05 / 4);
  const heavy = c.comparisons.find((x) => x.actor === 'heavy' && x.metric === 'p50')!;
  assert.equal(heavy.test, undefined);
  assert.match(heavy.note!, /too few buckets with answers for a noise test \(1 and 1; at least 3 each\)/);
});

test('50% slower: every latency metric regresses, with the figures', () => {
  const c = compareToBaseline(run(steady), run(steady.map((x) => x * 1.5)), defaultTolerances(), 'base.json');
  assert.equal(c.pass, false);
  const p50 = c.comparisons.find((x) => x.actor === 'probe' && x.metric === 'p50')!;
  assert.equal(p50.regression, true);
  close(p50.change, 0.5);
  assert.equal(formatChange(p50), '+50.0%');
  assert.equal(p50.test!.method, 'exact');
  assert.equal(p50.test!.u, 144); // every bucket above every shifted baseline bucket
  close(p50.test!.p, 1 / 2704156); // 1 / C(24, 12)
  assert.deepEqual(c.comparisons.filter((x) => x.regression).map((x) => x.metric), ['p50', 'p90', 'p99']);
});

test('beyond the tolerance but noise: one slow bucket moves the max, not the test', () => {
  const spiky = [...steady];
  spiky[5] = 90;
  const current = run(spiky);
  current.actors.probe!.summary.latencyMs.max = 117;
  const c = compareToBaseline(run(steady), current, parseTolerance('max=10%', defaultTolerances()), 'base.json');
  const max = c.comparisons.find((x) => x.actor === 'probe' && x.metric === 'max')!;
  assert.equal(max.beyondTolerance, true);
  assert.equal(max.regression, false);
  assert.ok(max.test!.p > 0.5, `p ${max.test!.p}`);
  assert.match(max.note!, /not significantly \(could be noise\)/);
  assert.equal(c.pass, true);
});

test('throughput regresses when it drops; too few buckets never declare a regression', () => {
  const slow = run(steady, 20);
  const c = compareToBaseline(run(steady), slow, defaultTolerances(), 'base.json');
  const rps = c.comparisons.find((x) => x.actor === 'probe' && x.metric === 'rps')!;
  close(rps.change, -0.5);
  assert.equal(rps.regression, true);
  // Two buckets: a 50% slowdown cannot be told from noise.
  const short = (p50s: number[]) => result({ probe: actor('probe', { requests: 20, rps: 10, latency: { p50: p50s[0] }, timeline: buckets(p50s, 10) }) }, [], { durationMs: 2000 });
  const d = compareToBaseline(short([30, 30]), short([45, 45]), defaultTolerances(), 'base.json');
  assert.equal(d.pass, true);
  assert.match(d.comparisons.find((x) => x.metric === 'p50')!.note!, /beyond the tolerance, but too few buckets/);
});
