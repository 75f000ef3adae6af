// wobbly's own event-loop delay during a run. If wobbly itself lagged while a server seemed to
// stall, the stall may be ours: the verdict then says "inconclusive", never a false stall.
import { LatencyHistogram } from '../metrics/latency-histogram.js';
import type { LagEpisode, RunData } from '../run-data/types.js';


const TICK_MS = 10;
/** Lags above this are kept as episodes with their time, for overlap checks against stalls. */
const EPISODE_MS = 20;
const MAX_EPISODES = 10_000;

export class LoopLagMonitor {
  readonly histogram = new LatencyHistogram('fine');
  readonly episodes: LagEpisode[] = [];
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

  private tick(): void {
    const t = this.now();
    const lag = Math.max(0, t - this.expected);
    this.histogram.record(lag);
    if (lag >= EPISODE_MS && this.episodes.length < MAX_EPISODES) this.episodes.push({ startMs: t - lag, endMs: t, lagMs: lag });
    this.expected = t + TICK_MS;
  }

  toData(): RunData['self'] {
    return { loopLag: this.histogram.toData(), episodes: this.episodes.map((e) => ({ ...e })) };
  }
}

/** The longest own lag overlapping [startMs, endMs]. */
export function maxLagDuring(episodes: readonly LagEpisode[], startMs: number, endMs: number): number {
  let max = 0;
  for (const e of episodes) if (e.endMs >= startMs && e.startMs <= endMs) max = Math.max(max, e.lagMs);
  return max;
}
