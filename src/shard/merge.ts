// Shards' run data → the run data of the whole, losslessly: HDR histograms added, timelines and
// load meters shifted onto one clock (the earliest shard's wall-clock start is time 0) and added
// bucket by bucket, counts and identities summed, first waves combined, samples concatenated on
// the one clock. The result is analysed like any run (pipeline.resultOf).
import { InputError } from '../input-error.js';
import { LatencyHistogram } from '../metrics/latency-histogram.js';
import type {
  ActorData,
  CountsData,
  HistogramData,
  MergedShard,
  MeterData,
  PhaseData,
  RunData,
  SampleColumns,
  StreamData,
  StreamIdentityData,
  TimelineData,
} from '../run-data/types.js';
import type { Scenario } from '../types.js';

export interface ShardFile {
  file: string;
  data: RunData;
}

/** Stream identity examples kept per actor, as one process keeps (metrics/stream-stats.ts). */
const MAX_EXAMPLES = 3;

/** The scenario without where it was loaded from: what shards must agree on. */
function comparable(s: Scenario): string {
  const { source: _source, ...rest } = s;
  return JSON.stringify(rest);
}

/** Every reason these files are not the shards of one run, all at once (InputError). */
export function checkShards(parts: readonly ShardFile[]): void {
  const problems: string[] = [];
  if (!parts.length) problems.push('no run files given');
  for (const p of parts) if (!p.data.shard) problems.push(`${p.file}: not a shard (run with --shard I/N --raw FILE)`);
  const shards = parts.filter((p) => p.data.shard);
  if (shards.length) {
    const first = shards[0]!;
    const n = first.data.shard!.count;
    const whole = first.data.shard!.whole;
    for (const p of shards.slice(1)) {
      const s = p.data.shard!;
      if (s.count !== n) problems.push(`${p.file}: shard ${s.index}/${s.count}, but ${first.file} is one of ${n} shards`);
      if (s.whole.name !== whole.name) problems.push(`${p.file}: scenario "${s.whole.name}", but ${first.file} ran "${whole.name}"`);
      else if (JSON.stringify(s.whole.params) !== JSON.stringify(whole.params)) {
        const keys = [...new Set([...Object.keys(whole.params), ...Object.keys(s.whole.params)])].filter((k) => s.whole.params[k] !== whole.params[k]);
        problems.push(`${p.file}: other params than ${first.file} (${keys.map((k) => `${k}: ${String(s.whole.params[k])} vs ${String(whole.params[k])}`).join(', ')})`);
      } else if (comparable(s.whole) !== comparable(whole)) problems.push(`${p.file}: the scenario "${whole.name}" differs from ${first.file}'s (target, actors, duration or expectations)`);
      if (p.data.version !== first.data.version) problems.push(`${p.file}: run data version ${p.data.version}, ${first.file} has ${first.data.version}`);
    }
    const byIndex = new Map<number, string[]>();
    for (const p of shards) byIndex.set(p.data.shard!.index, [...(byIndex.get(p.data.shard!.index) ?? []), p.file]);
    for (const [i, files] of byIndex) if (files.length > 1) problems.push(`shard ${i}/${n} given more than once: ${files.join(', ')}`);
    const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !byIndex.has(i));
    if (missing.length) problems.push(`missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${n}`).join(', ')} (all ${n} are needed)`);
  }
  if (problems.length) throw new InputError(`cannot merge these runs:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}

