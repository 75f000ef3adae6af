// Stalled streams in a stream actor's data: read by the result's stream section and by the
// thread-hopping analysis (whose self-check asks whether wobbly's own lag explains them).
import { LatencyHistogram } from '../metrics/latency-histogram.js';
import type { StreamData } from '../run-data/types.js';

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
