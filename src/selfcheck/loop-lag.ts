// wobbly's own event-loop delay during a run. If wobbly itself lagged while a server seemed to
// stall, the stall may be ours: the verdict then says "inconclusive", never a false stall.
import { LatencyHistogram } from '../metrics/latency-histogram.js';

const TICK_MS = 10;
/** Lags above this count as "wobbly lagged" episodes (maxLagDuring, the report's mentions). */
const EPISODE_MS = 20;
/**
 * Every lag above timer jitter is kept for lagDuring: on a busy machine wobbly loses the CPU in
 * many short slices, and a probe's latency adds them all up (ten 15 ms lags delay it 150 ms).
 */
const KEEP_MS = 1;
/** An hour of ticks at 100/s: 16 bytes each, bounded. */
const MAX_KEPT = 360_000;

export class LoopLagMonitor {
  readonly histogram = new LatencyHistogram('fine');
  private readonly ends: number[] = [];
  private readonly lags: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private expected = 0;

  constructor(private readonly now: () => number) {}

  start(): void {
    this.expected = this.now() + TICK_MS;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Records the lag of a tick that ran at `t`; public so the arithmetic can be tested without timers. */
  record(t: number): void {
    const lag = Math.max(0, t - this.expected);
    this.histogram.record(lag);
    if (lag >= KEEP_MS && this.lags.length < MAX_KEPT) {
      this.ends.push(t);
      this.lags.push(lag);
    }
    this.expected = t + TICK_MS;
  }

  private tick(): void {
    this.record(this.now());
  }

  /** The longest single own lag (of EPISODE_MS or more) overlapping [startMs, endMs]. */
  maxLagDuring(startMs: number, endMs: number): number {
    let max = 0;
    for (let i = 0; i < this.lags.length; i++) {
      const lag = this.lags[i]!;
      const end = this.ends[i]!;
      if (lag >= EPISODE_MS && end >= startMs && end - lag <= endMs) max = Math.max(max, lag);
    }
    return max;
  }

  /** How long wobbly's loop was held up within [startMs, endMs] in all: the sum of its lags, cut to the window. */
  lagDuring(startMs: number, endMs: number): number {
    let total = 0;
    for (let i = 0; i < this.lags.length; i++) {
      const end = this.ends[i]!;
      const overlap = Math.min(end, endMs) - Math.max(end - this.lags[i]!, startMs);
      if (overlap > 0) total += overlap;
    }
    return total;
  }
}
