// What an actor gets from the engine: the clock, the target, the stop signal, where samples go.
import type { Clock } from '../engine/clock.js';
import type { ActorRecorder } from '../metrics/actor-recorder.js';
import type { Health } from '../load/protocol.js';
import type { Sample } from '../types.js';

export interface ActorContext {
  clock: Clock;
  /** scheme://host:port of the target. */
  origin: string;
  /** Path prefix of the target URL ("" or "/api"). */
  basePath: string;
  durationMs: number;
  /** Fires at the run's deadline, on Ctrl-C, or when the target is gone. */
  stop: AbortSignal;
  recorder: ActorRecorder;
  /** Every sample goes through here (the engine watches for a dead target). */
  onSample(sample: Sample): void;
  /** Probes measure timing on this thread: load threads then yield the CPU to it. */
  probesRun: boolean;
  /** The same watch for actors that aggregate elsewhere (load worker threads): their latest answer and "nobody listens" error. */
  onHealth(health: Health): void;
}
