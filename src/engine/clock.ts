// One monotonic clock per run: ms since the run's start (performance.now, never wall time).
import { performance } from 'node:perf_hooks';

export class Clock {
  private readonly origin = performance.now();
  readonly startedAt = new Date();

  now(): number {
    return performance.now() - this.origin;
  }
}
