// A hey-style latency histogram for the terminal report: ten equal-width buckets from the fastest
// to the slowest answer, a bar per bucket. Counts come from the result's percentile distribution
// (HDR, ~68 points), interpolated between points, so they are close, not exact, inside a bucket.
import type { ActorResult, PercentilePoint, RunResult } from '../result/types.js';

export const HISTOGRAM_BUCKETS = 10;
const BAR_WIDTH = 40;

/** Share of the answers at or below `ms` (0..1), read off the percentile curve. */
export function shareAtOrBelow(points: readonly PercentilePoint[], ms: number): number {
  if (!points.length || ms < points[0]!.ms) return 0;
  let share = 0; // the last point at or below ms (100 % past the max)
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p.ms <= ms) {
      share = p.percentile / 100;
      continue;
    }
    const prev = points[i - 1]!;
    // Linear between the last point at or below ms and the first above it.
    return prev.percentile / 100 + ((ms - prev.ms) / (p.ms - prev.ms)) * ((p.percentile - prev.percentile) / 100);
  }
  return share;
}

export interface HistogramBucket {
  /** Upper edge (ms), like hey's marks. */
  upToMs: number;
  count: number;
}

/** Ten buckets from min to max; the counts add up to `answered`. */
export function latencyBuckets(points: readonly PercentilePoint[], minMs: number, maxMs: number, answered: number): HistogramBucket[] {
  if (!answered || !points.length) return [];
  const width = (maxMs - minMs) / HISTOGRAM_BUCKETS;
  if (!(width > 0)) return [{ upToMs: maxMs, count: answered }];
  const out: HistogramBucket[] = [];
  let below = 0;
  for (let i = 1; i <= HISTOGRAM_BUCKETS; i++) {
    const edge = i === HISTOGRAM_BUCKETS ? maxMs : minMs + i * width;
    const upTo = i === HISTOGRAM_BUCKETS ? answered : Math.round(shareAtOrBelow(points, edge) * answered);
    out.push({ upToMs: edge, count: Math.max(0, upTo - below) });
    below = Math.max(below, upTo);
  }
  return out;
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(3)} s` : `${ms.toFixed(ms >= 100 ? 0 : ms >= 10 ? 1 : 2)} ms`);

function block(name: string, a: ActorResult): string {
  const answered = a.summary.requests - a.summary.failures;
  const buckets = latencyBuckets(a.latencyDistribution!, a.summary.latencyMs.min, a.summary.latencyMs.max, answered);
  const top = Math.max(...buckets.map((b) => b.count));
  const labels = buckets.map((b) => fmt(b.upToMs));
  const lw = Math.max(...labels.map((l) => l.length));
  const cw = Math.max(...buckets.map((b) => String(b.count).length));
  const lines = [`  ${name}: ${a.request}, ${answered} answered OK (latency up to each mark)`];
  buckets.forEach((b, i) => {
    const n = top ? Math.round((b.count / top) * BAR_WIDTH) : 0;
    lines.push(`  ${labels[i]!.padStart(lw)} [${String(b.count).padStart(cw)}] |${'■'.repeat(b.count > 0 && n === 0 ? 1 : n)}`);
  });
  return lines.join('\n');
}

/** The histogram of every load actor with answers, or '' (the terminal report adds it under the load). */
export function latencyHistogramText(r: RunResult): string {
  const blocks = Object.entries(r.actors)
    .filter(([, a]) => a.kind === 'load' && a.latencyDistribution?.length && a.summary.requests > a.summary.failures)
    .map(([name, a]) => block(name, a));
  return blocks.join('\n\n');
}
