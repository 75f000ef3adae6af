// One monotonic clock per run: ms since the run's start (performance.now, never wall time).
import { performance } from 'node:perf_hooks';

export class Clock {
  private readonly origin: number;
  readonly startedAt = new Date();

  /** A new clock starts now; given the epoch origin of another one, it reads the same time (worker threads). */
  constructor(epochOriginMs?: number) {
    this.origin = epochOriginMs === undefined ? performance.now() : epochOriginMs - performance.timeOrigin;
  }

  now(): number {
    return performance.now() - this.origin;
  }

  /** This clock's zero on the timeOrigin scale: a worker thread, whose performance.now() counts from its own start, rebuilds the clock from it. */
  get epochOriginMs(): number {
    return performance.timeOrigin + this.origin;
  }
}
