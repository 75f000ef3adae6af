// The terminal's Baseline block: each compared metric with both values, the change and its
// confidence interval, the smallest change the comparison could have detected, and a sentence
// per regression.
import { formatChange, formatInterval } from '../baseline/format.js';
import type { BaselineComparison, MetricComparison } from '../baseline/types.js';
import { formatValue } from '../expect/metrics.js';
import { comparisonMessage, confidenceText, toleranceText } from './outcome.js';
import { paint, table } from './terminal-style.js';

export function comparisonStatus(c: MetricComparison): string {
  if (c.status === 'regression') return 'REGRESSION';
  if (c.status === 'inconclusive') return 'cannot tell';
  return c.status === 'ok' ? 'ok' : 'not tested';
}

export function detectableText(c: MetricComparison): string {
  return c.detectable === undefined ? '-' : formatChange({ change: c.detectable, dimension: c.dimension });
}

export function baselineHow(b: BaselineComparison): string {
  const runs = b.baselineRuns > 1 ? `; ${b.baselineRuns} baseline runs` : '';
  return `${b.method}; ${confidenceText(b)} intervals (α = ${b.alpha} shared by ${Math.round(b.alpha / b.alphaPerTest)} metric(s))${runs}`;
}

export function baselineBlock(b: BaselineComparison, color: boolean): string {
  const head = `against ${b.file} (run ${b.baselineStartedAt}); tolerances: ${b.tolerances}`;
  const rows = b.comparisons.map((c) => {
    const v = (x: number) => formatValue(x, c.dimension);
    const status = comparisonStatus(c);
    return [c.actor, c.metric, v(c.baseline), v(c.current), formatChange(c), formatInterval(c), toleranceText(c), detectableText(c), paint(color, c.regression ? 31 : c.status === 'inconclusive' ? 33 : 32, status)];
  });
  const out = [head, baselineHow(b)];
  if (rows.length) {
    out.push(table(['actor', 'metric', 'baseline', 'now', 'change', 'interval', 'tolerance', 'detectable', ''], rows, ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left']));
  }
  for (const c of b.comparisons.filter((x) => x.regression)) out.push(paint(color, 31, `REGRESSION ${comparisonMessage(c, b)}`));
  for (const c of b.comparisons.filter((x) => !x.regression && x.note)) out.push(`  ${c.actor}.${c.metric}: ${c.note}`);
  for (const n of b.notes) out.push(`  note: ${n}`);
  return out.join('\n');
}