/** The whole run from its shards (checked first: InputError when they do not fit together). */
export function mergeShards(parts: readonly ShardFile[]): RunData {
  checkShards(parts);
  const sorted = [...parts].sort((a, b) => a.data.shard!.index - b.data.shard!.index);
  const starts = sorted.map((p) => Date.parse(p.data.startedAt));
  const t0 = Math.min(...starts);
  const shifts = starts.map((s) => s - t0);
  const datas = sorted.map((p) => p.data);
  const whole = datas[0]!.shard!.whole;
  const n = datas.length;

  const mergedFrom: MergedShard[] = sorted.map((p, k) => {
    const { whole: _w, ...info } = p.data.shard!;
    return { ...info, file: p.file, startedAt: p.data.startedAt, shiftMs: shifts[k]! };
  });
  const calibration: RunData['calibration'] = {};
  // Each shard calibrated on its own; the lowest shard's figures stand for the run (the same target, the same requests).
  for (const d of [...datas].reverse()) Object.assign(calibration, d.calibration);
  const stopped = datas.find((d) => d.stoppedBy);
  const downs = datas.flatMap((d, k) => (d.targetDown ? [{ ...d.targetDown, atMs: d.targetDown.atMs + shifts[k]! }] : []));
  const out: RunData = {
    format: datas[0]!.format,
    version: datas[0]!.version,
    tool: datas[0]!.tool,
    scenario: whole,
    startedAt: new Date(t0).toISOString(),
    durationMs: Math.max(...datas.map((d, k) => d.durationMs + shifts[k]!)),
    partial: datas.some((d) => d.partial),
    ...(stopped?.stoppedBy ? { stoppedBy: stopped.stoppedBy } : {}),
    ...(downs.length ? { targetDown: downs.reduce((a, b) => (b.atMs < a.atMs ? b : a)) } : {}),
    calibration,
    self: {
      loopLag: addHistograms(datas.map((d) => d.self.loopLag)),
      episodes: datas.flatMap((d, k) => d.self.episodes.map((e) => ({ ...e, startMs: e.startMs + shifts[k]!, endMs: e.endMs + shifts[k]! }))).sort((a, b) => a.startMs - b.startMs),
    },
    actors: whole.actors.map((spec) => {
      const mine = datas.map((d) => d.actors.find((a) => a.name === spec.name));
      const present = mine.flatMap((a, k) => (a ? [{ a, shift: shifts[k]!, index: k }] : []));
      if (!present.length) throw new InputError(`cannot merge these runs: no shard has data of actor "${spec.name}"`);
      return mergeActor(present, n);
    }),
    mergedFrom,
  };
  const servers = datas.filter((d) => d.server);
  if (servers.length) out.server = servers[0]!.server!;
  return out;
}

interface Part<T> {
  a: T;
  shift: number;
  /** The shard's index. */
  index: number;
}

const shiftOrNull = (v: number | null, by: number) => (v === null ? null : v + by);
/** NaN (a missed probe's send) reads back from JSON as null: keep it as it is. */
const shiftSample = (v: number, by: number) => (typeof v === 'number' && Number.isFinite(v) ? v + by : v);

function mergeActor(parts: Part<ActorData>[], shardCount: number): ActorData {
  const first = parts[0]!.a;
  const firstSent = parts.flatMap((p) => (p.a.firstSentMs === null ? [] : [p.a.firstSentMs + p.shift]));
  const out: ActorData = {
    name: first.name,
    kind: first.kind,
    counts: mergeCounts(parts.map((p) => p.a.counts)),
    firstSentMs: firstSent.length ? Math.min(...firstSent) : null,
    lastEndMs: Math.max(...parts.map((p) => p.a.lastEndMs + p.shift)),
    timeline: mergeTimelines(parts.map((p) => ({ a: p.a.timeline, shift: p.shift, index: p.index }))),
    identities: mergeIdentities(parts.map((p) => p.a.identities)),
    phases: mergePhases(parts.map((p) => ({ a: p.a.phases, shift: p.shift, index: p.index }))),
  };
  const samples = parts.flatMap((p) => (p.a.samples ? [{ a: p.a.samples, shift: p.shift, index: p.index }] : []));
  if (samples.length) out.samples = mergeSamples(samples);
  const streams = parts.flatMap((p) => (p.a.stream ? [{ a: p.a.stream, shift: p.shift, index: p.index }] : []));
  if (streams.length) out.stream = mergeStreams(streams, shardCount);
  return out;
}

