// The terminal report: a pure function of the JSON result (so saved runs re-render the same).
import type { ActorResult, RunResult } from '../result/types.js';
import type { Verdict } from '../types.js';
import { formatMs } from '../format.js';
import { identityLines, streamLines } from './streams-text.js';
import { evidenceLinesOf } from '../verdicts/registry.js';
import { baselineBlock } from './baseline-text.js';
import { outcomeLine } from './outcome.js';
import { failedActorLine } from '../result/request-failures.js';
import { terminalText } from './escape.js';
import { paint, table } from './terminal-style.js';
import { loadSections } from './load-section.js';
import { latencyHistogramText } from './histogram-text.js';

export interface TerminalOptions {
  color: boolean;
  /** Terminal width for wrapping long sentences. */
  width?: number;
}

const STATUS_LABEL: Record<Verdict['status'], string> = { detected: 'DETECTED', clear: 'clear', inconclusive: 'INCONCLUSIVE' };

function ms(x: number): string {
  return x >= 1000 ? `${(x / 1000).toFixed(2)}s` : x >= 10 ? x.toFixed(0) : x.toFixed(1);
}

function failureText(a: ActorResult): string {
  const parts: string[] = [];
  for (const [code, n] of Object.entries(a.summary.statusCodes)) if (Number(code) >= 400) parts.push(`HTTP ${code} ×${n}`);
  for (const [err, n] of Object.entries(a.summary.errors)) parts.push(`${terminalText(err)} ×${n}`);
  return parts.join(', ');
}

function actorsTable(r: RunResult): string {
  const rows = Object.entries(r.actors).map(([name, a]) => {
    const l = a.summary.latencyMs;
    // No successful answer: no latency to show (0 would read as "instant").
    const lat = (x: number) => (a.summary.requests > a.summary.failures ? ms(x) : '-');
    return [name, a.kind, a.request, a.summary.requests, a.summary.failures, a.summary.rps.toFixed(1), lat(l.p50), lat(l.p90), lat(l.p99), lat(l.max)];
  });
  const out = [table(['actor', 'kind', 'request', 'sent', 'failed', 'ok/s', 'p50 ms', 'p90', 'p99', 'max'], rows, ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'])];
  for (const [name, a] of Object.entries(r.actors)) {
    const f = failureText(a);
    if (f) out.push(`  ${name} failures: ${f}`);
    if (a.summary.unfinished) out.push(`  ${name}: ${a.summary.unfinished} still in flight when the run ended (not counted)`);
    if (a.probe?.missed) out.push(`  ${name}: ${a.probe.missed} probes missed (more than the in-flight cap were waiting)`);
    out.push(...streamLines(name, a));
  }
  return out.join('\n');
}

function bar(count: number, max: number, width = 20): string {
  if (max <= 0) return '';
  const n = Math.round((count / max) * width);
  return count > 0 && n === 0 ? '▏' : '█'.repeat(n);
}

function timelineTable(r: RunResult): string {
  const series = Object.entries(r.actors).filter(([, a]) => a.kind !== 'request');
  if (!series.length) return '';
  const events = Object.entries(r.actors).filter(([, a]) => a.kind === 'request');
  const buckets = Math.max(...series.map(([, a]) => a.timeline.length));
  const head = ['t'];
  for (const [name, a] of series) head.push(`${name} ${a.kind === 'stream' ? 'events' : 'ok'}/bucket`, '', 'p50 ms', 'max ms', ...(a.summary.failures ? ['failed'] : []));
  if (events.length) head.push('in flight');
  const maxCount = new Map(series.map(([name, a]) => [name, Math.max(0, ...a.timeline.map((b) => b.count))]));
  const rows: (string | number)[][] = [];
  for (let i = 0; i < buckets; i++) {
    const t = series[0]![1].timeline[i]?.t ?? (i * r.bucketMs) / 1000;
    const row: (string | number)[] = [`${t}s`];
    for (const [name, a] of series) {
      const b = a.timeline[i];
      row.push(b?.count ?? 0, bar(b?.count ?? 0, maxCount.get(name) ?? 0), b?.count ? ms(b.p50) : '-', b?.count ? ms(b.max) : '-');
      if (a.summary.failures) row.push(b?.failures ?? 0);
    }
    if (events.length) {
      const from = i * r.bucketMs;
      const to = from + r.bucketMs;
      const names = events.filter(([, a]) => a.requests?.some((q) => q.sentMs < to && q.endMs >= from)).map(([n]) => n);
      row.push(names.join(', '));
    }
    rows.push(row);
  }
  const align = head.map((h, i) => (i === 0 || h === '' || h === 'in flight' ? 'left' : 'right')) as ('left' | 'right')[];
  return table(head, rows, align);
}

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width - indent.length) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : indent + l)).join('\n');
}

