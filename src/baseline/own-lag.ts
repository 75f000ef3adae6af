// wobbly's own event-loop delay in a comparison (DESIGN.md §2, self-check). Every latency wobbly
// measures includes its own loop's delay when the answer came, so when this run's loop lagged more
// than the baseline's, up to that excess of a latency increase may be wobbly's, not the server's.
// A latency regression stands only if its interval still lies beyond the tolerance with that
// excess taken off its lower end; otherwise the comparison is inconclusive and says why. Measured
// on this 2-core machine beside busy test files: a server's unchanged 31 ms p50 read +35 %
// [10, 66] while wobbly's own p99 lag was 37 ms (4.6 ms in the baseline).
import type { BaselineComparison, MetricComparison } from './types.js';

/** The own lags compared: the mean of the baseline's runs (A's in an A/B), and of this run (B's). */
export type OwnLag = NonNullable<BaselineComparison['ownLag']>;

/** What this run is compared with: a baseline file, or A's runs in an A/B job. */
export type Reference = 'baseline' | 'ab';

interface WithSelf {
  self?: { eventLoopDelayP99Ms: number };
}

/**
 * The runs' own lags, when every run recorded one (results of older versions may not). Means: the
 * baseline's figure is the mean of its runs, and an A/B change the mean of its pairs' changes.
 */
export function ownLagOf(baseline: readonly WithSelf[], current: readonly WithSelf[]): OwnLag | undefined {
  const mean = (runs: readonly WithSelf[]) =>
    runs.length && runs.every((r) => typeof r.self?.eventLoopDelayP99Ms === 'number') ? runs.reduce((a, r) => a + r.self!.eventLoopDelayP99Ms, 0) / runs.length : undefined;
  const b = mean(baseline);
  const c = mean(current);
  return b === undefined || c === undefined ? undefined : { baselineP99Ms: Number(b.toFixed(2)), currentP99Ms: Number(c.toFixed(2)) };
}

/** How much more wobbly's own loop lagged in this run than in the baseline (ms, ≥ 0). */
export const excessMs = (lag: OwnLag): number => Math.max(0, lag.currentP99Ms - lag.baselineP99Ms);

/** A latency regression that no longer lies beyond the tolerance once the excess lag is taken off its interval. */
export function explainedByOwnLag(c: Pick<MetricComparison, 'dimension' | 'status' | 'interval' | 'baseline' | 'tolerance'>, lag: OwnLag | undefined): boolean {
  if (!lag || c.dimension !== 'duration' || c.status !== 'regression' || !c.interval || !(c.baseline > 0)) return false;
  const d = excessMs(lag);
  return d > 0 && c.interval[0] - d / c.baseline <= c.tolerance;
}

const ms = (x: number) => `${Number(x.toFixed(x >= 10 ? 0 : 1))} ms`;

export function ownLagNote(lag: OwnLag, reference: Reference): string {
  const [than, advice] = reference === 'ab' ? ["in A's runs", 'rerun on a quieter machine, or with more pairs'] : ['in the baseline', 'rerun on a quieter machine, or compare A/B in one job'];
  const thisRun = reference === 'ab' ? "in B's runs" : 'in this run';
  return (
    `wobbly's own event loop lagged more ${thisRun} (p99 ${ms(lag.currentP99Ms)}) than ${than} (${ms(lag.baselineP99Ms)}): ` +
    `the machine was busier, and up to ${ms(excessMs(lag))} of each latency may be wobbly's own delay, which accounts for the part of the change beyond the tolerance; ${advice}`
  );
}
