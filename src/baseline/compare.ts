// A run against a baseline (a saved JSON result of the same scenario). A metric regressed only when
//  1. its whole-run value is worse than the baseline's by more than the tolerance, and
//  2. that is unlikely to be noise: a one-sided Mann–Whitney U test of the run's per-bucket values
//     (the timeline) against the baseline's, shifted by the tolerance, gives p below α = 0.05
//     divided by the number of tests made (Bonferroni: a run compares several metrics).
// So a 10% tolerance means "significantly more than 10% worse", not "any noise over 10%".
import type { ActorResult, RunResult } from '../result/types.js';
import { readMetric, resolveMetric, type Metric } from '../expect/metrics.js';
import { mannWhitneyGreater, smallestP, type UTest } from './stats.js';
import { comparedMetrics, formatTolerances, type Tolerances } from './tolerance.js';

export const ALPHA = 0.05;
/** Fewer buckets with answers than this on either side: no test, hence no regression. */
export const MIN_BUCKETS = 3;

export interface MetricComparison {
  actor: string;
  metric: string;
  dimension: Metric['dimension'];
  baseline: number;
  current: number;
  /** Relative change (0.12 = +12%); for errorRate the difference (0.01 = +1 percentage point). */
  change: number;
  tolerance: number;
  /** Worse than the baseline by more than the tolerance. */
  beyondTolerance: boolean;
  /** The noise test, when both runs had enough buckets. */
  test?: UTest & { samples: string; smallestP: number };
  regression: boolean;
  note?: string;
}

export interface BaselineComparison {
  file: string;
  baselineStartedAt: string;
  test: 'mann-whitney-u';
  /** In words, for reports. */
  method: string;
  tolerances: string;
  alpha: number;
  /** α divided by the number of tests (Bonferroni). */
  alphaPerTest: number;
  comparisons: MetricComparison[];
  notes: string[];
  regressions: number;
  pass: boolean;
}

/** The buckets of a run that lie wholly inside it (a last, cut-short bucket would skew rates). */
function fullBuckets(actor: ActorResult, bucketMs: number, durationMs: number) {
  return actor.timeline.filter((b) => b.t * 1000 + bucketMs <= durationMs + 1);
}

/** Per-bucket values standing for a metric, and what they are. */
export function bucketSeries(actor: ActorResult, metric: Metric, bucketMs: number, durationMs: number): { values: number[]; samples: string } | undefined {
  if (metric.dimension === 'count') return undefined;
  const buckets = fullBuckets(actor, bucketMs, durationMs);
  const answered = buckets.filter((b) => b.count > 0);
  const last = metric.path[metric.path.length - 1];
  if (metric.dimension === 'rate') return { values: buckets.map((b) => b.count / (bucketMs / 1000)), samples: 'answers per bucket' };
  if (metric.dimension === 'ratio') {
    return { values: buckets.filter((b) => b.count + b.failures > 0).map((b) => b.failures / (b.count + b.failures)), samples: 'error rate per bucket' };
  }
  if (last === 'p50' || last === 'mean' || last === 'min') return { values: answered.map((b) => b.p50), samples: 'p50 per bucket' };
  return { values: answered.map((b) => b.max), samples: 'max per bucket' };
}

/** Move the baseline's values by the tolerance, in the direction in which the metric gets worse. */
function shift(values: number[], m: Metric, tolerance: number): number[] {
  if (m.dimension === 'ratio') return values.map((v) => v + tolerance);
  return values.map((v) => (m.worse === 'lower' ? v * (1 - tolerance) : v * (1 + tolerance)));
}

export function relativeChange(m: Metric, base: number, cur: number): number {
  if (m.dimension === 'ratio') return cur - base;
  return base === 0 ? (cur === 0 ? 0 : Infinity) : (cur - base) / base;
}