/** HDR histograms added (same precision); the exact extremes kept. */
export function addHistograms(list: readonly (HistogramData | null)[]): HistogramData | null {
  const present = list.filter((h): h is HistogramData => h !== null);
  if (!present.length) return null;
  const sum = LatencyHistogram.fromData(present[0]!);
  for (const h of present.slice(1)) sum.add(LatencyHistogram.fromData(h));
  const data = sum.toData()!;
  return { ...data, minMs: Math.min(...present.map((h) => h.minMs)), maxMs: Math.max(...present.map((h) => h.maxMs)) };
}

function sumPairs<K>(lists: readonly (readonly [K, number][])[]): [K, number][] {
  const m = new Map<K, number>();
  for (const l of lists) for (const [k, v] of l) m.set(k, (m.get(k) ?? 0) + v);
  return [...m];
}

export function mergeCounts(list: readonly CountsData[]): CountsData {
  const sum = (f: (c: CountsData) => number) => list.reduce((s, c) => s + f(c), 0);
  return {
    requests: sum((c) => c.requests),
    failures: sum((c) => c.failures),
    unfinished: sum((c) => c.unfinished),
    bytes: sum((c) => c.bytes),
    statusCodes: sumPairs(list.map((c) => c.statusCodes)),
    errors: sumPairs(list.map((c) => c.errors)),
    latency: addHistograms(list.map((c) => c.latency)),
  };
}

/** Buckets moved by the shard's start (in whole buckets: the skew is ms, a bucket 100 ms or more), then added. */
function mergeTimelines(parts: Part<TimelineData>[]): TimelineData {
  const bucketMs = parts[0]!.a.bucketMs;
  if (parts.some((p) => p.a.bucketMs !== bucketMs)) throw new InputError('cannot merge these runs: their timelines have different bucket sizes');
  const byIndex = new Map<number, { count: number; failures: number; latency: (HistogramData | null)[] }>();
  for (const p of parts) {
    const by = Math.round(p.shift / bucketMs);
    for (const b of p.a.buckets) {
      const i = b.i + by;
      const m = byIndex.get(i) ?? { count: 0, failures: 0, latency: [] };
      m.count += b.count;
      m.failures += b.failures;
      m.latency.push(b.latency);
      byIndex.set(i, m);
    }
  }
  const buckets = [...byIndex].sort((x, y) => x[0] - y[0]).map(([i, m]) => ({ i, count: m.count, failures: m.failures, latency: addHistograms(m.latency) }));
  return { bucketMs, buckets };
}

function mergeIdentities(lists: readonly ActorData['identities'][]): ActorData['identities'] {
  const fields = new Map<string, [string, number][][]>();
  for (const l of lists) for (const [field, counts] of l) fields.set(field, [...(fields.get(field) ?? []), counts]);
  return [...fields].map(([field, counts]) => [field, sumPairs(counts)]);
}

/** Samples of every shard on the one clock, ordered by scheduled time (as the analysis reads probes). */
function mergeSamples(parts: Part<SampleColumns>[]): SampleColumns {
  const rows: { p: Part<SampleColumns>; i: number; at: number }[] = [];
  for (const p of parts) for (let i = 0; i < p.a.scheduledMs.length; i++) rows.push({ p, i, at: p.a.scheduledMs[i]! + p.shift });
  rows.sort((x, y) => x.at - y.at);
  const errors = [''];
  const out: SampleColumns = { scheduledMs: [], sentMs: [], endMs: [], status: [], bytes: [], error: [], errors, conn: [], ids: [] };
  const idMaps = new Map(parts.map((p) => [p, new Map(p.a.ids)]));
  rows.forEach(({ p, i }, k) => {
    const c = p.a;
    out.scheduledMs.push(c.scheduledMs[i]! + p.shift);
    out.sentMs.push(shiftSample(c.sentMs[i]!, p.shift));
    out.endMs.push(c.endMs[i]! + p.shift);
    out.status.push(c.status[i]!);
    out.bytes.push(c.bytes[i]!);
    out.conn.push(c.conn[i]!);
    const e = c.error[i]!;
    if (!e) out.error.push(0);
    else {
      const text = c.errors[e]!;
      let at = errors.indexOf(text);
      if (at < 0) at = errors.push(text) - 1;
      out.error.push(at);
    }
    const ids = idMaps.get(p)!.get(i);
    if (ids) out.ids.push([k, ids]);
  });
  return out;
}

