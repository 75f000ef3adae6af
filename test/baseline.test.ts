// Baselines: the Mann–Whitney U test of wobbly diff (checked against SciPy's figures), tolerances,
// and the comparison of results (synthetic runs with known distributions, seeded): a regression
// only when the whole interval of the change lies beyond the tolerance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mannWhitneyGreater, mannWhitneyTwoSided, median, normalUpperTail, smallestP } from '../src/baseline/stats.js';
import { comparedMetrics, defaultTolerances, parseTolerance } from '../src/baseline/tolerance.js';
import { baselineFile, compareToBaseline } from '../src/baseline/compare.js';
import { formatChange, formatInterval } from '../src/baseline/format.js';
import { compareAb } from '../src/compare/ab.js';
import { syntheticRun } from './fixtures/synthetic-runs.js';

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

const of = (c: ReturnType<typeof compareToBaseline>, metric: string) => c.comparisons.find((x) => x.metric === metric)!;

test('the same server (another sample): no regression, every interval holds 0', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const c = compareToBaseline(syntheticRun({ seed }), syntheticRun({ seed: 100 + seed }), defaultTolerances(), 'base.json');
    assert.equal(c.pass, true, `seed ${seed}: ${c.comparisons.map((x) => `${x.metric} ${formatInterval(x)}`).join(', ')}`);
    assert.deepEqual(c.comparisons.map((x) => x.metric), ['rps', 'p50', 'p90', 'p99']);
    for (const x of c.comparisons.filter((y) => y.metric !== 'rps')) assert.ok(x.interval![0] < 0.02 && x.interval![1] > -0.02, `seed ${seed} ${x.metric} ${formatInterval(x)}`);
  }
});

test('50% slower: p50, p90, p99 regress, with the change, its interval and the smallest detectable change', () => {
  const c = compareToBaseline(syntheticRun({ seed: 1 }), syntheticRun({ seed: 2, medianMs: 150 }), defaultTolerances(), 'base.json');
  assert.equal(c.pass, false);
  assert.equal(c.test, 'block-bootstrap');
  assert.equal(c.alphaPerTest, 0.05 / 4);
  close(c.confidence, 0.975);
  assert.deepEqual(c.comparisons.filter((x) => x.regression).map((x) => x.metric), ['p50', 'p90', 'p99']);
  const p50 = of(c, 'p50');
  assert.ok(Math.abs(p50.change - 0.5) < 0.1, `change ${p50.change}`);
  assert.ok(p50.interval![0] > 0.1 && p50.interval![0] < p50.change && p50.change < p50.interval![1], formatInterval(p50));
  assert.ok(p50.detectable! > 0.1 && p50.detectable! < 0.3, `detectable ${p50.detectable}`);
  assert.deepEqual(p50.noise!.blocks, [12, 12]);
  assert.equal(formatChange({ change: 0.5, dimension: 'duration' }), '+50.0%');
  // rps did not change (the same number of answers per block).
  assert.equal(of(c, 'rps').status, 'ok');
});

test('dependence between neighbours widens the interval: a change the run cannot tell is not a regression', () => {
  const loose = compareToBaseline(syntheticRun({ seed: 5 }), syntheticRun({ seed: 6, medianMs: 125 }), defaultTolerances(), 'b');
  const tied = compareToBaseline(syntheticRun({ seed: 5, blockSigma: 0.2 }), syntheticRun({ seed: 6, medianMs: 125, blockSigma: 0.2 }), defaultTolerances(), 'b');
  const w = (c: typeof loose) => of(c, 'p50').interval![1] - of(c, 'p50').interval![0];
  assert.ok(w(tied) > 1.5 * w(loose), `${w(tied)} vs ${w(loose)}`);
  assert.ok(of(tied, 'p50').detectable! > of(loose, 'p50').detectable!);
  assert.equal(of(loose, 'p50').status, 'regression');
  assert.notEqual(of(tied, 'p50').status, 'regression');
});

test('a repeat baseline: its runs\' spread widens the interval; the mean of the runs is the baseline', () => {
  const base = [syntheticRun({ seed: 11, medianMs: 95 }), syntheticRun({ seed: 12, medianMs: 100 }), syntheticRun({ seed: 13, medianMs: 105 })];
  const file = baselineFile(base);
  assert.equal(file.baselineRuns!.length, 3);
  const cur = syntheticRun({ seed: 14, medianMs: 100 });
  const c = compareToBaseline(file, cur, defaultTolerances(), 'base.json');
  assert.equal(c.baselineRuns, 3);
  const single = compareToBaseline(base[1]!, cur, defaultTolerances(), 'base.json');
  assert.ok(of(c, 'p50').noise!.betweenRuns! > 0.03, `between ${of(c, 'p50').noise!.betweenRuns}`);
  assert.ok(of(c, 'p50').detectable! > of(single, 'p50').detectable!, 'wider than against one run');
  assert.equal(c.pass, true);
  const geo = Math.exp((Math.log(base[0]!.actors.load!.summary.latencyMs.p50) + Math.log(base[1]!.actors.load!.summary.latencyMs.p50) + Math.log(base[2]!.actors.load!.summary.latencyMs.p50)) / 3);
  // Measured on the blocks' 2-digit histograms: within 2% of the runs' own p50s.
  close(of(c, 'p50').baseline, geo, 0.02);
  // Twice as slow is a regression even so.
  assert.equal(of(compareToBaseline(file, syntheticRun({ seed: 15, medianMs: 200 }), defaultTolerances(), 'b'), 'p50').status, 'regression');
});

