// Messages between the load actor (main thread) and its worker threads.
import type { RecorderDelta } from '../metrics/actor-recorder.js';
import type { LoadMeterData } from '../metrics/load-meter.js';
import type { ExtractSpec } from '../types.js';
import type { TlsTrust } from '../net/tls.js';

/** What a worker thread is started with: the request and the plumbing, for all its phases. */
export interface LoadWorkerData {
  /** The run clock's zero (Clock.absoluteOrigin): the worker's timestamps are on the run clock. */
  absoluteOrigin: number;
  /** scheme://host:port */
  origin: string;
  /** --ca / --insecure, for the worker's TLS connections. */
  trust?: TlsTrust;
  method: string;
  /** Path with the target's base path. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  bucketMs: number;
  slotMs: number;
  extract: Record<string, ExtractSpec>;
  reportEveryMs: number;
  userAgent: string;
  /** Nice value of the worker thread (lower priority than the probes' thread). */
  nice: number;
}

/** One closed-model phase (a load, or a sweep's step): this worker's share of the connections. */
export interface PhaseOrder {
  type: 'phase';
  connections: number;
  /** Start sending at this time (run clock); the thread is started earlier, so its start-up does not count. */
  startAtMs: number;
  /** No request is sent at or after this time (run clock). */
  sendUntilMs: number;
  /** Shared request counter for `amount` (ab -n), claimed with Atomics across workers. */
  amount?: { counter: SharedArrayBuffer; limit: number };
}

/** Is anybody listening? For the engine's "target is gone" watch. */
export interface Health {
  /** Latest answer (any HTTP status) seen. */
  lastAnswerMs?: number;
  /** First "nobody listens" error after that answer. */
  down?: { atMs: number; error: string };
}

/** ready: started up; progress: this phase's counts so far (cheap, a few times a second); done: everything, once. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; requests: number; failures: number; health: Health }
  | { type: 'done'; delta: RecorderDelta; health: Health; meter: LoadMeterData; lag: { p99Ms: number; maxMs: number } };

/** abort: stop the phase now, requests in flight are "unfinished". */
export type ToWorker = PhaseOrder | { type: 'abort' };
