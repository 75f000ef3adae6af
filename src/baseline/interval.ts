// From per-run precisions to a confidence interval of a metric's change, and the decision:
// a regression only when the whole interval lies beyond the tolerance. Three designs:
//   single baseline   this run against one saved run: the two runs' block noise added;
//   repeat baseline   against K saved runs: their spread between runs, beyond what each run's
//                     own noise explains, is noise a single run cannot see (like benchstat);
//   A/B pairs         B against A, run alternately N times: the mean of the paired changes.
// Between-run spread estimated from few runs is itself uncertain: its share of the variance is
// scaled by (t[K-1] / z)², so 3 runs widen the interval more than 10 runs do.
import type { Precision } from './bootstrap.js';
import { scale } from './bootstrap.js';
import { normalQuantile, tQuantile } from './quantiles.js';
import type { BaselineMetric } from './tolerance.js';
import type { ComparisonStatus } from './types.js';

export interface Estimate {
  /** The change on the metric's scale (log ratio; difference for errorRate). */
  theta: number;
  se: number;
  df: number;
  /** Between-run standard deviation on the scale, when runs were repeated. */
  betweenRuns?: number;
}

export interface Judgement {
  change: number;
  interval: [number, number];
  /** The smallest worsening for which an interval this wide would lie wholly beyond the tolerance. */
  detectable: number;
  status: ComparisonStatus;
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sampleVariance = (xs: readonly number[]) => {
  const m = mean(xs);
  return xs.length > 1 ? xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) : 0;
};
const dof = (ps: readonly Precision[]) => ps.reduce((s, p) => s + p.blocks - 1, 0);

/** How much the between-run share of the variance is widened for being estimated from k values. */
function smallSampleFactor(k: number, alphaPerTest: number): number {
  if (k < 2) return 1;
  return (tQuantile(1 - alphaPerTest, k - 1) / normalQuantile(1 - alphaPerTest)) ** 2;
}

/** This run (value and precision) against one saved run. */
export function singleEstimate(metric: BaselineMetric, base: { value: number; p: Precision }, cur: { value: number; p: Precision }): Estimate {
  return { theta: scale(metric, cur.value) - scale(metric, base.value), se: Math.sqrt(base.p.variance + cur.p.variance), df: dof([base.p, cur.p]) };
}

/** This run against K saved runs of the same build. */
export function repeatEstimate(metric: BaselineMetric, bases: readonly { value: number; p: Precision }[], cur: { value: number; p: Precision }, alphaPerTest: number): Estimate {
  const k = bases.length;
  const levels = bases.map((b) => scale(metric, b.value));
  const within = mean(bases.map((b) => b.p.variance));
  const excess = Math.max(0, sampleVariance(levels) - within);
  const variance = cur.p.variance + within / k + (1 + 1 / k) * excess * smallSampleFactor(k, alphaPerTest);
  return { theta: scale(metric, cur.value) - mean(levels), se: Math.sqrt(variance), df: dof([cur.p, ...bases.map((b) => b.p)]), betweenRuns: Math.sqrt(sampleVariance(levels)) };
}

/** B against A, pair by pair (each pair run back to back, so slow phases of the machine cancel). */
export function pairedEstimate(metric: BaselineMetric, pairs: readonly { a: { value: number; p: Precision }; b: { value: number; p: Precision } }[], alphaPerTest: number): Estimate {
  const n = pairs.length;
  const diffs = pairs.map((x) => scale(metric, x.b.value) - scale(metric, x.a.value));
  const within = mean(pairs.map((x) => x.a.p.variance + x.b.p.variance));
  const excess = Math.max(0, sampleVariance(diffs) - within);
  const variance = (within + excess * smallSampleFactor(n, alphaPerTest)) / n;
  return { theta: mean(diffs), se: Math.sqrt(variance), df: dof(pairs.flatMap((x) => [x.a.p, x.b.p])), ...(n > 1 ? { betweenRuns: Math.sqrt(sampleVariance(diffs) / 2) } : {}) };
}

const fromScale = (metric: BaselineMetric, x: number) => (metric === 'errorRate' ? x : Math.expm1(x));

/** The tolerance on the metric's scale, in the direction in which it gets worse. */
function limit(metric: BaselineMetric, tolerance: number): number {
  if (metric === 'errorRate') return tolerance;
  return metric === 'rps' ? Math.log(Math.max(1e-9, 1 - tolerance)) : Math.log1p(tolerance);
}

/**
 * One-sided at level alphaPerTest: the interval shown is the two-sided (1 − 2·alphaPerTest) one,
 * and a regression needs its better end beyond the tolerance.
 */
export function judge(metric: BaselineMetric, e: Estimate, tolerance: number, alphaPerTest: number): Judgement {
  const q = tQuantile(1 - alphaPerTest, Math.max(1, e.df));
  const lo = e.theta - q * e.se;
  const hi = e.theta + q * e.se;
  const t = limit(metric, tolerance);
  const lowerIsWorse = metric === 'rps';
  const regression = lowerIsWorse ? hi < t : lo > t;
  const reachesBeyond = lowerIsWorse ? lo < t : hi > t;
  return {
    change: fromScale(metric, e.theta),
    interval: [fromScale(metric, lo), fromScale(metric, hi)],
    detectable: fromScale(metric, lowerIsWorse ? t - q * e.se : t + q * e.se),
    status: regression ? 'regression' : reachesBeyond ? 'inconclusive' : 'ok',
  };
}
