// The closed-model part of the terminal report: an ab-like summary per load actor and an
// N-vs-throughput table per sweep. Pure functions of the JSON result.
import type { ActorResult, LoadPhaseResult, RunResult } from '../result/types.js';
import { formatConcurrency, formatMs } from '../format.js';

const num = (x: number, digits: number) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const fmtC = (c: number | null) => (c === null ? '-' : formatConcurrency(c));
const fmtMsCell = (x: number | undefined) => (x === undefined ? '-' : x >= 1000 ? `${(x / 1000).toFixed(2)}s` : x >= 10 ? x.toFixed(0) : x.toFixed(1));

function failures(p: LoadPhaseResult): string {
  const reasons = Object.entries(p.failureReasons).map(([why, n]) => `${why} ×${n}`);
  return reasons.length ? `${p.failed} (${reasons.join(', ')})` : String(p.failed);
}

function serviceTime(p: LoadPhaseResult): string {
  const c = p.concurrency;
  if (c.serviceTimeMs === null) return 'unknown';
  return `${formatMs(c.serviceTimeMs)} unloaded (${c.serviceTimeSource === 'declared' ? 'declared' : 'calibrated, one request at a time'})`;
}

const OUTCOME: Record<LoadPhaseResult['concurrency']['outcome'], string> = {
  clear: 'clear',
  overhead: 'clear (overhead)',
  pool: 'POOL',
  serialized: 'SERIALIZED',
  inconclusive: 'inconclusive',
};

/** ab's summary, line by line, with wobbly's service time and effective concurrency. */
export function abBlock(name: string, a: ActorResult, p: LoadPhaseResult): string {
  const c = p.concurrency;
  const rows: [string, string][] = [
    ['Concurrency Level:', String(p.connections)],
    ['Time taken for tests:', `${num(p.timeTakenMs / 1000, 3)} seconds`],
    ['Complete requests:', String(p.complete)],
    ['Failed requests:', failures(p)],
  ];
  if (p.unfinished) rows.push(['Unfinished requests:', `${p.unfinished} (in flight when the run ended)`]);
  rows.push(
    ['Total transferred:', `${p.totalBytes} bytes (bodies ${p.bodyBytes})`],
    ['Requests per second:', `${num(p.requestsPerSec, 2)} [#/sec] (mean)`],
    ['Time per request:', `${num(p.timePerRequestMs, 3)} [ms] (mean)`],
    ['Time per request:', `${num(p.timePerRequestAllMs, 3)} [ms] (mean, across all concurrent requests)`],
    ['Transfer rate:', `${num(p.transferKBps, 2)} [Kbytes/sec] received`],
    ['Service time S:', serviceTime(p)],
  );
  if (c.effectiveConcurrency !== null) {
    rows.push(['Effective concurrency:', `${fmtC(c.effectiveConcurrency)} of ${p.connections} (steady-state ${num(c.throughputRps ?? 0, 2)} req/s × S) → ${OUTCOME[c.outcome]}`]);
  } else rows.push(['Effective concurrency:', `- → ${OUTCOME[c.outcome]}${c.reason ? ` (${c.reason})` : ''}`]);
  const out = [`${name}: ${a.request}, ${p.connections} connections (closed model, like ab -c ${p.connections})`];
  for (const [k, v] of rows) out.push(`  ${k.padEnd(23)}${v}`);
  const within = Object.entries(p.servedWithinMs);
  if (within.length) {
    out.push('  Percentage of the requests served within a certain time (ms, answered OK)');
    for (const [pct, ms] of within) out.push(`   ${`${pct}%`.padStart(4)}  ${fmtMsCell(ms).padStart(7)}${pct === '100' ? ' (longest request)' : ''}`);
  }
  return out.join('\n');
}

/** One row per step: N vs throughput, C, p50, p99; then the knee. */
export function sweepBlock(name: string, a: ActorResult): string {
  const s = a.sweep!;
  const S = s.steps.find((p) => p.concurrency.serviceTimeMs !== null)?.concurrency;
  const head = `${name}: ${a.request}, one step per connection count${S?.serviceTimeMs ? ` (S = ${formatMs(S.serviceTimeMs)} unloaded)` : ''}`;
  const rows = [['N', 'requests', 'failed', 'req/s', 'C', 'p50 ms', 'p99 ms', 'outcome']];
  for (const p of s.steps) {
    rows.push([
      String(p.connections),
      String(p.complete),
      String(p.failed),
      (p.concurrency.throughputRps ?? p.requestsPerSec).toFixed(1),
      fmtC(p.concurrency.effectiveConcurrency),
      fmtMsCell(p.servedWithinMs['50']),
      fmtMsCell(p.servedWithinMs['99']),
      OUTCOME[p.concurrency.outcome],
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => '  ' + r.map((cell, i) => (i === r.length - 1 ? cell : cell.padStart(widths[i]!))).join('  '));
  const tail = s.knee
    ? `  knee at N = ${s.knee.connections}: the server handles at most ~${fmtC(s.knee.limit)} requests at once (its concurrency limit)`
    : `  no knee: effective concurrency kept up with N up to ${Math.max(...s.steps.map((p) => p.connections))}`;
  const best = s.best ? `; best throughput ${s.best.throughputRps.toFixed(1)} req/s from N = ${s.best.connections}` : '';
  return [head, ...lines, tail + best].join('\n');
}

/** Every load and sweep actor's block, or '' when there are none. */
export function loadSections(r: RunResult): string {
  const blocks: string[] = [];
  for (const [name, a] of Object.entries(r.actors)) {
    if (a.load) blocks.push(abBlock(name, a, a.load));
    if (a.sweep?.steps.length) blocks.push(sweepBlock(name, a));
  }
  return blocks.join('\n\n');
}
