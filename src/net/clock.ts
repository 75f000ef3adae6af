// One monotonic clock per run: ms since the run's start (performance.now, never wall time).
import { performance } from 'node:perf_hooks';

export class Clock {
  readonly startedAt = new Date();

  /** @param origin the performance.now() taken as time 0 (a worker thread passes its own, see fromAbsolute). */
  constructor(private readonly origin = performance.now()) {}

  now(): number {
    return performance.now() - this.origin;
  }

  /** Time 0 as an absolute high-resolution timestamp, to share this clock with a worker thread. */
  get absoluteOrigin(): number {
    return performance.timeOrigin + this.origin;
  }

  /** The same clock in another thread (whose performance.now() counts from its own start). */
  static fromAbsolute(absoluteOrigin: number): Clock {
    return new Clock(absoluteOrigin - performance.timeOrigin);
  }
}
