// The bounded extras of the JSON result that only charts need (the HTML report): a percentile
// plot per actor, a probe's requests over time, the first wave's answer times, stream swimlanes,
// what was in flight when. Each is capped so a long run keeps a small result.
import type { InFlightWindow } from '../analysis/stalls.js';
import { round } from '../format.js';
import { latencyOf, isOk } from '../metrics/actor-recorder.js';
import type { LatencyHistogram } from '../metrics/latency-histogram.js';
import type { Sample } from '../types.js';
import type { StreamData } from '../run-data/types.js';
import type { HistogramBucket, InFlightResult, PercentilePoint, RequestPoint, StreamLanes } from './types.js';

export const MAX_POINTS = 1000;
export const MAX_FIRST_WAVE = 500;
export const MAX_IN_FLIGHT = 200;

/** Percentiles 100 × (1 − 2^(−i/4)): evenly spaced on a "1 in N" log axis, up to 99.999, then 100. */
export function percentileTicks(): number[] {
  const out: number[] = [];
  for (let i = 0; ; i++) {
    const p = 100 * (1 - 2 ** (-i / 4));
    if (p > 99.999) break;
    out.push(round(p, 4));
  }
  out.push(100);
  return out;
}

export function latencyDistribution(h: LatencyHistogram): PercentilePoint[] | undefined {
  if (!h.count) return undefined;
  // HDR answers with the top of a value's bucket: clamp to the largest value seen.
  return percentileTicks().map((p) => ({ percentile: p, ms: round(Math.min(p === 100 ? h.maxMs : h.percentile(p), h.maxMs), 3) }));
}

export const HISTOGRAM_BUCKETS = 10;

/** How many recorded latencies are at or below ms: a binary search over ranks (HDR answers the k-th value). */
function countAtOrBelow(h: LatencyHistogram, ms: number): number {
  let lo = 0;
  let hi = h.count;
  while (lo < hi) {
    const k = Math.ceil((lo + hi) / 2);
    if (h.percentile((100 * k) / h.count) <= ms) lo = k;
    else hi = k - 1;
  }
  return lo;
}

/** hey's histogram: HISTOGRAM_BUCKETS equal-width buckets from the fastest to the slowest answer, counted from the HDR histogram. */
export function latencyHistogramBuckets(h: LatencyHistogram): HistogramBucket[] | undefined {
  if (!h.count) return undefined;
  const min = h.minMs;
  const max = Math.max(h.maxMs, h.percentile(100));
  const width = (max - min) / HISTOGRAM_BUCKETS;
  if (!(width > 0)) return [{ upToMs: round(max, 3), count: h.count }];
  const out: HistogramBucket[] = [];
  let below = 0;
  for (let i = 1; i <= HISTOGRAM_BUCKETS; i++) {
    const edge = i === HISTOGRAM_BUCKETS ? max : min + i * width;
    const upTo = i === HISTOGRAM_BUCKETS ? h.count : countAtOrBelow(h, edge);
    out.push({ upToMs: round(Math.min(edge, h.maxMs), 3), count: upTo - below });
    below = upTo;
  }
  return out;
}

/** Every request of a low-rate actor, or (beyond MAX_POINTS) the slowest of each run of k, so stalls stay visible. */
export function requestPoints(all: readonly Sample[], field: string | undefined): RequestPoint[] {
  const samples = all.filter((s) => s.error !== 'unfinished').sort((a, b) => a.scheduledMs - b.scheduledMs);
  const k = Math.ceil(samples.length / MAX_POINTS);
  const out: RequestPoint[] = [];
  for (let i = 0; i < samples.length; i += k) {
    let pick = samples[i]!;
    for (let j = i + 1; j < Math.min(i + k, samples.length); j++) {
      const s = samples[j]!;
      if ((latencyOf(s) ?? Infinity) > (latencyOf(pick) ?? Infinity)) pick = s;
    }
    const ms = latencyOf(pick);
    const id = field === undefined ? undefined : pick.ids?.[field];
    out.push({
      t: round(pick.scheduledMs, 1),
      ms: ms === undefined ? null : round(ms, 2),
      ok: isOk(pick),
      ...(id !== undefined ? { id } : {}),
      ...(pick.reused !== undefined ? { reused: pick.reused } : {}),
    });
  }
  return out;
}

/** The first wave's answer times, ascending (null: no answer, last), evenly thinned by rank beyond MAX_FIRST_WAVE. */
export function firstWaveAnswers(ms: readonly (number | null)[]): (number | null)[] {
  const sorted = ms.map((x) => x ?? Infinity).sort((a, b) => a - b);
  const n = sorted.length;
  const keep = n <= MAX_FIRST_WAVE ? sorted : Array.from({ length: MAX_FIRST_WAVE }, (_, i) => sorted[Math.round((i * (n - 1)) / (MAX_FIRST_WAVE - 1))]!);
  return keep.map((x) => (Number.isFinite(x) ? round(x, 1) : null));
}

export function streamLanes(stats: StreamData): StreamLanes | undefined {
  if (!stats.lanes?.lanes.length) return undefined;
  const lanes = stats.lanes.lanes.map(({ stream, events }) => ({ stream, events: events.map((e) => ({ ...e, t: round(e.t, 1) })) }));
  return { ...(stats.identity ? { field: stats.identity.field } : {}), lanes, truncated: stats.lanes.truncated };
}

export function inFlightWindows(windows: readonly InFlightWindow[]): InFlightResult[] {
  return windows.slice(0, MAX_IN_FLIGHT).map((w) => ({ actor: w.actor, label: w.label, startMs: round(w.startMs, 1), endMs: round(w.endMs, 1) }));
}
