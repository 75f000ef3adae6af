// A hey-style latency histogram for the terminal report: ten equal-width buckets from the fastest
// to the slowest answer (counted at build time from the HDR histogram: the result's
// latencyHistogram), one bar per bucket.
import type { ActorResult, RunResult } from '../result/types.js';

const BAR_WIDTH = 40;

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(3)} s` : `${ms.toFixed(ms >= 100 ? 0 : ms >= 10 ? 1 : 2)} ms`);

function block(name: string, a: ActorResult): string {
  const buckets = a.latencyHistogram!;
  const answered = buckets.reduce((n, b) => n + b.count, 0);
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
  return Object.entries(r.actors)
    .filter(([, a]) => a.kind === 'load' && a.latencyHistogram?.length)
    .map(([name, a]) => block(name, a))
    .join('\n\n');
}
