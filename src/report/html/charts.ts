// The report's charts, each a pure function of the JSON result: timelines with in-flight windows
// and stalls, requests over time by identity and connection, percentile plots, first waves, the
// sweep's knee, stream swimlanes, head-of-line groups, and the compare matrix.
import type { ActorResult, RunResult } from '../../result/types.js';
import type { CompareRow, Recommendation } from '../../compare/summarise.js';
import { chart, type Band, type Point, type Series } from './svg.js';
import { colorAt, GREY, PALETTE } from './palette.js';

const MS_FORMAT = (v: number) => (v >= 1000 ? `${+(v / 1000).toFixed(1)} s` : v >= 1 ? `${+v.toPrecision(3)}` : `${+v.toPrecision(2)}`);
const fmtMs = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${+v.toFixed(v >= 10 ? 0 : 2)} ms`);
/** Identity values drawn in their own colour; the rest share grey. */
const MAX_COLOURED_IDS = PALETTE.length - 1;

interface Stall {
  startMs: number;
  endMs: number;
  lengthMs: number;
  probesAffected: number;
}

function stallsOf(r: RunResult): Stall[] {
  return r.verdicts.filter((v) => v.id === 'event-loop-stall').flatMap((v) => ((v.evidence as { stalls?: Stall[] }).stalls ?? []));
}

/** The heavy requests' in-flight windows (request actors; a load's phases would shade whole charts) and the stalls. */
export function bandsFor(r: RunResult, actor: string | undefined): Band[] {
  const windows = Object.entries(r.actors).flatMap(([name, a]) => (a.requests ?? []).map((q) => ({ actor: name, label: a.request, startMs: q.sentMs, endMs: q.endMs })));
  const bands: Band[] = windows
    .filter((w) => w.actor !== actor)
    .map((w) => ({ from: w.startMs / 1000, to: w.endMs / 1000, kind: 'inflight' as const, label: `${w.label} (${w.actor}) in flight ${fmtMs(w.startMs)} → ${fmtMs(w.endMs)}` }));
  for (const s of stallsOf(r)) bands.push({ from: s.startMs / 1000, to: s.endMs / 1000, kind: 'stall', label: `stall ${fmtMs(s.lengthMs)}: ${s.probesAffected} probes waited (${fmtMs(s.startMs)} → ${fmtMs(s.endMs)})` });
  return bands;
}

/** One time axis for every chart of a run: to its end, or to the end of its last bucket. */
const runAxisS = (r: RunResult) => {
  const buckets = Math.max(1, ...Object.values(r.actors).map((a) => a.timeline.length));
  return { label: 'time into the run (s)', min: 0, max: Math.max(r.durationMs, buckets * r.bucketMs) / 1000 };
};

/** Answers (or events) per second per bucket, failures too when there were any. */
export function rateChart(id: string, r: RunResult, name: string, a: ActorResult): string {
  const perSec = 1000 / r.bucketMs;
  const mid = r.bucketMs / 2000;
  const what = a.kind === 'stream' ? 'events' : 'answers';
  const fails = a.timeline.some((b) => b.failures);
  const slot = r.bucketMs / 1000;
  const series: Series[] = [
    { name: `${what}/s`, color: PALETTE[0], kind: 'bars', slot, ...(fails ? { group: { index: 0, of: 2 } } : {}), points: a.timeline.map((b) => ({ x: b.t + mid, y: b.count * perSec, title: `${b.t}s: ${b.count * perSec} ${what}/s` })) },
  ];
  if (fails) series.push({ name: 'failures/s', color: PALETTE[5], kind: 'bars', slot, group: { index: 1, of: 2 }, points: a.timeline.map((b) => ({ x: b.t + mid, y: b.failures * perSec, title: `${b.t}s: ${b.failures * perSec} failures/s` })) });
  // A sweep's steps, where each began.
  const steps = (a.sweep?.steps ?? []).flatMap((p) => (p.startMs === undefined ? [] : [{ x: p.startMs / 1000, label: `N=${p.connections}` }]));
  return chart({ id: `${id}timeline-rate:${name}`, title: `${name} (${a.request}): ${what} per second, per ${r.bucketMs} ms bucket`, x: runAxisS(r), y: { label: `${what}/s`, min: 0 }, series, bands: bandsFor(r, name), markers: steps, height: 200 });
}

/** p50 and max latency per bucket (buckets with answers only), log scale. */
export function bucketLatencyChart(id: string, r: RunResult, name: string, a: ActorResult): string | undefined {
  const full = a.timeline.filter((b) => b.count > 0);
  if (!full.length) return undefined;
  const mid = r.bucketMs / 2000;
  const series: Series[] = [
    { name: 'p50', color: PALETTE[0], kind: 'line', points: full.map((b) => ({ x: b.t + mid, y: b.p50, title: `${b.t}s: p50 ${fmtMs(b.p50)}` })) },
    { name: 'max', color: PALETTE[5], kind: 'line', dashed: true, points: full.map((b) => ({ x: b.t + mid, y: b.max, title: `${b.t}s: max ${fmtMs(b.max)}` })) },
  ];
  const what = a.kind === 'stream' ? 'gap between events' : 'latency';
  return chart({ id: `${id}timeline-latency:${name}`, title: `${name}: p50 and max ${what} per bucket (ms, log scale)`, x: runAxisS(r), y: { label: `${what} (ms)`, log: true, format: MS_FORMAT }, series, bands: bandsFor(r, name), height: 200 });
}

/** Identity values, most frequent first: the first MAX_COLOURED_IDS get colours, the rest grey (one map per run, so a pid keeps its colour). */
export function idColours(values: (string | undefined)[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  const ranked = [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([v]) => v);
  return new Map(ranked.map((v, i) => [v, i < MAX_COLOURED_IDS ? colorAt(i) : GREY]));
}

/** Each request of a probe or request actor: latency over time; coloured by identity, square = new connection. */
export function requestsChart(id: string, r: RunResult, name: string, a: ActorResult, field: string | undefined, colours: Map<string, string>): string | undefined {
  const pts = (a.points ?? []).filter((p) => p.ms !== null);
  if (!pts.length) return undefined;
  const byKey = new Map<string, Series>();
  const knowsConn = pts.some((p) => p.reused !== undefined);
  for (const p of pts) {
    const key = !p.ok ? 'failed' : p.id === undefined ? 'answered' : colours.get(p.id) === GREY ? 'other' : p.id;
    let s = byKey.get(key);
    if (!s) {
      const color = key === 'failed' ? PALETTE[5] : key === 'answered' ? PALETTE[0] : key === 'other' ? GREY : colours.get(key)!;
      const label = key === 'failed' || key === 'answered' || key === 'other' ? key : `${field ?? 'id'} ${key}`;
      byKey.set(key, (s = { name: label, color, kind: 'dots', points: [] }));
    }
    const conn = p.reused === undefined ? '' : p.reused ? ', reused connection' : ', new connection';
    s.points.push({ x: p.t / 1000, y: p.ms!, shape: p.reused === false ? 'square' : 'circle', title: `due ${fmtMs(p.t)}: ${fmtMs(p.ms!)}${p.id !== undefined ? `, ${field ?? 'id'} ${p.id}` : ''}${conn}${p.ok ? '' : ', failed'}` });
  }
  const series = [...byKey.values()];
  const thinned = (a.points?.length ?? 0) < a.summary.requests ? ' (thinned: the slowest of each run of requests is kept)' : '';
  return chart({
    id: `${id}requests:${name}`,
    title: `${name}: each request's latency, counted from its due time (ms, log scale)${field ? `, coloured by ${field}` : ''}`,
    caption: `${knowsConn ? '● reused keep-alive connection, □ new connection. ' : ''}${thinned}`.trim() || undefined,
    x: runAxisS(r),
    y: { label: 'latency (ms)', log: true, format: MS_FORMAT },
    series,
    bands: bandsFor(r, name),
    height: 220,
  });
}

