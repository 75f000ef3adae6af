// A run against a baseline (saved results of the same scenario: one run, or K runs saved with
// --save-baseline F --repeat K). Each compared metric gets a confidence interval of its change
// (block bootstrap of each run's time blocks, see bootstrap.ts; with K runs also their spread,
// see interval.ts), and regresses only when the whole interval lies beyond the tolerance.
// The confidence is shared among the metrics compared (Bonferroni: α = 0.05 in all).
import type { ActorResult, RunResult } from '../result/types.js';
import { readMetric, resolveMetric, type Metric } from '../expect/metrics.js';
import type { BlockData } from './blocks.js';
import { MIN_BLOCKS, MIN_TAIL, runPrecision, type Precision, type RunPrecision } from './bootstrap.js';
import { judge, repeatEstimate, singleEstimate, type Estimate } from './interval.js';
import type { BaselineComparison, MetricComparison } from './types.js';
import { comparedMetrics, formatTolerances, type BaselineMetric, type Tolerances } from './tolerance.js';
import { explainedByOwnLag, ownLagNote, ownLagOf, type OwnLag, type Reference } from './own-lag.js';

export const ALPHA = 0.05;
/** Fewer buckets with answers than this: no per-bucket test (wobbly diff). */
export const MIN_BUCKETS = 3;

/** One run of a baseline: what the comparison needs of it. */
export interface SavedRun {
  startedAt: string;
  durationMs: number;
  actors: Record<string, Pick<ActorResult, 'kind' | 'summary' | 'blocks'>>;
  /** wobbly's own loop delay in that run (unset in baselines of older versions). */
  self?: RunResult['self'];
}

/** A baseline file: a result (the first run), and with --repeat K all K runs. */
export type BaselineFile = RunResult & { baselineRuns?: SavedRun[] };

export function savedRun(r: RunResult): SavedRun {
  return {
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    self: r.self,
    actors: Object.fromEntries(Object.entries(r.actors).map(([k, a]) => [k, { kind: a.kind, summary: a.summary, ...(a.blocks ? { blocks: a.blocks } : {}) }])),
  };
}

/** The K runs as one baseline file: the first run's result, with every run attached. */
export function baselineFile(runs: readonly RunResult[]): BaselineFile {
  return runs.length > 1 ? { ...runs[0]!, baselineRuns: runs.map(savedRun) } : runs[0]!;
}

/** Per-bucket values standing for a metric (wobbly diff's per-bucket test). */
export function bucketSeries(actor: ActorResult, metric: Metric, bucketMs: number, durationMs: number): { values: number[]; samples: string } | undefined {
  if (metric.dimension === 'count') return undefined;
  const buckets = actor.timeline.filter((b) => b.t * 1000 + bucketMs <= durationMs + 1);
  const answered = buckets.filter((b) => b.count > 0);
  const last = metric.path[metric.path.length - 1];
  if (metric.dimension === 'rate') return { values: buckets.map((b) => b.count / (bucketMs / 1000)), samples: 'answers per bucket' };
  if (metric.dimension === 'ratio') {
    return { values: buckets.filter((b) => b.count + b.failures > 0).map((b) => b.failures / (b.count + b.failures)), samples: 'error rate per bucket' };
  }
  if (last === 'p50' || last === 'mean' || last === 'min') return { values: answered.map((b) => b.p50), samples: 'p50 per bucket' };
  return { values: answered.map((b) => b.max), samples: 'max per bucket' };
}

export function relativeChange(m: Metric, base: number, cur: number): number {
  if (m.dimension === 'ratio') return cur - base;
  return base === 0 ? (cur === 0 ? 0 : Infinity) : (cur - base) / base;
}

/** Precision of each actor's metrics, computed once per run. */
export class PrecisionCache {
  private readonly memo = new Map<BlockData, RunPrecision>();
  of(blocks: BlockData | undefined): RunPrecision | undefined {
    if (!blocks) return undefined;
    let p = this.memo.get(blocks);
    if (!p) this.memo.set(blocks, (p = runPrecision(blocks)));
    return p;
  }
}

