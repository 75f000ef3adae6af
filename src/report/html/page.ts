// The HTML report: one self-contained page (inline CSS, SVG charts, no script, no request when
// opened). Verdict cards on top, then per actor its timelines, the percentile plot, the first
// wave, the sweep's knee, streams as swimlanes, head-of-line groups; or the compare matrix.
import type { ActorResult, RunResult } from '../../result/types.js';
import type { Verdict } from '../../types.js';
import { escapeHtml as esc } from './escape.js';
import type { CompareReport, HtmlInput } from './input.js';
import { STYLE } from './style.js';
import { doctorBody } from './doctor.js';
import { SVG_DEFS } from './svg.js';
import { idColours, histogramChart, bucketLatencyChart, compareCharts, distributionChart, firstWaveChart, headOfLineCharts, lanesChart, rateChart, requestsChart, sweepCharts } from './charts.js';

const fmtMs = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${+v.toFixed(v >= 10 ? 0 : 2)} ms`);
const STATUS_LABEL: Record<Verdict['status'], string> = { detected: 'DETECTED', clear: 'clear', inconclusive: 'INCONCLUSIVE' };

function evidenceList(e: Record<string, unknown>): string {
  const flat = Object.entries(e).filter(([, v]) => v === null || typeof v !== 'object');
  const items = flat.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v === null ? '-' : String(v))}</dd></div>`).join('');
  return `${items ? `<dl class="evidence">${items}</dl>` : ''}<details><summary>all evidence (JSON)</summary><pre>${esc(JSON.stringify(e, null, 2))}</pre></details>`;
}

export function verdictCards(verdicts: Verdict[]): string {
  if (!verdicts.length) return '<p class="muted">No verdicts: this scenario has no actor a verdict judges.</p>';
  const cards = verdicts.map(
    (v) => `<article class="card ${esc(v.status)}" data-verdict="${esc(v.id)}" data-status="${esc(v.status)}">
<header><span class="badge">${STATUS_LABEL[v.status] ?? esc(v.status)}</span><h3>${esc(v.id)}</h3></header>
<p class="sentence">${esc(v.summary)}</p>
${v.status === 'clear' ? '' : evidenceList(v.evidence)}
${v.status === 'clear' ? '' : `<p class="hint"><b>Hint.</b> ${esc(v.hint)}</p>`}
</article>`,
  );
  return `<div class="cards">${cards.join('\n')}</div>`;
}

