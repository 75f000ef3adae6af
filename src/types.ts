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

export type ActorSpec = ProbeSpec | RequestSpec;

/** A server wobbly starts itself; "{port}" in command, env and target becomes a free loopback port. */
export interface ServerSpec {
  command: string;
  /** Absolute directory (relative ones are resolved against the scenario file). */
  cwd?: string;
  env: Record<string, string>;
  /** Ready when GET on this path answers below 500. */
  readyPath: string;
  readyTimeoutMs: number;
}

export interface Scenario {
  name: string;
  description: string;
  params: Record<string, ParamValue>;
  target: string;
  durationMs: number;
  bucketMs: number;
  actors: ActorSpec[];
  expect: string[];
  server?: ServerSpec;
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