test('A/B pairs: B 50% slower regresses, B unchanged does not', () => {
  const pairs = (slow: number) => [1, 2, 3].map((i) => ({ a: syntheticRun({ seed: 20 + i }), b: syntheticRun({ seed: 40 + i, medianMs: 100 * slow }) }));
  const worse = compareAb(pairs(1.5), defaultTolerances());
  assert.equal(worse.pass, false);
  assert.equal(worse.baselineRuns, 3);
  assert.ok(Math.abs(of(worse as ReturnType<typeof compareToBaseline>, 'p50').change - 0.5) < 0.1);
  assert.equal(compareAb(pairs(1), defaultTolerances()).pass, true);
});

test('not tested, with the reason: a baseline without blocks, too short a run', () => {
  const old = syntheticRun({ seed: 1 });
  delete old.actors.load!.blocks;
  const c = compareToBaseline(old, syntheticRun({ seed: 2, medianMs: 300 }), defaultTolerances(), 'old.json');
  assert.equal(c.pass, true);
  assert.equal(of(c, 'p50').status, 'not tested');
  assert.match(of(c, 'p50').note!, /no per-block evidence/);
  const short = compareToBaseline(syntheticRun({ seed: 1, blocks: 2 }), syntheticRun({ seed: 2, blocks: 2 }), defaultTolerances(), 'b');
  assert.ok(of(short, 'p50').note!.includes('2 steady time blocks, at least 3 needed'), of(short, 'p50').note);
});

test('wobbly\'s own extra loop delay: a latency regression it can account for is inconclusive, one it cannot still regresses', () => {
  const lagged = <T extends { self: { eventLoopDelayP99Ms: number; eventLoopDelayMaxMs: number } }>(r: T, p99: number): T => ({ ...r, self: { eventLoopDelayP99Ms: p99, eventLoopDelayMaxMs: p99 } });
  const base = lagged(syntheticRun({ seed: 1 }), 2);
  const slower = syntheticRun({ seed: 2, medianMs: 125 });
  // With the same lag in both: a regression, whose interval's lower end sets what an excess must explain.
  const same = compareToBaseline(base, lagged(slower, 2), defaultTolerances(), 'b');
  const p50 = of(same, 'p50');
  assert.equal(p50.status, 'regression');
  assert.deepEqual(same.ownLag, { baselineP99Ms: 2, currentP99Ms: 2 });
  const room = (p50.interval![0] - p50.tolerance) * p50.baseline; // ms beyond the tolerance at the interval's lower end
  assert.ok(room > 2, `room ${room} ms`);

  // An excess of half that room leaves the regression standing; of 1.5 times it, the run cannot tell.
  const small = compareToBaseline(base, lagged(slower, 2 + room / 2), defaultTolerances(), 'b');
  assert.equal(of(small, 'p50').status, 'regression');
  assert.equal(small.pass, false);
  const busy = compareToBaseline(base, lagged(slower, 2 + room * 1.5), defaultTolerances(), 'b');
  const b50 = of(busy, 'p50');
  assert.equal(b50.status, 'inconclusive');
  assert.equal(b50.regression, false);
  assert.deepEqual(b50.interval, p50.interval, 'the interval itself is what was measured');
  assert.equal(b50.note, `wobbly's own event loop lagged more in this run (p99 ${Number((2 + room * 1.5).toFixed(0))} ms) than in the baseline (2 ms): the machine was busier, and up to ${Number((room * 1.5).toFixed(0))} ms of each latency may be wobbly's own delay, which accounts for the part of the change beyond the tolerance; rerun on a quieter machine, or compare A/B in one job`);
  assert.equal(busy.regressions, 0);
  assert.equal(busy.pass, true);
  assert.equal(of(busy, 'rps').status, of(same, 'rps').status, 'throughput is not a latency');

  // Less lag in this run than in the baseline explains nothing; a repeat baseline keeps each run's lag (their mean counts).
  assert.equal(of(compareToBaseline(lagged(base, 40), lagged(slower, 2), defaultTolerances(), 'b'), 'p50').status, 'regression');
  const file = baselineFile([lagged(syntheticRun({ seed: 11 }), 1), lagged(syntheticRun({ seed: 12 }), 5)]);
  assert.deepEqual(file.baselineRuns!.map((r) => r.self!.eventLoopDelayP99Ms), [1, 5]);
  assert.deepEqual(compareToBaseline(file, lagged(slower, 3), defaultTolerances(), 'b').ownLag, { baselineP99Ms: 3, currentP99Ms: 3 });

  // A/B: B's runs against A's, the means (as the change is the mean of the pairs'): B 50% slower
  // (room 40 ms); one B run lagging 90 ms adds 29.3 ms to the mean, which leaves it a regression;
  // lagging 150 ms, 49.3 ms: inconclusive.
  const pairs = (lag: number) => [1, 2, 3].map((i) => ({ a: lagged(syntheticRun({ seed: 20 + i }), 2), b: lagged(syntheticRun({ seed: 40 + i, medianMs: 150 }), i === 2 ? lag : 2) }));
  const ab = compareAb(pairs(90), defaultTolerances());
  assert.deepEqual(ab.ownLag, { baselineP99Ms: 2, currentP99Ms: 31.33 });
  assert.equal(of(ab as ReturnType<typeof compareToBaseline>, 'p50').status, 'regression');
  const busyAb = of(compareAb(pairs(150), defaultTolerances()) as ReturnType<typeof compareToBaseline>, 'p50');
  assert.equal(busyAb.status, 'inconclusive');
  assert.ok(busyAb.note!.startsWith("wobbly's own event loop lagged more in B's runs (p99 51 ms) than in A's runs (2 ms)"), busyAb.note);
});