/** hey's histogram as bars: answers per equal-width latency bucket (loads and sweeps). */
export function histogramChart(id: string, name: string, a: ActorResult): string | undefined {
  const h = a.latencyHistogram;
  if (!h?.length || h.length < 2) return undefined;
  const width = h[1]!.upToMs - h[0]!.upToMs;
  return chart({
    id: `${id}histogram:${name}`,
    title: `${name}: latency histogram (answers per ${fmtMs(width)} bucket)`,
    x: { label: 'latency (ms)', min: h[0]!.upToMs - width, max: h[h.length - 1]!.upToMs },
    y: { label: 'answers', min: 0 },
    series: [{ name: 'answers', color: PALETTE[0], kind: 'bars', slot: width, points: h.map((b) => ({ x: b.upToMs - width / 2, y: b.count, title: `up to ${fmtMs(b.upToMs)}: ${b.count}` })) }],
    height: 200,
  });
}

/** x position of a percentile on the "1 in N" log axis; 100 (the max) just beyond the last tick. */
const pctX = (p: number, top: number) => (p >= 100 ? top : -Math.log10(1 - p / 100));

/** HDR percentile plot: one line per actor, both axes log. */
export function distributionChart(id: string, r: RunResult): string | undefined {
  const actors = Object.entries(r.actors).filter(([, a]) => a.latencyDistribution?.length);
  if (!actors.length) return undefined;
  const finite = actors.flatMap(([, a]) => a.latencyDistribution!.filter((p) => p.percentile < 100).map((p) => -Math.log10(1 - p.percentile / 100)));
  const top = Math.ceil(Math.max(2, ...finite)) + 0.4;
  const ticks = [0, 1, 2, 3, 4, 5]
    .filter((k) => k < top - 0.3)
    .map((k) => ({ value: k, label: k === 0 ? '0%' : `${(100 - 100 / 10 ** k).toFixed(Math.max(0, k - 2))}%` }))
    .concat([{ value: top, label: 'max' }]);
  const series: Series[] = actors.map(([name, a], i) => ({
    name,
    color: colorAt(i),
    kind: 'line',
    points: a.latencyDistribution!.map((p) => ({ x: pctX(p.percentile, top), y: Math.max(p.ms, 0.001), title: `${name} p${p.percentile}: ${fmtMs(p.ms)}` })),
  }));
  return chart({ id: `${id}distribution`, title: 'Latency by percentile (HDR percentile plot, log scales)', x: { label: 'percentile', min: 0, max: top, ticks }, y: { label: 'latency (ms)', log: true, format: MS_FORMAT }, series, height: 240 });
}

