// The terminal's Baseline block: each compared metric with both values, the change, the noise
// test's p-value, and a sentence per regression.
import { formatChange, formatP, type BaselineComparison, type MetricComparison } from '../baseline/compare.js';
import { formatValue } from '../expect/metrics.js';
import { comparisonMessage, toleranceText } from './outcome.js';
import { paint, table } from './terminal-style.js';

export function comparisonStatus(c: MetricComparison): string {
  if (c.regression) return 'REGRESSION';
  if (c.beyondTolerance) return c.test ? 'worse, but could be noise' : 'worse, not tested';
  return c.test ? 'ok' : 'ok, not tested';
}

export function baselineBlock(b: BaselineComparison, color: boolean): string {
  const head = `against ${b.file} (run ${b.baselineStartedAt}); tolerances: ${b.tolerances}`;
  const how = `${b.method}; α = ${b.alpha} over ${Math.round(b.alpha / b.alphaPerTest)} test(s) (Bonferroni) = ${formatP(b.alphaPerTest)} each`;
  const rows = b.comparisons.map((c) => {
    const v = (x: number) => formatValue(x, c.dimension);
    const status = comparisonStatus(c);
    return [c.actor, c.metric, v(c.baseline), v(c.current), formatChange(c), toleranceText(c), c.test ? formatP(c.test.p) : '-', paint(color, c.regression ? 31 : 32, status)];
  });
  const out = [head, how];
  if (rows.length) out.push(table(['actor', 'metric', 'baseline', 'now', 'change', 'tolerance', 'p', ''], rows, ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left']));
  for (const c of b.comparisons.filter((x) => x.regression)) out.push(paint(color, 31, `REGRESSION ${comparisonMessage(c, b)}`));
  for (const c of b.comparisons.filter((x) => !x.regression && x.note)) out.push(`  ${c.actor}.${c.metric}: ${c.note}`);
  for (const n of b.notes) out.push(`  note: ${n}`);
  return out.join('\n');
}