function actorTable(r: RunResult): string {
  const rows = Object.entries(r.actors).map(([name, a]) => {
    const l = a.summary.latencyMs;
    const answered = a.summary.requests > a.summary.failures;
    const lat = (x: number) => (answered ? fmtMs(x) : '-');
    return `<tr><td>${esc(name)}</td><td>${esc(a.kind)}</td><td><code>${esc(a.request)}</code></td><td>${a.summary.requests}</td><td class="${a.summary.failures ? 'bad' : ''}">${a.summary.failures}</td><td>${a.summary.rps.toFixed(1)}</td><td>${lat(l.p50)}</td><td>${lat(l.p90)}</td><td>${lat(l.p99)}</td><td>${lat(l.max)}</td></tr>`;
  });
  return `<table class="summary"><thead><tr><th>actor</th><th>kind</th><th>request</th><th>sent</th><th>failed</th><th>ok/s</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function identityField(a: ActorResult): string | undefined {
  return Object.keys(a.identities)[0];
}

/** Every identity value the run's charts show, so one value has one colour across them. */
function runIdColours(r: RunResult): Map<string, string> {
  const values = Object.values(r.actors).flatMap((a) => [...(a.points ?? []).map((p) => p.id), ...(a.stream?.lanes?.lanes ?? []).flatMap((l) => l.events.map((e) => e.id))]);
  return idColours(values);
}

function actorCharts(id: string, r: RunResult, name: string, a: ActorResult, colours: Map<string, string>): string[] {
  const out: string[] = [];
  if (a.kind !== 'request') {
    out.push(rateChart(id, r, name, a));
    const lat = bucketLatencyChart(id, r, name, a);
    if (lat) out.push(lat);
  }
  const req = a.kind === 'probe' ? requestsChart(id, r, name, a, identityField(a), colours) : undefined;
  if (req) out.push(req);
  const wave = firstWaveChart(id, name, a);
  if (wave) out.push(wave);
  const histogram = a.kind === 'load' ? histogramChart(id, name, a) : undefined;
  if (histogram) out.push(histogram);
  out.push(...sweepCharts(id, name, a));
  const lanes = lanesChart(id, r, name, a, colours);
  if (lanes) out.push(lanes);
  return out;
}

function metaLine(r: RunResult): string {
  const params = Object.entries(r.scenario.params).map(([k, v]) => `${k}=${v}`).join(' ');
  const bits = [`target <code>${esc(r.target)}</code>`, `ran ${fmtMs(r.durationMs)} from ${esc(r.startedAt)}`, `wobbly ${esc(r.tool.version)}`, `own loop delay p99 ${fmtMs(r.self.eventLoopDelayP99Ms)}`];
  if (params) bits.push(`params <code>${esc(params)}</code>`);
  if (r.server) bits.push(`server <code>${esc(r.server.command)}</code>`);
  return `<p class="meta">${bits.join(' · ')}</p>`;
}

/** One run as a section; `id` prefixes its charts' ids so several runs share a page. */
export function runSection(r: RunResult, id: string, title?: string): string {
  const parts: string[] = [];
  parts.push(`<section class="run" id="${esc(id || 'run')}" data-scenario="${esc(r.scenario.name)}"><h2>${esc(title ?? r.scenario.name)}</h2>`);
  if (r.scenario.description) parts.push(`<p class="description">${esc(r.scenario.description)}</p>`);
  parts.push(metaLine(r));
  if (r.partial) parts.push(`<p class="warn">Partial result: ${r.stoppedBy === 'target-down' ? `the target stopped answering (${esc(r.targetDown?.error ?? '')})` : 'interrupted'}.</p>`);
  if (r.server?.exitedDuringRun) parts.push(`<p class="warn">The server exited during the run.</p><pre>${esc((r.server.logTail ?? []).join('\n'))}</pre>`);
  parts.push('<h3 class="sub">Verdicts</h3>', verdictCards(r.verdicts));
  if (r.expectations.length) {
    parts.push('<h3 class="sub">Expectations</h3><ul class="expectations">');
    for (const e of r.expectations) parts.push(`<li class="${e.pass ? 'pass' : 'fail'}"><b>${e.pass ? 'pass' : 'FAIL'}</b> <code>${esc(e.expr)}</code> (actual ${esc(e.actual)})</li>`);
    parts.push('</ul>');
  }
  parts.push('<h3 class="sub">Actors</h3>', actorTable(r));
  const prefix = id ? `${id}/` : '';
  const charts: string[] = [];
  const colours = runIdColours(r);
  for (const [name, a] of Object.entries(r.actors)) charts.push(...actorCharts(prefix, r, name, a, colours));
  charts.push(...headOfLineCharts(prefix, r));
  const dist = distributionChart(prefix, r);
  if (dist) charts.push(dist);
  parts.push('<h3 class="sub">Charts</h3>', `<div class="charts">${charts.join('\n')}</div>`, '</section>');
  return parts.join('\n');
}

function statusDots(r: RunResult): string {
  return r.verdicts.map((v) => `<span class="dot ${esc(v.status)}" title="${esc(`${v.id}: ${v.status}`)}">${esc(v.id)} ${STATUS_LABEL[v.status] ?? ''}</span>`).join(' ');
}

function compareBody(c: CompareReport): string {
  const rows = c.rows.map((row) => {
    const fig = (f: { median: number; min: number; max: number } | undefined, d = 1) => (f ? (f.min === f.max ? f.median.toFixed(d) : `${f.median.toFixed(d)} (${f.min.toFixed(d)}–${f.max.toFixed(d)})`) : '-');
    const verdicts = [...row.detected, ...row.inconclusive.map((v) => `${v} (inconclusive)`)].join(', ') || 'clear';
    const mark = c.recommended?.label === row.label ? ' class="recommended"' : '';
    return `<tr${mark}><td>${esc(row.label)}</td><td>${row.runs}</td><td>${fig(row.throughputRps)}</td><td>${fig(row.p50Ms, 0)}</td><td>${fig(row.p99Ms, 0)}</td><td>${fig(row.effectiveConcurrency)}</td><td>${esc(verdicts)}</td></tr>`;
  });
  const rec = c.recommended ? `<p class="recommendation"><b>Recommended: ${esc(c.recommended.label)}.</b> ${esc(c.recommended.reason)}</p>` : '';
  const runs = c.runs.map((r, i) => `<details class="run-details"><summary>Run ${i + 1}: ${esc(Object.entries(r.settings).map(([k, v]) => `${k}=${v}`).join(' '))} ${statusDots(r)}</summary>${runSection(r, `r${i}`, `${r.scenario.name}, ${Object.entries(r.settings).map(([k, v]) => `${k}=${v}`).join(' ')}`)}</details>`);
  return `<section class="run" id="compare"><h2>Settings compared (actor “${esc(c.rows[0]?.actor ?? '')}”)</h2>${rec}
<table class="summary"><thead><tr><th>setting</th><th>runs</th><th>throughput req/s</th><th>p50 ms</th><th>p99 ms</th><th>effective concurrency</th><th>verdicts</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<div class="charts">${compareCharts(c.rows, c.recommended).join('\n')}</div></section>
<h2 class="runs-title">Each run</h2>${runs.join('\n')}`;
}

const RUN_LEGEND = 'wobbly report · shaded: a heavy request in flight · red: a stall (probes unanswered past the threshold)';

function page(title: string, body: string, subtitle = RUN_LEGEND): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${STYLE}</style></head>
<body>${SVG_DEFS}<main>
<header class="top"><h1>${esc(title)}</h1><p class="muted">${esc(subtitle)}</p></header>
${body}
</main></body></html>
`;
}

/** The whole page for a run, several runs (one section each, with a contents list), a comparison or a doctor report. */
export function renderHtml(input: HtmlInput): string {
  if (input.kind === 'run') return page(`wobbly · ${input.result.scenario.name}`, runSection(input.result, ''));
  if (input.kind === 'compare') return page(`wobbly compare · ${input.compare.scenario}`, compareBody(input.compare));
  if (input.kind === 'doctor') return page(`wobbly doctor · ${input.doctor.target}`, doctorBody(input.doctor), 'wobbly doctor · every endpoint measured within one budget, worst first');
  const toc = input.runs.map((x, i) => `<li><a href="#s${i}">${esc(x.title)}</a> ${statusDots(x.result)}</li>`).join('');
  const sections = input.runs.map((x, i) => runSection(x.result, `s${i}`, x.title));
  return page(input.title, `<nav class="toc"><h2>Contents</h2><ol>${toc}</ol></nav>\n${sections.join('\n')}`);
}