/** The answer time of each of the first N requests (sent at once), ascending: a pool shows steps. */
export function firstWaveChart(id: string, name: string, a: ActorResult): string | undefined {
  const c = a.load?.concurrency;
  const answers = c?.firstWave.answerMs;
  if (!c || !answers?.length) return undefined;
  const thinned = answers.length < c.firstWave.requests;
  const step = thinned ? (c.firstWave.requests - 1) / (answers.length - 1) : 1;
  const pts: Point[] = [];
  answers.forEach((ms, i) => {
    if (ms !== null) pts.push({ x: Math.round(1 + i * step), y: ms, title: `request ${Math.round(1 + i * step)}: answered after ${fmtMs(ms)}` });
  });
  const series: Series[] = [{ name: 'first requests', color: PALETTE[0], kind: 'dots', points: pts, legend: true }];
  if (c.serviceTimeMs !== null) series.push({ name: `S unloaded (${fmtMs(c.serviceTimeMs)})`, color: PALETTE[2], kind: 'line', dashed: true, points: [{ x: 1, y: c.serviceTimeMs }, { x: c.firstWave.requests, y: c.serviceTimeMs }] });
  const missing = answers.filter((x) => x === null).length;
  const wave = c.firstWave.group !== undefined ? `a first wave of ${c.firstWave.group}, then a gap` : 'no gap';
  return chart({
    id: `${id}first-wave:${name}`,
    title: `${name}: answer time of each of the ${c.firstWave.requests} first requests (sent at once), in order`,
    caption: `${c.firstWave.served} of ${c.firstWave.requests} answered within ${fmtMs(c.firstWave.withinMs)}: ${wave}.${missing ? ` ${missing} got no answer.` : ''}${thinned ? ' Thinned evenly by rank.' : ''}`,
    x: { label: 'request (by answer time)', min: 0, max: c.firstWave.requests + 1 },
    y: { label: 'answer time (ms)', min: 0 },
    series,
    height: 220,
  });
}

