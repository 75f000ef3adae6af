// The doctor's terminal report: one ranked table (worst first), then per finding its evidence, a
// one-line fix and the command that reproduces it. A pure function of the doctor's JSON; every
// text that came from the server (paths, titles, error codes) is made inert before it is printed.
import type { DoctorReport, EndpointReport } from '../doctor/report.js';
import { formatConcurrency, formatMs } from '../format.js';
import { paint, table, type TerminalOptions } from './terminal.js';

export const CATEGORY_LABEL: Record<EndpointReport['category'], string> = {
  'stalls-loop': 'STALLS THE EVENT LOOP',
  'pool-limited': 'POOL-LIMITED',
  serialized: 'SERIALIZED',
  failing: 'FAILING',
  inconclusive: 'inconclusive',
  'not-measured': 'not measured',
  healthy: 'healthy',
};

const COLOR: Record<EndpointReport['category'], number> = {
  'stalls-loop': 31, 'pool-limited': 31, serialized: 31, failing: 31, inconclusive: 33, 'not-measured': 33, healthy: 32,
};

/** Control characters escaped, length capped: a hostile document cannot move the cursor or flood the screen. */
export function inert(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

const msCell = (x: number | null | undefined) => (x === null || x === undefined ? '-' : formatMs(x));

export function loopCell(e: EndpointReport): string {
  if (!e.loopBlock) return '-';
  const b = e.loopBlock;
  if (b.status === 'detected') return `${formatMs(b.longestStallMs ?? b.probeMaxMs)} held`;
  return b.status === 'clear' ? `free (${formatMs(b.probeMaxMs)})` : `unsure (${formatMs(b.probeMaxMs)})`;
}

export function concurrencyCell(e: EndpointReport): string {
  const c = e.concurrency;
  if (!c) return e.stream ? `${e.stream.streams} streams` : '-';
  if (c.reason === 'too-fast') return 'too fast to tell';
  const C = c.effectiveConcurrency === null ? '?' : formatConcurrency(c.effectiveConcurrency);
  return `${C} of ${c.connections}${c.poolSizeEstimate !== null && e.category === 'pool-limited' ? ` (pool ${c.poolSizeEstimate})` : ''}`;
}

export function renderDoctor(r: DoctorReport, opts: TerminalOptions): string {
  const bold = (s: string) => paint(opts.color, 1, s);
  const out: string[] = [];
  const doc = r.openapi ? `${inert(r.openapi.title ?? 'OpenAPI')}${r.openapi.version ? ` ${inert(r.openapi.version, 40)}` : ''} (${inert(r.openapi.source)})` : 'the paths given';
  out.push(bold(`wobbly ${r.tool.version} · doctor · ${inert(r.target)}`));
  out.push(`${r.endpoints.length} endpoint${r.endpoints.length === 1 ? '' : 's'} from ${doc}; probe ${r.probe ? `${inert(r.probe.path)} (${formatMs(r.probe.serviceTimeMs)})` : 'none'}`);
  if (r.partial) out.push(paint(opts.color, 33, `PARTIAL: stopped before every measurement ran (${r.stoppedBy === 'target-down' ? 'the service stopped answering' : 'interrupted'})`));
  out.push('');
  const rows = r.endpoints.map((e) => [
    e.rank,
    `${e.method} ${inert(e.path, 60)}`,
    paint(opts.color, COLOR[e.category], CATEGORY_LABEL[e.category]),
    msCell(e.serviceTimeMs),
    loopCell(e),
    concurrencyCell(e),
  ]);
  out.push(table(['#', 'endpoint', 'finding', 'S unloaded', 'event loop', 'concurrency'], rows, ['right', 'left', 'left', 'right', 'left', 'left']));
  const findings = r.endpoints.filter((e) => e.category !== 'healthy');
  if (findings.length) out.push('');
  for (const e of findings) {
    out.push(`${e.rank}. ${e.method} ${inert(e.path, 100)}: ${CATEGORY_LABEL[e.category]}`);
    out.push(`   ${inert(e.evidence, 400)}`);
    if (e.fix !== '—') out.push(`   fix: ${e.fix}`);
    out.push(`   reproduce: ${inert(e.reproduce, 400)}`);
  }
  out.push('');
  out.push(`ran ${r.measurements} measurements (${r.requestsSent} requests) in ${formatMs(r.elapsedMs)} of a ${formatMs(r.budgetMs)} budget`);
  if (r.skipped.length) {
    out.push(`not called (${r.skipped.length}):`);
    for (const s of r.skipped.slice(0, 20)) out.push(`  ${s.method} ${inert(s.template, 100)}: ${inert(s.reason)}`);
    if (r.skipped.length > 20) out.push(`  … and ${r.skipped.length - 20} more (see the JSON)`);
  }
  return out.join('\n') + '\n';
}
