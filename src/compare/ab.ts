// A/B in one job: B (the change) against A (the reference), run alternately A B A B … on the same
// machine, so a slow phase of the machine hits both of a pair. Each metric's change is the mean of
// the paired changes, its interval from the runs' own noise and the spread between the pairs
// (src/baseline/interval.ts); B regressed when the interval lies wholly beyond the tolerance.
import { measure, PrecisionCache, relativeChange, summaryOf, type Measured, type Pending } from '../baseline/compare.js';
import type { BaselineComparison, MetricComparison } from '../baseline/types.js';
import { pairedEstimate } from '../baseline/interval.js';
import { ownLagOf } from '../baseline/own-lag.js';
import { comparedMetrics, formatTolerances, type BaselineMetric, type Tolerances } from '../baseline/tolerance.js';
import { readMetric, resolveMetric } from '../expect/metrics.js';
import type { RunResult } from '../result/types.js';

export interface AbPair {
  a: RunResult;
  b: RunResult;
}

const centre = (metric: BaselineMetric, xs: number[]) =>
  metric === 'errorRate' ? xs.reduce((s, x) => s + x, 0) / xs.length : Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

export function compareAb(pairs: readonly AbPair[], tolerances: Tolerances, label = 'A'): BaselineComparison {
  if (!pairs.length) throw new RangeError('compareAb needs at least one pair');
  const notes: string[] = [];
  const comparisons: MetricComparison[] = [];
  const pending: Pending[] = [];
  const cache = new PrecisionCache();
  const first = pairs[0]!.b;
  for (const [name, actor] of Object.entries(first.actors)) {
    if (pairs.some((p) => !p.a.actors[name] || !p.b.actors[name])) {
      notes.push(`actor ${name} is missing from some runs (not compared)`);
      continue;
    }
    for (const { metric, tolerance } of comparedMetrics(tolerances)) {
      const m = resolveMetric(metric, actor.kind);
      if (!m) continue;
      const read = (r: RunResult) => readMetric(r.actors[name]!, m);
      const av = pairs.map((p) => read(p.a));
      const bv = pairs.map((p) => read(p.b));
      const missing = [...av, ...bv].find((r) => 'missing' in r);
      if (missing && 'missing' in missing) {
        notes.push(`${name}.${metric}: not compared (${missing.missing})`);
        continue;
      }
      const values = (rs: typeof av) => rs.map((r) => (r as { value: number }).value);
      const baseline = centre(metric, values(av));
      const current = centre(metric, values(bv));
      const c: MetricComparison = {
        actor: name,
        metric,
        dimension: m.dimension,
        baseline,
        current,
        change: relativeChange(m, baseline, current),
        tolerance,
        beyondTolerance: false,
        status: 'not tested',
        regression: false,
      };
      comparisons.push(c);
      const measured = pairs.map((p) => ({ a: measure(p.a.actors[name]!, m, metric, cache), b: measure(p.b.actors[name]!, m, metric, cache) }));
      const bad = measured.flatMap((x, i) => [x.a, x.b].map((y, j) => ('why' in y ? `${j ? 'B' : 'A'} run ${i + 1}: ${y.why}` : ''))).find(Boolean);
      if (bad) {
        c.note = `not tested (${bad})`;
        continue;
      }
      const ok = measured as { a: Measured; b: Measured }[];
      // On the steady blocks (the warm-up left out), as the interval is.
      c.baseline = centre(metric, ok.map((x) => x.a.value));
      c.current = centre(metric, ok.map((x) => x.b.value));
      c.change = relativeChange(m, c.baseline, c.current);
      c.noise = { se: 0, df: 0, blocks: ok.flatMap((x) => [x.a.p.blocks, x.b.p.blocks]) };
      pending.push({ c, metric, estimate: (alpha) => pairedEstimate(metric, ok, alpha) });
    }
  }
  const ownLag = ownLagOf(pairs.map((p) => p.a), pairs.map((p) => p.b));
  return {
    file: label,
    baselineStartedAt: pairs[0]!.a.startedAt,
    test: 'block-bootstrap',
    method: `B against A over ${pairs.length} interleaved pair${pairs.length === 1 ? '' : 's'}: confidence interval of the mean paired change from a block bootstrap of each run${pairs.length > 1 ? ' and the spread between the pairs' : ''}; a regression when the interval lies wholly beyond the tolerance`,
    tolerances: formatTolerances(tolerances),
    baselineRuns: pairs.length,
    ...(ownLag ? { ownLag } : {}),
    ...summaryOf(pending, comparisons, ownLag && { lag: ownLag, reference: 'ab' }),
    notes,
  };
}