export interface Measured {
  value: number;
  p: Precision;
}

/**
 * A metric of one actor in one run, on its steady blocks (the warm-up left out), with its
 * precision; or why it cannot be compared.
 */
export function measure(actor: Pick<ActorResult, 'summary' | 'blocks'>, m: Metric, metric: BaselineMetric, cache: PrecisionCache): Measured | { why: string } {
  const r = readMetric(actor as ActorResult, m);
  if ('missing' in r) return { why: r.missing };
  const precision = cache.of(actor.blocks);
  if (!precision) return { why: 'no per-block evidence (a result of an older wobbly: save the baseline again)' };
  const p = precision[metric];
  const few = precision.tooFew?.[metric];
  if (!p && few) return { why: `${few.answers} answers are too few to measure ${metric} (at least ${few.needed}: ${MIN_TAIL} beyond it)` };
  if (!p) {
    const warm = precision.warmup ? ` after ${precision.warmup} warm-up block${precision.warmup === 1 ? '' : 's'}` : '';
    return {
      why:
        precision.blocks < MIN_BLOCKS
          ? `${precision.blocks} steady time block${precision.blocks === 1 ? '' : 's'}${warm}, at least ${MIN_BLOCKS} needed to measure the noise (run longer or use a finer timeline bucket)`
          : 'too few of its time blocks had answers',
    };
  }
  return { value: p.value, p };
}

export interface Pending {
  c: MetricComparison;
  metric: BaselineMetric;
  estimate: (alphaPerTest: number) => Estimate;
}

/** Decide every pending comparison with the confidence shared among them; a latency regression that wobbly's own extra lag could account for is inconclusive (own-lag.ts). */
export function decide(pending: readonly Pending[], ownLag?: { lag: OwnLag; reference: Reference }): { alphaPerTest: number; confidence: number } {
  const alphaPerTest = ALPHA / Math.max(1, pending.length);
  for (const { c, metric, estimate } of pending) {
    const e = estimate(alphaPerTest);
    const j = judge(metric, e, c.tolerance, alphaPerTest);
    c.change = j.change;
    c.beyondTolerance = metric === 'rps' ? j.change < -c.tolerance : j.change > c.tolerance;
    c.interval = j.interval;
    c.detectable = j.detectable;
    c.status = j.status;
    c.regression = j.status === 'regression';
    c.noise = { ...c.noise!, se: e.se, df: e.df, ...(e.betweenRuns !== undefined ? { betweenRuns: e.betweenRuns } : {}) };
    if (j.status === 'inconclusive') c.note = 'the interval reaches beyond the tolerance but does not lie wholly beyond it: this run cannot tell (run longer, or repeat the baseline)';
    if (ownLag && explainedByOwnLag(c, ownLag.lag)) {
      c.status = 'inconclusive';
      c.regression = false;
      c.note = ownLagNote(ownLag.lag, ownLag.reference);
    }
  }
  return { alphaPerTest, confidence: 1 - 2 * alphaPerTest };
}

export function summaryOf(pending: readonly Pending[], comparisons: MetricComparison[], ownLag?: { lag: OwnLag; reference: Reference }) {
  const { alphaPerTest, confidence } = decide(pending, ownLag);
  const regressions = comparisons.filter((c) => c.regression).length;
  return { alpha: ALPHA, alphaPerTest, confidence, comparisons, regressions, inconclusive: comparisons.filter((c) => c.status === 'inconclusive').length, pass: regressions === 0 };
}

const geometricMean = (metric: BaselineMetric, xs: number[]) => (metric === 'errorRate' ? xs.reduce((s, x) => s + x, 0) / xs.length : Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length));

