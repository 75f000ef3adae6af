// Terminal text for streams and identities: the identity distributions, a stream actor's lines
// under the summary, and the evidence of the thread-hopping and head-of-line verdicts.
// Pure functions of the JSON result, like the rest of the terminal report.
import { terminalText } from './escape.js';
import type { ActorResult, RunResult } from '../result/types.js';
import { formatMs } from '../scenario/units.js';

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
      const shown = entries.slice(0, MAX_VALUES).map(([v, n]) => `${terminalText(field)} ${terminalText(v)}: ${pct(n, total)}`); // values came from the server
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

interface Group {
  requests: number;
  delayed: number;
  maxDelayMs: number;
}

const groupText = (g: Group) => `${g.delayed}/${g.requests} delayed${g.delayed ? ` (max ${formatMs(g.maxDelayMs)})` : ''}`;

export function threadHoppingEvidence(e: Record<string, unknown>): string[] {
  const dist = Object.entries((e.distinctPerStream as Record<string, number>) ?? {})
    .map(([d, n]) => `${d} → ${n} stream${n === 1 ? '' : 's'}`)
    .join(', ');
  const lines = [`${e.field} values per stream: ${dist}; ${e.switches} switches (at most ${e.maxSwitchesPerStream} in one stream)`];
  for (const x of (e.examples as { stream: number; values: string[] }[]) ?? []) lines.push(`stream #${x.stream + 1}: ${runs(x.values)}${x.values.length >= 12 ? ' …' : ''}`);
  return lines;
}

/** "a ×3 → b → a": the values in order, repeats folded. */
function runs(values: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j < values.length && values[j] === values[i]) j++;
    out.push(j - i > 1 ? `${values[i]} ×${j - i}` : values[i]!);
    i = j;
  }
  return out.join(' → ');
}

export function headOfLineEvidence(e: Record<string, unknown>): string[] {
  const lines: string[] = [];
  for (const w of (e.slow as { actor: string; request: string; sentMs: number; endMs: number; identity?: string }[]) ?? []) {
    lines.push(`slow: ${w.request} (${w.actor}) ${formatMs(w.sentMs)} → ${formatMs(w.endMs)}${w.identity !== undefined ? `, ${e.field} ${w.identity}` : ''}`);
  }
  const byId = Object.entries((e.byIdentity as Record<string, Group>) ?? {});
  if (e.field && byId.length) lines.push(`by ${e.field}: ${byId.map(([id, g]) => `${id} ${groupText(g)}`).join(' · ')}`);
  const conn = (e.byConnection as Record<string, Group>) ?? {};
  const used = Object.entries(conn).filter(([, g]) => g.requests > 0);
  if (used.length) lines.push(`by connection: ${used.map(([k, g]) => `${k} ${groupText(g)}`).join(' · ')}`);
  const probes = Object.entries((e.byProbe as Record<string, Group & { thresholdMs: number }>) ?? {});
  if (probes.length > 1) lines.push(`by probe: ${probes.map(([k, g]) => `${k} ${groupText(g)}`).join(' · ')}`);
  lines.push(`delayed = over ${probes.map(([, g]) => formatMs(g.thresholdMs)).join(' / ')} from the due time; wobbly's own lag meanwhile ${formatMs(e.selfLagMs as number)}`);
  return lines;
}
