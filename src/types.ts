// The data that flows through wobbly's stages:
// Scenario → (actors) → Sample → ActorRecord → Analysis → Verdict[] → RunResult → report string.

export type ParamValue = string | number | boolean;

/** What to pull out of a response (or an SSE event) and count as an identity. */
export interface ExtractSpec {
  from: 'body' | 'event' | 'header';
  /** Regex with one capture group (or the whole match when there is none). */
  regex?: string;
  /** JSON pointer (RFC 6901), e.g. "/0" or "/worker/pid". */
  json?: string;
  /** Header name, with from: header. */
  header?: string;
}

export interface HttpSpec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  extract: Record<string, ExtractSpec>;
}

export interface ProbeSpec extends HttpSpec {
  kind: 'probe';
  name: string;
  ratePerSec: number;
  startMs: number;
  stopMs?: number;
  maxInFlight: number;
  stallThresholdMs?: number;
}

export interface RequestSpec extends HttpSpec {
  kind: 'request';
  name: string;
  atMs: number;
  count: number;
}

/** What a load and a sweep share: the request, the closed model's plumbing, the service time. */
export interface ClosedModelSpec extends HttpSpec {
  name: string;
  startMs: number;
  /** Declared unloaded service time S (no calibration then). */
  serviceTimeMs?: number;
  /** Sequential requests that measure S before the run (after one that connects); 0: none. */
  calibrationRequests: number;
  /** Worker threads the connections are spread over. */
  workers: number;
}

/** Closed model like `ab -c N -n K`: N connections, each sends its next request when answered. */
export interface LoadSpec extends ClosedModelSpec {
  kind: 'load';
  connections: number;
  /** Total requests (ab -n); without it the load sends until `durationMs` or the end of the run. */
  amount?: number;
  /** How long it sends (requests in flight then are waited for); default: until the end of the run. */
  durationMs?: number;
}

/** The load repeated over connection counts, one step after another. */
export interface SweepSpec extends ClosedModelSpec {
  kind: 'sweep';
  /** Connection counts, ascending. */
  steps: number[];
  /** How long each step sends (its requests in flight are then waited for); unset: until its amount is sent. */
  stepMs?: number;
  /** Requests per step instead of (or as well as) stepMs. */
  amount?: number;
  /** Quiet time between steps. */
  pauseMs: number;
}

export type ActorSpec = ProbeSpec | RequestSpec | LoadSpec | SweepSpec;

export interface Scenario {
  name: string;
  description: string;
  params: Record<string, ParamValue>;
  target: string;
  durationMs: number;
  bucketMs: number;
  actors: ActorSpec[];
  expect: string[];
  /** Where it came from: a file path, or "builtin:<name>". */
  source: string;
}

/** One finished (or failed, or missed) request. Times are ms since the run's start, monotonic. */
export interface Sample {
  /** When it should have been sent (open model) or was sent (closed model). */
  scheduledMs: number;
  sentMs: number;
  endMs: number;
  /** HTTP status, 0 when there was no response. */
  status: number;
  /** Error code: ECONNREFUSED, timeout, missed, ... */
  error?: string;
  bytes: number;
  ids?: Record<string, string>;
}

export type VerdictId = 'event-loop-stall' | 'pool-starvation' | 'serialized' | 'thread-hopping' | 'head-of-line-blocking';
export type VerdictStatus = 'detected' | 'clear' | 'inconclusive';

export interface Verdict {
  id: VerdictId;
  status: VerdictStatus;
  summary: string;
  hint: string;
  evidence: Record<string, unknown>;
}