/** A sweep: throughput, and effective concurrency C against N (with C = N for reference), the knee marked. */
export function sweepCharts(id: string, name: string, a: ActorResult): string[] {
  const s = a.sweep;
  if (!s?.steps.length) return [];
  const ns = s.steps.map((p) => p.connections);
  const ticks = ns.map((n) => ({ value: n, label: String(n) }));
  const xAxis = { label: 'connections N', log: ns[0]! > 0 && ns.length > 2, ticks, min: Math.min(...ns), max: Math.max(...ns) };
  const markers = s.knee ? [{ x: s.knee.connections, label: `knee: limit ≈ ${s.knee.limit}` }] : [];
  const rps = s.steps.map((p) => ({ x: p.connections, y: p.concurrency.throughputRps ?? p.requestsPerSec, title: `N = ${p.connections}: ${(p.concurrency.throughputRps ?? p.requestsPerSec).toFixed(1)} req/s` }));
  const cs = s.steps.filter((p) => p.concurrency.effectiveConcurrency !== null).map((p) => ({ x: p.connections, y: p.concurrency.effectiveConcurrency!, title: `N = ${p.connections}: C = ${p.concurrency.effectiveConcurrency}` }));
  const out = [
    chart({
      id: `${id}sweep-throughput:${name}`,
      title: `${name}: steady-state throughput against N`,
      x: xAxis,
      y: { label: 'requests/s', min: 0 },
      series: [{ name: 'throughput', color: PALETTE[0], kind: 'line', points: rps }, { name: 'throughput', color: PALETTE[0], kind: 'dots', points: rps, legend: false }],
      markers,
      height: 220,
    }),
  ];
  if (cs.length) {
    out.push(
      chart({
        id: `${id}sweep-concurrency:${name}`,
        title: `${name}: effective concurrency C = X × S against N`,
        x: xAxis,
        y: { label: 'effective concurrency C', min: 0 },
        series: [
          { name: 'C measured', color: PALETTE[1], kind: 'line', points: cs },
          { name: 'C measured', color: PALETTE[1], kind: 'dots', points: cs, legend: false },
          { name: 'C = N (no limit)', color: GREY, kind: 'line', dashed: true, points: ns.map((n) => ({ x: n, y: n })) },
        ],
        markers,
        height: 220,
      }),
    );
  }
  return out;
}

/** Streams as swimlanes: one row per stream, one mark per event, coloured by the identity value. */
export function lanesChart(id: string, r: RunResult, name: string, a: ActorResult, colours: Map<string, string>): string | undefined {
  const lanes = a.stream?.lanes;
  if (!lanes?.lanes.length) return undefined;
  const byKey = new Map<string, Series>();
  lanes.lanes.forEach((lane, row) => {
    for (const e of lane.events) {
      const key = e.id === undefined ? '(none)' : (colours.get(e.id) ?? GREY) === GREY ? 'other' : e.id;
      let s = byKey.get(key);
      if (!s) byKey.set(key, (s = { name: key === '(none)' || key === 'other' ? `${key}` : `${lanes.field ?? 'id'} ${key}`, color: key === '(none)' || key === 'other' ? GREY : colours.get(key)!, kind: 'ticks', points: [] }));
      s.points.push({ x: e.t / 1000, y: row, title: `stream ${lane.stream} at ${fmtMs(e.t)}${e.id !== undefined ? `: ${lanes.field ?? 'id'} ${e.id}` : ''}` });
    }
  });
  const n = lanes.lanes.length;
  const every = Math.ceil(n / 24);
  const ticks = lanes.lanes.map((l, row) => ({ value: row, label: `stream ${l.stream}` })).filter((_, row) => row % every === 0);
  const maxT = Math.max(...lanes.lanes.flatMap((l) => l.events.map((e) => e.t))) / 1000;
  const hopping = lanes.lanes.filter((l) => new Set(l.events.map((e) => e.id)).size > 1).length;
  return chart({
    id: `${id}lanes:${name}`,
    title: `${name}: one row per stream, one mark per event${lanes.field ? `, coloured by ${lanes.field}` : ''}`,
    caption: `${lanes.field ? `${hopping} of ${n} streams shown changed ${lanes.field} mid-stream (several colours in one row). ` : ''}${lanes.truncated ? 'Only the first streams and events are kept.' : ''}`.trim() || undefined,
    x: { label: 'time into the run (s)', min: 0, max: Math.max(maxT * 1.02, r.bucketMs / 1000) },
    y: { label: 'stream', min: -0.7, max: n - 0.3, ticks },
    series: [...byKey.values()],
    height: 60 + Math.min(n, 64) * 16,
    left: 84,
  });
}

interface Group {
  requests: number;
  delayed: number;
  maxDelayMs: number;
}