export function compareToBaseline(baseline: BaselineFile, current: RunResult, tolerances: Tolerances, file: string): BaselineComparison {
  const notes: string[] = [];
  const comparisons: MetricComparison[] = [];
  const pending: Pending[] = [];
  const cache = new PrecisionCache();
  const runs: SavedRun[] = baseline.baselineRuns?.length ? baseline.baselineRuns : [savedRun(baseline)];
  if (baseline.scenario.name !== current.scenario.name) notes.push(`the baseline is of scenario "${baseline.scenario.name}", this run of "${current.scenario.name}"`);
  for (const name of Object.keys(baseline.actors)) if (!current.actors[name]) notes.push(`actor ${name} is in the baseline only`);

  for (const [name, actor] of Object.entries(current.actors)) {
    const before = runs.map((r) => r.actors[name]);
    if (before.some((b) => !b)) {
      notes.push(`actor ${name} is not in the baseline (not compared)`);
      continue;
    }
    if (before[0]!.kind !== actor.kind) {
      notes.push(`actor ${name} is a ${actor.kind} here and a ${before[0]!.kind} in the baseline (not compared)`);
      continue;
    }
    for (const { metric, tolerance } of comparedMetrics(tolerances)) {
      const m = resolveMetric(metric, actor.kind);
      if (!m) continue;
      const bases = before.map((b) => measure(b!, m, metric, cache));
      const cur = measure(actor, m, metric, cache);
      const nowValue = readMetric(actor, m);
      if (before.some((b) => 'missing' in readMetric(b as ActorResult, m)) || 'missing' in nowValue) {
        const why = 'missing' in nowValue ? `this run: ${nowValue.missing}` : 'not measured in the baseline';
        notes.push(`${name}.${metric}: not compared (${why})`);
        continue;
      }
      // On the steady blocks where measured (the warm-up left out), else the whole-run figures.
      const shown = before.map((b, i) => { const x = bases[i]!; return 'value' in x ? x.value : (readMetric(b as ActorResult, m) as { value: number }).value; });
      const baseValue = geometricMean(metric, shown);
      const current = 'value' in cur ? cur.value : nowValue.value;
      const c: MetricComparison = {
        actor: name,
        metric,
        dimension: m.dimension,
        baseline: baseValue,
        current,
        change: relativeChange(m, baseValue, current),
        tolerance,
        beyondTolerance: false,
        status: 'not tested',
        regression: false,
      };
      c.beyondTolerance = (m.worse === 'lower' ? -c.change : c.change) > tolerance;
      comparisons.push(c);
      const bad = [...bases.map((b, i) => ('why' in b ? `baseline${runs.length > 1 ? ` run ${i + 1}` : ''}: ${b.why}` : '')), 'why' in cur ? `this run: ${cur.why}` : ''].filter(Boolean);
      if (bad.length) {
        c.note = `not tested (${bad[0]})`;
        continue;
      }
      const ok = bases as Measured[];
      const now = cur as Measured;
      c.noise = { se: 0, df: 0, blocks: [...ok.map((b) => b.p.blocks), now.p.blocks] };
      pending.push({ c, metric, estimate: (a) => (ok.length > 1 ? repeatEstimate(metric, ok, now, a) : singleEstimate(metric, ok[0]!, now)) });
    }
  }
  const k = runs.length;
  // A baseline of an older version: its first run's loop delay is the result's own.
  const ownLag = ownLagOf(runs.map((r, i) => (r.self || i > 0 ? r : { ...r, self: baseline.self })), [current]);
  return {
    file,
    baselineStartedAt: baseline.startedAt,
    test: 'block-bootstrap',
    method:
      `confidence interval of each metric's change from a block bootstrap over time blocks of each run` +
      (k > 1 ? ` and the spread between the baseline's ${k} runs` : '') +
      '; a regression when the interval lies wholly beyond the tolerance',
    tolerances: formatTolerances(tolerances),
    baselineRuns: k,
    ...(ownLag ? { ownLag } : {}),
    ...summaryOf(pending, comparisons, ownLag && { lag: ownLag, reference: 'baseline' }),
    notes,
  };
}

/** The result with the comparison attached; a regression makes the run fail. */
export function withBaseline(result: RunResult, comparison: BaselineComparison): RunResult {
  return { ...result, baseline: comparison, pass: result.pass && comparison.pass };
}