/**
 * The verdict's rule says which lines; a verdict of another wobbly version gets its plain fields.
 * Escaped here, for every rule at once: the lines hold server values (identities, pids) and a
 * result read back from a file is untrusted.
 */
function evidenceText(v: Verdict): string[] {
  const lines =
    evidenceLinesOf(v) ??
    Object.entries(v.evidence)
      .filter(([, x]) => typeof x !== 'object')
      .map(([k, x]) => `${k}: ${String(x)}`);
  return lines.map((l) => terminalText(l));
}

export function verdictBlock(verdicts: Verdict[], opts: TerminalOptions): string {
  const width = opts.width ?? 100;
  const out: string[] = [];
  for (const v of verdicts) {
    const color = v.status === 'detected' ? 31 : v.status === 'inconclusive' ? 33 : 32;
    // 'INCONCLUSIVE' is 12 letters: one column more, so that a space always follows it.
    const label = paint(opts.color, color, STATUS_LABEL[v.status].padEnd(13));
    const indent = ' '.repeat(15);
    out.push(`  ${label}${terminalText(v.id)}`);
    out.push(`${indent}${wrap(terminalText(v.summary), width, indent)}`);
    if (v.status !== 'clear') {
      for (const line of evidenceText(v)) out.push(`${indent}· ${line}`);
      out.push(`${indent}${wrap(`Hint: ${terminalText(v.hint)}`, width, indent)}`);
    }
  }
  return out.join('\n');
}

export function renderTerminal(r: RunResult, opts: TerminalOptions): string {
  const bold = (s: string) => paint(opts.color, 1, s);
  const parts: string[] = [];
  parts.push(bold(`wobbly ${r.tool.version} · ${r.scenario.name} · ${r.target}`));
  if (r.scenario.description) parts.push(r.scenario.description);
  const params = Object.entries(r.scenario.params).map(([k, v]) => `${k}=${v}`).join(' ');
  parts.push(
    `ran ${formatMs(r.durationMs)} from ${r.startedAt}${params ? ` · params ${params}` : ''} · wobbly's own loop delay p99 ${formatMs(r.self.eventLoopDelayP99Ms)}`,
  );
  if (r.server) {
    parts.push(`server: \`${r.server.command}\` (pid ${r.server.pid ?? '?'}), started and stopped by wobbly`);
    const x = r.server.exitedDuringRun;
    if (x) parts.push(paint(opts.color, 33, `THE SERVER EXITED DURING THE RUN (${x.signal ? `signal ${x.signal}` : `exit code ${x.code}`}); its last output:\n${(r.server.logTail ?? []).map((l) => `  | ${terminalText(l)}`).join('\n')}`));
  }
  if (r.partial) {
    const why = r.stoppedBy === 'target-down' ? `the target stopped answering (${r.targetDown?.error}) at ${formatMs(r.targetDown?.atMs ?? 0)}` : 'interrupted';
    parts.push(paint(opts.color, 33, `PARTIAL RESULT: ${why}`));
  }
  for (const f of r.failedActors ?? []) parts.push(paint(opts.color, f.explainedBy ? 33 : 31, `REQUESTS FAILED: ${failedActorLine(f)}`));
  parts.push('', bold('Summary'), actorsTable(r));
  const ids = identityLines(r);
  if (ids.length) parts.push('', bold('Identities (who answered: share of the responses, or of a stream actor\'s events)'), ...ids);
  const loads = loadSections(r);
  if (loads) parts.push('', bold('Closed-model load (ab-like)'), loads);
  const histogram = latencyHistogramText(r);
  if (histogram) parts.push('', bold('Latency histogram'), histogram);
  const tl = timelineTable(r);
  if (tl) parts.push('', bold(`Timeline (${r.bucketMs === 1000 ? 'per second' : `per ${formatMs(r.bucketMs)}`}; latency counted from the scheduled send time)`), tl);
  if (r.verdicts.length) parts.push('', bold('Verdicts'), verdictBlock(r.verdicts, opts));
  if (r.expectations.length) {
    parts.push('', bold('Expectations'));
    for (const e of r.expectations) parts.push(`  ${paint(opts.color, e.pass ? 32 : 31, e.pass ? 'pass' : 'FAIL')}  ${e.expr}  (actual ${e.actual})`);
  }
  if (r.baseline) parts.push('', bold('Baseline'), baselineBlock(r.baseline, opts.color));
  if (r.expectations.length || r.baseline || r.failOn) parts.push('', paint(opts.color, r.pass ? 32 : 31, outcomeLine(r)));
  return parts.join('\n') + '\n';
}
// Kept for callers that took them from here.
export { paint, table } from './terminal-style.js';
