// What a baseline comparison reports, per metric and in all: the types results and reports carry.
// A leaf (imports no other module's values or types but a leaf's), so result/types.ts can hold a
// comparison without importing the comparison's code.
import type { Dimension } from '../expect/dimension.js';

/** regression: interval wholly beyond the tolerance; inconclusive: it reaches beyond it; ok: it does not. */
export type ComparisonStatus = 'regression' | 'inconclusive' | 'ok';

export interface MetricComparison {
  actor: string;
  metric: string;
  dimension: Dimension;
  baseline: number;
  current: number;
  /** Relative change (0.12 = +12%); for errorRate the difference (0.01 = +1 percentage point). */
  change: number;
  tolerance: number;
  /** The change itself is worse than the tolerance (the interval may still include it). */
  beyondTolerance: boolean;
  /** Confidence interval of the change, in the units of change (confidence: the comparison's). */
  interval?: [number, number];
  /** The smallest worsening this comparison could have declared a regression (as wide as it was). */
  detectable?: number;
  /** regression: interval wholly beyond the tolerance; inconclusive: it reaches beyond it; ok: it does not. */
  status: ComparisonStatus | 'not tested';
  /** How the interval was made: its standard error and degrees of freedom on the scale compared (log ratio; difference for errorRate). */
  noise?: { se: number; df: number; blocks: number[]; betweenRuns?: number };
  regression: boolean;
  note?: string;
}

export interface BaselineComparison {
  file: string;
  baselineStartedAt: string;
  test: 'block-bootstrap';
  /** In words, for reports. */
  method: string;
  tolerances: string;
  alpha: number;
  /** α divided by the number of metrics compared (Bonferroni), one-sided. */
  alphaPerTest: number;
  /** Of the two-sided intervals shown: 1 − 2·alphaPerTest. */
  confidence: number;
  /** Runs in the baseline (K with --repeat K), or pairs in an A/B comparison. */
  baselineRuns: number;
  /** wobbly's own event-loop delay p99 (ms), the mean of the baseline's runs (A's) and of this run's (B's): more in this run can explain a latency increase (src/baseline/own-lag.ts). */
  ownLag?: { baselineP99Ms: number; currentP99Ms: number };
  comparisons: MetricComparison[];
  notes: string[];
  regressions: number;
  inconclusive: number;
  pass: boolean;
}