/** Phase k of every shard is the same phase (a load's run, a sweep's step k): added on the one clock. */
function mergePhases(parts: Part<PhaseData[]>[]): PhaseData[] {
  const steps = Math.max(...parts.map((p) => p.a.length));
  return Array.from({ length: steps }, (_, k) => {
    const ps = parts.flatMap((p) => (p.a[k] ? [{ a: p.a[k]!, shift: p.shift, index: p.index }] : []));
    return {
      connections: ps.reduce((s, p) => s + p.a.connections, 0),
      startMs: Math.min(...ps.map((p) => p.a.startMs + p.shift)),
      sendUntilMs: Math.max(...ps.map((p) => p.a.sendUntilMs + p.shift)),
      endMs: Math.max(...ps.map((p) => p.a.endMs + p.shift)),
      aborted: ps.some((p) => p.a.aborted),
      counts: mergeCounts(ps.map((p) => p.a.counts)),
      meter: mergeMeterData(ps.map((p) => ({ a: p.a.meter, shift: p.shift, index: p.index }))),
      clientLag: { p99Ms: Math.max(...ps.map((p) => p.a.clientLag.p99Ms)), maxMs: Math.max(...ps.map((p) => p.a.clientLag.maxMs)) },
    };
  });
}

const minOrNull = (xs: (number | null)[]) => (xs.some((x) => x !== null) ? Math.min(...xs.filter((x): x is number => x !== null)) : null);
const maxOrNull = (xs: (number | null)[]) => (xs.some((x) => x !== null) ? Math.max(...xs.filter((x): x is number => x !== null)) : null);

/** Load meters: slots moved by whole slots and added; the first waves put together. */
function mergeMeterData(parts: Part<MeterData>[]): MeterData {
  const slotMs = parts[0]!.a.slotMs;
  if (parts.some((p) => p.a.slotMs !== slotMs)) throw new InputError('cannot merge these runs: their load meters have different slot sizes');
  const okByEnd: number[] = [];
  const latencyByEnd: number[] = [];
  for (const p of parts) {
    const by = Math.round(p.shift / slotMs);
    p.a.okByEnd.forEach((v, i) => (okByEnd[i + by] = (okByEnd[i + by] ?? 0) + v));
    p.a.latencyByEnd.forEach((v, i) => (latencyByEnd[i + by] = (latencyByEnd[i + by] ?? 0) + v));
  }
  const dense = (a: number[]) => Array.from({ length: a.length }, (_, i) => a[i] ?? 0);
  return {
    slotMs,
    connections: parts.reduce((s, p) => s + p.a.connections, 0),
    okByEnd: dense(okByEnd),
    latencyByEnd: dense(latencyByEnd),
    gapSumMs: parts.reduce((s, p) => s + p.a.gapSumMs, 0),
    gapCount: parts.reduce((s, p) => s + p.a.gapCount, 0),
    wireBytes: parts.reduce((s, p) => s + p.a.wireBytes, 0),
    firstWaveMs: mergedFirstWave(parts),
    firstSentMs: minOrNull(parts.map((p) => shiftOrNull(p.a.firstSentMs, p.shift))),
    lastSentMs: maxOrNull(parts.map((p) => shiftOrNull(p.a.lastSentMs, p.shift))),
    lastEndMs: maxOrNull(parts.map((p) => shiftOrNull(p.a.lastEndMs, p.shift))),
    stoppedAtMs: minOrNull(parts.map((p) => shiftOrNull(p.a.stoppedAtMs, p.shift))),
  };
}

