// A stream actor's StreamData → the `stream` section of its JSON result.
import { round } from '../format.js';
import { LatencyHistogram } from '../metrics/latency-histogram.js';
import type { HistogramData, StreamData } from '../run-data/types.js';
import type { StreamSpec } from '../types.js';
import type { StreamSummary } from './types.js';

/** Percentiles read back from the histogram may exceed its max by its precision: clamp them. */
const quantiles = (d: HistogramData | null) => {
  const h = LatencyHistogram.fromData(d);
  const at = (p: number) => round(Math.min(h.percentile(p), h.maxMs), 2);
  return { p50: at(50), p90: at(90), p99: at(99), max: round(h.maxMs, 2) };
};

/** The stall gap in effect: the declared one, or max(1 s, 10 × the median gap). */
export function stallGapMs(stats: StreamData, declared: number | undefined): number {
  return declared ?? Math.max(1000, 10 * LatencyHistogram.fromData(stats.gaps).percentile(50));
}

/** Streams that went longer than gapMs without an event, and the longest silence. */
export function stalledStreams(stats: StreamData, gapMs: number): { streams: number; longestMs: number } {
  let streams = 0;
  let longestMs = 0;
  for (const s of stats.silencesMs) {
    longestMs = Math.max(longestMs, s);
    if (s > gapMs) streams++;
  }
  return { streams, longestMs };
}

export function streamSummary(stats: StreamData, spec: StreamSpec, runMs: number): StreamSummary {
  const gapMs = stallGapMs(stats, spec.stallGapMs);
  const stalled = stalledStreams(stats, gapMs);
  return {
    format: spec.format,
    streams: stats.started,
    responded: stats.responded,
    complete: stats.ends.complete,
    endedEarly: stats.ends['ended-early'],
    failed: stats.ends.failed,
    open: stats.ends.open,
    endedEarlyBy: Object.fromEntries(stats.endedEarlyBy),
    failedBy: Object.fromEntries(stats.failedBy),
    stalled: stalled.streams,
    stallGapMs: round(gapMs, 1),
    longestSilenceMs: round(stalled.longestMs, 1),
    ...(spec.events !== undefined ? { expectedEvents: spec.events } : {}),
    events: stats.events,
    eventsPerSec: runMs > 0 ? round(stats.events / (runMs / 1000), 2) : 0,
    eventsPerStream: { min: stats.minEventsPerStream ?? 0, max: stats.maxEventsPerStream },
    maxOpen: stats.maxOpen,
    bytes: stats.bytes,
    firstEventMs: quantiles(stats.firstEvent),
    gapMs: quantiles(stats.gaps),
  };
}