/** Head-of-line: the overlapping fast requests by identity and by connection: how many, how many waited, the longest wait. */
export function headOfLineCharts(id: string, r: RunResult): string[] {
  const v = r.verdicts.find((x) => x.id === 'head-of-line-blocking');
  if (!v) return [];
  const e = v.evidence as { field?: string | null; byIdentity?: Record<string, Group>; byConnection?: Record<string, Group> };
  const cats: { label: string; g: Group }[] = [];
  for (const [value, g] of Object.entries(e.byIdentity ?? {})) cats.push({ label: value === '(no answer)' ? value : `${e.field ?? 'id'} ${value}`, g });
  for (const [conn, g] of Object.entries(e.byConnection ?? {})) if (g.requests) cats.push({ label: `${conn} connection`, g });
  if (!cats.length) return [];
  const ticks = cats.map((c, i) => ({ value: i, label: c.label }));
  const counts = chart({
    id: `${id}hol-counts`,
    title: 'Fast requests that overlapped the slow one, by identity and by connection',
    x: { label: '', ticks },
    y: { label: 'requests', min: 0 },
    series: [
      { name: 'overlapped', color: PALETTE[4], kind: 'bars', group: { index: 0, of: 2 }, points: cats.map((c, i) => ({ x: i, y: c.g.requests, title: `${c.label}: ${c.g.requests} overlapped` })) },
      { name: 'waited (delayed)', color: PALETTE[5], kind: 'bars', group: { index: 1, of: 2 }, points: cats.map((c, i) => ({ x: i, y: c.g.delayed, title: `${c.label}: ${c.g.delayed} delayed` })) },
    ],
    height: 220,
  });
  const delays = chart({
    id: `${id}hol-delay`,
    title: 'Longest wait behind the slow request, by identity and by connection (ms)',
    x: { label: '', ticks },
    y: { label: 'max delay (ms)', min: 0 },
    series: [{ name: 'max delay', color: PALETTE[5], kind: 'bars', points: cats.map((c, i) => ({ x: i, y: c.g.maxDelayMs, title: `${c.label}: up to ${fmtMs(c.g.maxDelayMs)}` })) }],
    height: 200,
  });
  return [counts, delays];
}

/** The compare matrix: throughput (median, min–max) per setting, the recommended one marked; p50/p99; C. */
export function compareCharts(rows: CompareRow[], rec: Recommendation | null): string[] {
  if (!rows.length) return [];
  const ticks = rows.map((row, i) => ({ value: i, label: row.label + (rec?.label === row.label ? ' ◀' : '') }));
  const bar = (f: { median: number; min: number; max: number }, i: number, what: string, unit: string): Point => ({ x: i, y: f.median, lo: f.min, hi: f.max, title: `${rows[i]!.label}: ${what} ${f.median.toFixed(1)} ${unit}${f.min !== f.max ? ` (${f.min.toFixed(1)}–${f.max.toFixed(1)})` : ''}` });
  const out = [
    chart({
      id: 'compare-throughput',
      title: `Throughput per setting (median${rows.some((x) => x.runs > 1) ? ', whiskers min–max' : ''}); ◀ recommended`,
      x: { label: 'setting', ticks },
      y: { label: 'requests/s', min: 0 },
      series: [
        { name: 'throughput', color: PALETTE[0], kind: 'bars', points: rows.map((row, i) => bar(row.throughputRps, i, 'throughput', 'req/s')).filter((_, i) => rows[i]!.label !== rec?.label) },
        { name: 'recommended', color: PALETTE[2], kind: 'bars', points: rows.map((row, i) => bar(row.throughputRps, i, 'throughput', 'req/s')).filter((_, i) => rows[i]!.label === rec?.label) },
      ],
      height: 240,
    }),
    chart({
      id: 'compare-latency',
      title: 'Latency per setting (ms): p50 and p99',
      x: { label: 'setting', ticks },
      y: { label: 'latency (ms)', min: 0 },
      series: [
        { name: 'p50', color: PALETTE[0], kind: 'bars', group: { index: 0, of: 2 }, points: rows.map((row, i) => bar(row.p50Ms, i, 'p50', 'ms')) },
        { name: 'p99', color: PALETTE[1], kind: 'bars', group: { index: 1, of: 2 }, points: rows.map((row, i) => bar(row.p99Ms, i, 'p99', 'ms')) },
      ],
      height: 220,
    }),
  ];
  const withC = rows.map((row, i) => [row, i] as const).filter(([row]) => row.effectiveConcurrency);
  if (withC.length) {
    out.push(
      chart({
        id: 'compare-concurrency',
        title: 'Effective concurrency per setting',
        x: { label: 'setting', ticks },
        y: { label: 'effective concurrency C', min: 0 },
        series: [{ name: 'C', color: PALETTE[1], kind: 'bars', points: withC.map(([row, i]) => bar(row.effectiveConcurrency!, i, 'C', '')) }],
        height: 200,
      }),
    );
  }
  return out;
}
