// How a baseline comparison's figures are written ("+12.3%", "[+4.1%, +20.0%]", a p-value): a
// module of its own so that reporters do not load the comparison (and its HDR histograms).
import type { MetricComparison } from './types.js';

export function formatChange(c: Pick<MetricComparison, 'change' | 'dimension'>): string {
  if (!Number.isFinite(c.change)) return c.change > 0 ? '+∞' : '-∞';
  if (c.dimension === 'ratio') return `${c.change >= 0 ? '+' : ''}${Number((c.change * 100).toFixed(2))} pts`;
  return `${c.change >= 0 ? '+' : ''}${(c.change * 100).toFixed(1)}%`;
}

/** "[+41.2%, +58.0%]" */
export function formatInterval(c: Pick<MetricComparison, 'interval' | 'dimension'>): string {
  if (!c.interval) return '–';
  return `[${formatChange({ change: c.interval[0], dimension: c.dimension })}, ${formatChange({ change: c.interval[1], dimension: c.dimension })}]`;
}

export function formatP(p: number): string {
  return p >= 0.001 ? String(Number(p.toPrecision(3))) : p.toExponential(1);
}
