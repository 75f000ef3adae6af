// What an actor gets from the engine: the clock, the target, the stop signal, where samples go.
import type { Clock } from '../net/clock.js';
import type { Target } from '../net/target.js';
import type { ActorRecorder } from '../metrics/actor-recorder.js';
import type { Health } from '../load/protocol.js';
import type { Sample } from '../types.js';

export interface ActorContext {
  clock: Clock;
  /** The target, parsed once by the engine. */
  target: Target;
  durationMs: number;
  /** Fires at the run's deadline, on Ctrl-C, or when the target is gone. */
  stop: AbortSignal;
  recorder: ActorRecorder;
  /** Every sample goes through here (the engine watches for a dead target). */
  onSample(sample: Sample): void;
  /** Probes measure timing on this thread: load threads then yield the CPU to it. */
  probesRun: boolean;
  /** Nice value of the load threads when probes run (see RunOptions.loadNice). */
  loadNice: number;
  /** The same watch for actors that aggregate elsewhere (load worker threads): their latest answer and "nobody listens" error. */
  onHealth(health: Health): void;
}
