// wobbly's own event-loop delay during a run. If wobbly itself lagged while a server seemed to
// stall, the stall may be ours: the verdict then says "inconclusive", never a false stall.
import { LatencyHistogram } from '../metrics/latency-histogram.js';

const TICK_MS = 10;
/** Every lag above timer jitter is kept: on a busy machine wobbly loses the CPU in many short slices. */
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

  /** The longest single own lag overlapping [startMs, endMs]. */
  maxLagDuring(startMs: number, endMs: number): number {
    let max = 0;
    for (let i = 0; i < this.lags.length; i++) {
      const lag = this.lags[i]!;
      const end = this.ends[i]!;
      if (end >= startMs && end - lag <= endMs) max = Math.max(max, lag);
    }
    return max;
  }
}