/**
 * The first waves on the merged clock: the N first requests count as sent together at the earliest
 * shard's first send, so a shard that started late has its answers timed from then. Whether a pool
 * queued a request depends on when the others were sent, not on when its own shard began: a shard
 * 100 ms late (four CLIs starting at once on a busy machine) saw its queued answers at 300 ms of a
 * 200 ms pool of 4, within 1.5 S, and the merged first wave read all 8 served at once.
 */
function mergedFirstWave(parts: Part<MeterData>[]): (number | null)[] {
  const starts = parts.map((p) => (p.a.firstSentMs === null ? null : p.a.firstSentMs + p.shift));
  const known = starts.filter((x): x is number => x !== null);
  const first = known.length ? Math.min(...known) : 0;
  return parts.flatMap((p, k) => p.a.firstWaveMs.map((ms) => (ms === null || starts[k] === null ? ms : ms + (starts[k]! - first))));
}

function mergeStreams(parts: Part<StreamData>[], shardCount: number): StreamData {
  const sum = (f: (s: StreamData) => number) => parts.reduce((t, p) => t + f(p.a), 0);
  const mins = parts.flatMap((p) => (p.a.minEventsPerStream === null ? [] : [p.a.minEventsPerStream]));
  const ids = parts.flatMap((p) => (p.a.identity ? [{ a: p.a.identity, shift: p.shift, index: p.index }] : []));
  return {
    started: sum((s) => s.started),
    responded: sum((s) => s.responded),
    ends: {
      complete: sum((s) => s.ends.complete),
      'ended-early': sum((s) => s.ends['ended-early']),
      failed: sum((s) => s.ends.failed),
      open: sum((s) => s.ends.open),
    },
    endedEarlyBy: sumPairs(parts.map((p) => p.a.endedEarlyBy)),
    failedBy: sumPairs(parts.map((p) => p.a.failedBy)),
    events: sum((s) => s.events),
    bytes: sum((s) => s.bytes),
    minEventsPerStream: mins.length ? Math.min(...mins) : null,
    maxEventsPerStream: Math.max(...parts.map((p) => p.a.maxEventsPerStream)),
    // The shards' peaks summed: they open their streams at the same times, so their peaks coincide.
    maxOpen: sum((s) => s.maxOpen),
    firstEvent: addHistograms(parts.map((p) => p.a.firstEvent)),
    gaps: addHistograms(parts.map((p) => p.a.gaps)),
    silencesMs: parts.flatMap((p) => p.a.silencesMs),
    identity: ids.length ? mergeIdentity(ids, shardCount) : null,
  };
}

function mergeIdentity(parts: Part<StreamIdentityData>[], shardCount: number): StreamIdentityData {
  const sum = (f: (s: StreamIdentityData) => number) => parts.reduce((t, p) => t + f(p.a), 0);
  return {
    field: parts[0]!.a.field,
    streams: sum((s) => s.streams),
    tooShort: sum((s) => s.tooShort),
    hopping: sum((s) => s.hopping),
    maxDistinct: Math.max(...parts.map((p) => p.a.maxDistinct)),
    maxSwitches: Math.max(...parts.map((p) => p.a.maxSwitches)),
    switches: sum((s) => s.switches),
    distinctHistogram: sumPairs(parts.map((p) => p.a.distinctHistogram)).sort((x, y) => x[0] - y[0]),
    // A shard's stream j is stream index + j × N of the whole run.
    examples: parts
      .flatMap((p) => p.a.examples.map((x) => ({ stream: p.index + x.stream * shardCount, values: [...x.values] })))
      .sort((x, y) => x.stream - y.stream)
      .slice(0, MAX_EXAMPLES),
  };
}
