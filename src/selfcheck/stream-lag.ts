// The event-loop lag of the thread that read a stream actor's streams (its worker thread, or the
// main thread below OFF_THREAD_STREAMS streams), self-checked like the probe thread's: a thread
// that lagged reads events late, so gaps it can explain are not the server's.
import type { StreamLag } from '../run-data/types.js';
import type { LoopLagMonitor } from './loop-lag.js';

export type { StreamLag };

export function streamLagOf(monitor: LoopLagMonitor, thread: StreamLag['thread']): StreamLag {
  const h = monitor.histogram;
  // A percentile read back from the histogram is its bucket's upper edge, which can pass the exact max.
  return { thread, p99Ms: Math.min(h.percentile(99), h.maxMs), maxMs: h.maxMs };
}

/**
 * The rule the probes' stalls use (event-loop-stall): our own lag explains a silence when it is at
 * least half of it and half of the threshold. No stalled stream: nothing to explain.
 */
export function ownLagExplainsGaps(lag: StreamLag | undefined, stalled: { streams: number; longestMs: number }, stallGapMs: number): boolean {
  return lag !== undefined && stalled.streams > 0 && lag.maxMs >= Math.max(stallGapMs / 2, stalled.longestMs / 2);
}
