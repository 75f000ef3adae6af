// Terminal text for streams and identities: the identity distributions and a stream actor's lines
// under the summary (the verdicts' evidence lines are their rules', in src/verdicts/).
// Pure functions of the JSON result, like the rest of the terminal report.
import type { ActorResult, RunResult } from '../result/types.js';
import { formatMs } from '../format.js';

const MAX_VALUES = 6;

const pct = (n: number, total: number) => `${Math.round((100 * n) / total)}%`;

/** "pid 12832: 51%, pid 12831: 49%" per actor and field; the most frequent values first. */
export function identityLines(r: RunResult): string[] {
  const rows: [string, string][] = [];
  for (const [name, a] of Object.entries(r.actors)) {
    for (const [field, counts] of Object.entries(a.identities)) {
      const entries = Object.entries(counts).sort((x, y) => y[1] - x[1]);
      const total = entries.reduce((s, [, n]) => s + n, 0);
      if (!total) continue;
      const shown = entries.slice(0, MAX_VALUES).map(([v, n]) => `${field} ${v}: ${pct(n, total)}`);
      const rest = entries.slice(MAX_VALUES);
      if (rest.length) shown.push(`${rest.length} more: ${pct(rest.reduce((s, [, n]) => s + n, 0), total)}`);
      rows.push([name, `${shown.join(', ')}  (of ${total}; ${entries.length} distinct)`]);
    }
  }
  const width = Math.max(0, ...rows.map(([n]) => n.length));
  return rows.map(([n, text]) => `  ${n.padEnd(width)}  ${text}`);
}

const counts = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');

/** A stream actor's lines under the summary table. */
export function streamLines(name: string, a: ActorResult): string[] {
  const s = a.stream;
  if (!s) return [];
  const ends = [`${s.complete} complete`, `${s.endedEarly} ended early`, `${s.failed} failed`, `${s.open} still open at the end`];
  const lines = [
    `  ${name}: ${s.streams} streams (${s.format === 'sse' ? 'SSE' : 'lines'}, up to ${s.maxOpen} open at once): ${ends.join(', ')}; ` +
      `${s.stalled} stalled (no event for over ${formatMs(s.stallGapMs)}; longest silence ${formatMs(s.longestSilenceMs)})`,
    `  ${name}: ${s.events} events (${s.eventsPerSec}/s, ${s.eventsPerStream.min}–${s.eventsPerStream.max} per stream${s.expectedEvents !== undefined ? `, ${s.expectedEvents} expected` : ''}); ` +
      `first event after p50 ${formatMs(s.firstEventMs.p50)} (max ${formatMs(s.firstEventMs.max)}); gap p50 ${formatMs(s.gapMs.p50)}, p99 ${formatMs(s.gapMs.p99)}, max ${formatMs(s.gapMs.max)}`,
  ];
  if (s.endedEarly) lines.push(`  ${name}: ended early: ${counts(s.endedEarlyBy)}`);
  if (s.failed) lines.push(`  ${name}: failed: ${counts(s.failedBy)}`);
  return lines;
}
