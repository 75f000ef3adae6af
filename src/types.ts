// The data that flows through wobbly's stages:
// Scenario → (actors) → Sample → RunData → Analysis → Verdict[] → RunResult → report string.

import type { Secrets } from './scenario/secrets.js';

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
  /** keep-alive (default): reuse connections; new: a new connection per request. */
  connection?: 'keep-alive' | 'new';
  /** keep-alive only: a fixed set of this many connections, used in turn (default: as many as needed). */
  connections?: number;
  /** Sequential requests of the calibration (unloaded latency, the stall threshold's base), within its 3 s (default 100). */
  calibrationRequests?: number;
}

export interface RequestSpec extends HttpSpec {
  kind: 'request';
  name: string;
  atMs: number;
  count: number;
}

/** K concurrent streamed responses (SSE, or plain chunked text read line by line). */
export interface StreamSpec extends HttpSpec {
  kind: 'stream';
  name: string;
  streams: number;
  format: 'sse' | 'lines';
  atMs: number;
  /** Stream i is opened at atMs + i × rampUpMs / streams. */
  rampUpMs: number;
  /** Events each stream should deliver; one that ends with fewer ended early. */
  events?: number;
  /** A stream with no event for longer than this stalled (default max(1 s, 10 × the median gap)). */
  stallGapMs?: number;
  /** The extracted field that should stay the same within a stream (default: the first from: event field). */
  identity?: string;
}


/** A server wobbly starts itself; "{port}" in command, env and target becomes a free loopback port. */
export interface ServerSpec {
  command: string;
  /** Absolute directory (relative ones are resolved against the scenario file). */
  cwd?: string;
  env: Record<string, string>;
  /** The params, as WOBBLY_PARAM_<name> variables: a ${name} in the command expands one of them (never shell text). */
  paramEnv?: Record<string, string>;
  /** Ready when GET on this path answers below 500. */
  readyPath: string;
  readyTimeoutMs: number;
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

export type ActorSpec = ProbeSpec | RequestSpec | StreamSpec | LoadSpec | SweepSpec;

export interface Scenario {
  name: string;
  description: string;
  params: Record<string, ParamValue>;
  target: string;
  durationMs: number;
  /** End once every bounded actor is done (probes without stop then too); durationMs is then a cap. */
  endWhenDone?: boolean;
  bucketMs: number;
  actors: ActorSpec[];
  expect: string[];
  server?: ServerSpec;
  /** Where it came from: a file path, or "builtin:<name>". */
  source: string;
  /** Line of each of the file's expect: entries (for CI annotations). */
  expectLines?: (number | undefined)[];
  /** Values taken from the environment (${env:NAME}, --set x=@env:NAME): masked in every report. */
  secrets?: Secrets;
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
  /** Whether the request went out on a reused keep-alive connection (undefined: unknown). */
  reused?: boolean;
}

export type VerdictStatus = 'detected' | 'clear' | 'inconclusive';

/** A verdict as the JSON result carries it; each rule (src/verdicts/) types its own evidence. */
export interface Verdict {
  /** One of VERDICT_IDS (src/verdicts/registry.ts); a saved result may hold one from another version. */
  id: string;
  status: VerdictStatus;
  summary: string;
  hint: string;
  evidence: Record<string, unknown>;
}
