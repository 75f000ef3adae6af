// The doctor's page: the ranked table (worst first) with a sparkline per measurement: the probe's
// latency beside one call (a stall is a spike) and the first wave of a load (a pool is a staircase).
// Pure: the doctor's JSON in, HTML out; every server text escaped.
import type { DoctorReport, EndpointReport } from '../../doctor/report.js';
import { CATEGORY_LABEL, concurrencyCell, loopCell } from '../doctor-table.js';
import { formatMs } from '../../format.js';
import { escapeHtml as esc } from './escape.js';
import { STATUS_COLOR } from './palette.js';

const SEVERITY: Record<EndpointReport['category'], 'detected' | 'inconclusive' | 'clear'> = {
  'stalls-loop': 'detected', 'pool-limited': 'detected', serialized: 'detected', failing: 'detected',
  inconclusive: 'inconclusive', 'not-measured': 'inconclusive', healthy: 'clear',
};

const n1 = (x: number) => (Math.round(x * 10) / 10).toString();

/**
 * A sparkline: the answered values as a line from 0 to the largest, the unanswered as red ticks at
 * the top. Marked up like the charts (g.series with data-points) so the browser tests count it.
 */
export function sparkline(kind: string, label: string, values: (number | null)[]): string {
  const W = 150;
  const H = 34;
  const pad = 3;
  const answered = values.flatMap((v, i) => (v === null ? [] : [[i, v] as const]));
  const missing = values.flatMap((v, i) => (v === null ? [i] : []));
  const max = Math.max(1, ...answered.map(([, v]) => v));
  const x = (i: number) => pad + (values.length > 1 ? (i / (values.length - 1)) * (W - 2 * pad) : (W - 2 * pad) / 2);
  const y = (v: number) => H - pad - (v / max) * (H - 2 * pad);
  const line = answered.map(([i, v]) => `${n1(x(i))},${n1(y(v))}`).join(' ');
  const ticks = missing.map((i) => `<rect class="mark" x="${n1(x(i) - 1)}" y="0" width="2" height="6" fill="${STATUS_COLOR.detected}"/>`).join('');
  const finite = answered.map(([, v]) => v);
  const tip = `${label}: ${values.length} values${finite.length ? `, ${formatMs(Math.min(...finite))} to ${formatMs(Math.max(...finite))}` : ''}${missing.length ? `, ${missing.length} without an answer` : ''}`;
  return `<svg class="spark" data-spark="${esc(kind)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(tip)}"><title>${esc(tip)}</title>` +
    `<g class="series" data-series="${esc(label)}" data-kind="line" data-points="${answered.length}"><polyline fill="none" stroke="#0072B2" stroke-width="1.5" points="${line}"/></g>` +
    `<g class="series" data-series="no answer" data-kind="ticks" data-points="${missing.length}">${ticks}</g></svg>`;
}

function endpointRow(e: EndpointReport): string {
  const severity = SEVERITY[e.category];
  const loopSpark = e.loopBlock?.probeTraceMs?.length ? sparkline('probe', 'probe latency (ms) beside one call', e.loopBlock.probeTraceMs) : '';
  const waveSpark = e.concurrency?.firstWaveMs?.length ? sparkline('first-wave', 'first answers (ms), ascending', e.concurrency.firstWaveMs) : '';
  const template = e.template !== e.path ? `<div class="muted">${esc(e.template)}</div>` : '';
  const notes = e.notes.length ? `<details><summary>${e.notes.length} note${e.notes.length > 1 ? 's' : ''}</summary><ul>${e.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></details>` : '';
  const fix = e.fix !== '—' ? `<p class="hint"><b>Fix.</b> ${esc(e.fix)}</p>` : '';
  return `<tr class="endpoint ${severity}" data-rank="${e.rank}" data-category="${esc(e.category)}">` +
    `<td>${e.rank}</td>` +
    `<td><code>${esc(e.method)} ${esc(e.path)}</code>${template}</td>` +
    `<td><span class="finding ${severity}">${esc(CATEGORY_LABEL[e.category])}</span></td>` +
    `<td>${e.serviceTimeMs === null ? '-' : esc(formatMs(e.serviceTimeMs))}</td>` +
    `<td>${esc(loopCell(e))}${loopSpark}</td>` +
    `<td>${esc(concurrencyCell(e))}${waveSpark}</td>` +
    `<td class="what"><p>${esc(e.evidence)}</p>${fix}<p class="reproduce"><code>${esc(e.reproduce)}</code></p>${notes}</td></tr>`;
}

/** The body of the doctor's page: what was measured, the ranked table, what was not called. */
export function doctorBody(r: DoctorReport): string {
  const doc = r.openapi ? `${r.openapi.title ?? 'OpenAPI'}${r.openapi.version ? ` ${r.openapi.version}` : ''} (${r.openapi.source})` : 'the paths given';
  const counts = Object.entries(
    r.endpoints.reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.category]: (acc[e.category] ?? 0) + 1 }), {}),
  ).map(([c, n]) => `<span class="dot ${SEVERITY[c as EndpointReport['category']]}">${n} ${esc(CATEGORY_LABEL[c as EndpointReport['category']])}</span>`);
  const parts: string[] = [];
  parts.push(`<section class="run doctor" id="doctor"><h2>${r.endpoints.length} endpoint${r.endpoints.length === 1 ? '' : 's'}, worst first</h2>`);
  parts.push(`<p class="meta">target <code>${esc(r.target)}</code> · from ${esc(doc)} · probe ${r.probe ? `<code>${esc(r.probe.path)}</code> (${esc(formatMs(r.probe.serviceTimeMs))})` : 'none'} · ${r.measurements} measurements, ${r.requestsSent} requests in ${esc(formatMs(r.elapsedMs))} of a ${esc(formatMs(r.budgetMs))} budget · started ${esc(r.startedAt)} · wobbly ${esc(r.tool.version)}</p>`);
  if (r.partial) parts.push(`<p class="warn">Partial: stopped before every measurement ran (${r.stoppedBy === 'target-down' ? 'the service stopped answering' : 'interrupted'}).</p>`);
  parts.push(`<p>${counts.join(' ')}</p>`);
  parts.push('<table class="summary doctor-table"><thead><tr><th>#</th><th>endpoint</th><th>finding</th><th>S unloaded</th><th>event loop</th><th>concurrency</th><th>evidence, fix, reproduce</th></tr></thead><tbody>');
  parts.push(r.endpoints.map(endpointRow).join('\n'));
  parts.push('</tbody></table>');
  parts.push('<p class="caption">Sparklines: the probe\'s latency of each request while one call ran (a stall is a spike; red ticks: no answer), and the answer time of each connection\'s first request under load (ascending: a pool answers in steps).</p>');
  if (r.skipped.length) {
    // A few are shown open: why an endpoint was left out is part of the answer.
    parts.push(`<details class="run-details"${r.skipped.length <= 10 ? ' open' : ''}><summary>Not called (${r.skipped.length})</summary><ul>${r.skipped.map((s) => `<li><code>${esc(s.method)} ${esc(s.template)}</code>: ${esc(s.reason)}</li>`).join('')}</ul></details>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}
