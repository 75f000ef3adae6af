// A stream actor's StreamStats → the `stream` section of its JSON result.
import type { LatencyHistogram } from '../metrics/latency-histogram.js';
import type { StreamStats } from '../metrics/stream-stats.js';
import { round } from '../metrics/timeline.js';
import type { StreamSpec } from '../types.js';
import type { StreamSummary } from './types.js';
import { streamLanes } from './chart-data.js';

/** Percentiles read back from the histogram may exceed its max by its precision: clamp them. */
const quantiles = (h: LatencyHistogram) => {
  const at = (p: number) => round(Math.min(h.percentile(p), h.maxMs), 2);
  return { p50: at(50), p90: at(90), p99: at(99), max: round(h.maxMs, 2) };
};

export function streamSummary(stats: StreamStats, spec: StreamSpec, runMs: number): StreamSummary {
  const stallGapMs = stats.stallGapMs(spec.stallGapMs);
  const stalled = stats.stalled(stallGapMs);
  const lanes = streamLanes(stats);
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
    stallGapMs: round(stallGapMs, 1),
    longestSilenceMs: round(stalled.longestMs, 1),
    ...(spec.events !== undefined ? { expectedEvents: spec.events } : {}),
    events: stats.events,
    eventsPerSec: runMs > 0 ? round(stats.events / (runMs / 1000), 2) : 0,
    eventsPerStream: { min: Number.isFinite(stats.minEventsPerStream) ? stats.minEventsPerStream : 0, max: stats.maxEventsPerStream },
    maxOpen: stats.maxOpen,
    bytes: stats.bytes,
    firstEventMs: quantiles(stats.firstEvent),
    gapMs: quantiles(stats.gaps),
    ...(lanes ? { lanes } : {}),
  };
}