export function compareToBaseline(baseline: RunResult, current: RunResult, tolerances: Tolerances, file: string): BaselineComparison {
  const notes: string[] = [];
  const comparisons: MetricComparison[] = [];
  const pending: { c: MetricComparison; cur: number[]; base: number[]; m: Metric; samples: string }[] = [];
  if (baseline.bucketMs !== current.bucketMs) notes.push(`the baseline has ${baseline.bucketMs} ms buckets and this run ${current.bucketMs} ms: per-bucket values cannot be compared`);
  if (baseline.scenario.name !== current.scenario.name) notes.push(`the baseline is of scenario "${baseline.scenario.name}", this run of "${current.scenario.name}"`);
  for (const name of Object.keys(baseline.actors)) if (!current.actors[name]) notes.push(`actor ${name} is in the baseline only`);

  for (const [name, actor] of Object.entries(current.actors)) {
    const before = baseline.actors[name];
    if (!before) {
      notes.push(`actor ${name} is not in the baseline (not compared)`);
      continue;
    }
    if (before.kind !== actor.kind) {
      notes.push(`actor ${name} is a ${actor.kind} here and a ${before.kind} in the baseline (not compared)`);
      continue;
    }
    for (const { metric, tolerance } of comparedMetrics(tolerances)) {
      const m = resolveMetric(metric, actor.kind);
      if (!m) continue;
      const a = readMetric(before, m);
      const b = readMetric(actor, m);
      if ('missing' in a || 'missing' in b) {
        notes.push(`${name}.${metric}: not compared (${'missing' in a ? `baseline: ${a.missing}` : `this run: ${(b as { missing: string }).missing}`})`);
        continue;
      }
      const delta = relativeChange(m, a.value, b.value);
      const worse = m.worse === 'lower' ? -delta : delta;
      const c: MetricComparison = {
        actor: name,
        metric,
        dimension: m.dimension,
        baseline: a.value,
        current: b.value,
        change: delta,
        tolerance,
        beyondTolerance: worse > tolerance,
        regression: false,
      };
      comparisons.push(c);
      const base = bucketSeries(before, m, baseline.bucketMs, baseline.durationMs) ?? { values: [], samples: '' };
      const cur = bucketSeries(actor, m, current.bucketMs, current.durationMs) ?? { values: [], samples: '' };
      if (baseline.bucketMs !== current.bucketMs) c.note = 'bucket sizes differ: no noise test';
      else if (base.values.length < MIN_BUCKETS || cur.values.length < MIN_BUCKETS) {
        c.note = `too few buckets with answers for a noise test (${base.values.length} and ${cur.values.length}; at least ${MIN_BUCKETS} each)`;
      } else pending.push({ c, cur: cur.values, base: base.values, m, samples: base.samples });
    }
  }

  const alphaPerTest = pending.length ? ALPHA / pending.length : ALPHA;
  for (const { c, cur, base, m, samples } of pending) {
    const shifted = shift(base, m, c.tolerance);
    const t = m.worse === 'lower' ? mannWhitneyGreater(shifted, cur) : mannWhitneyGreater(cur, shifted);
    c.test = { ...t, samples, smallestP: smallestP(t.n1, t.n2) };
    c.regression = c.beyondTolerance && t.p < alphaPerTest;
    if (c.beyondTolerance && !c.regression) {
      c.note =
        c.test.smallestP >= alphaPerTest
          ? `beyond the tolerance, but ${t.n1} and ${t.n2} buckets cannot show it is not noise (smallest possible p ${c.test.smallestP.toPrecision(2)}): run longer or use a finer timeline bucket`
          : 'beyond the tolerance, but not significantly (could be noise)';
    }
  }
  for (const c of comparisons) if (c.beyondTolerance && !c.test && c.note) c.note = `beyond the tolerance, but ${c.note}`;

  const regressions = comparisons.filter((c) => c.regression).length;
  return {
    file,
    baselineStartedAt: baseline.startedAt,
    test: 'mann-whitney-u',
    method: 'one-sided Mann–Whitney U test of this run\'s per-bucket values against the baseline\'s shifted by the tolerance',
    tolerances: formatTolerances(tolerances),
    alpha: ALPHA,
    alphaPerTest,
    comparisons,
    notes,
    regressions,
    pass: regressions === 0,
  };
}

/** The result with the comparison attached; a regression makes the run fail. */
export function withBaseline(result: RunResult, comparison: BaselineComparison): RunResult {
  return { ...result, baseline: comparison, pass: result.pass && comparison.pass };
}

export function formatChange(c: Pick<MetricComparison, 'change' | 'dimension'>): string {
  if (!Number.isFinite(c.change)) return c.change > 0 ? '+∞' : '-∞';
  if (c.dimension === 'ratio') return `${c.change >= 0 ? '+' : ''}${Number((c.change * 100).toFixed(2))} pts`;
  return `${c.change >= 0 ? '+' : ''}${(c.change * 100).toFixed(1)}%`;
}

export function formatP(p: number): string {
  return p >= 0.001 ? String(Number(p.toPrecision(3))) : p.toExponential(1);
}
