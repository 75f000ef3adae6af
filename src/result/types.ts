// The JSON result (DESIGN.md §5): a public interface read by CI and scripts, and the only input
// of the reporters (so `wobbly report result.json` re-renders any saved run).
import type { TimelineBucket } from '../metrics/timeline.js';
import type { Verdict } from '../types.js';
import type { BaselineComparison } from '../baseline/types.js';
import type { BlockData } from '../baseline/blocks.js';

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  min: number;
  mean: number;
}

export interface ActorSummary {
  requests: number;
  failures: number;
  /** Requests still in flight when the run ended (not failures). */
  unfinished: number;
  rps: number;
  bytes: number;
  latencyMs: LatencySummary;
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
}

export interface ActorResult {
  kind: string;
  /** "GET /live" */
  request: string;
  summary: ActorSummary;
  timeline: TimelineBucket[];
  /** The run's time blocks with their latency histograms: what a later run's baseline comparison needs. */
  blocks?: BlockData;
  identities: Record<string, Record<string, number>>;
  /** Probe actors: how stalls were judged. */
  probe?: { ratePerSec: number; unloadedP99Ms: number; stallThresholdMs: number; missed: number };
  /** Stream actors: how the streams went (the summary above counts events; see StreamSummary). */
  stream?: StreamSummary;
  /** Request actors: each request (there are few). */
  requests?: { sentMs: number; endMs: number; latencyMs: number; status: number; error?: string }[];
  /** Load actors: the ab-like summary and the effective concurrency. */
  load?: LoadPhaseResult;
  /** Sweep actors: one ab-like summary and estimate per step, and the knee. */
  sweep?: SweepResult;
  /** For charts (HTML report): the latency at percentiles spaced for a log plot (HDR percentile plot), at most ~70 points. */
  latencyDistribution?: PercentilePoint[];
  /** Load and sweep actors: hey's latency histogram (10 equal-width buckets from the fastest to the slowest answer). */
  latencyHistogram?: HistogramBucket[];
  /** For charts: probe and request actors' requests over time (at most MAX_POINTS; when thinned, the slowest of each run is kept). */
  points?: RequestPoint[];
}

/** Answers with a latency above the previous bucket's upToMs and at most this one's. */
export interface HistogramBucket {
  upToMs: number;
  count: number;
}

/** The latency at a percentile (0..100). */
export interface PercentilePoint {
  percentile: number;
  ms: number;
}

/** One request, for charts: due time (ms since the start), latency (null: no answer), the identity field's value and connection reuse when known. */
export interface RequestPoint {
  t: number;
  ms: number | null;
  ok: boolean;
  id?: string;
  reused?: boolean;
}

/** A request (or a load phase) in flight, for charts: shaded on the timelines. */
export interface InFlightResult {
  actor: string;
  label: string;
  startMs: number;
  endMs: number;
}

/** Per-stream event times and identity values, for swimlanes: the first streams and events only. */
export interface StreamLanes {
  /** The identity field the values are of. */
  field?: string;
  lanes: { stream: number; events: { t: number; id?: string }[] }[];
  /** More streams or events were seen than are kept. */
  truncated: boolean;
}

/** What `ab -c N` prints, for one closed-model phase (a load, or one step of a sweep). */
export interface AbSummary {
  /** Concurrency Level */
  connections: number;
  /** Time taken for tests: first request sent → last answer (ms). */
  timeTakenMs: number;
  /** Complete requests: answered or failed (not cut short by the end of the run). */
  complete: number;
  /** Failed requests: HTTP status ≥ 400 or no answer; failureReasons says which ("HTTP 503", "timeout", ...). */
  failed: number;
  failureReasons: Record<string, number>;
  /** Still in flight when the run ended (not counted above). */
  unfinished: number;
  /** Requests per second: complete / time taken. */
  requestsPerSec: number;
  /** Time per request (mean): connections × time taken / complete. */
  timePerRequestMs: number;
  /** Time per request (mean, across all concurrent requests): time taken / complete. */
  timePerRequestAllMs: number;
  /** Total transferred: every byte received (heads, bodies, framing); bodyBytes: bodies only. */
  totalBytes: number;
  bodyBytes: number;
  /** Transfer rate: KB (1024 bytes) received per second. */
  transferKBps: number;
  /** Percentage of the requests (answered OK) served within a certain time: "50" … "100" → ms. */
  servedWithinMs: Record<string, number>;
}

/** Effective concurrency of one phase (see src/analysis/concurrency.ts). */
export interface ConcurrencyResult {
  effectiveConcurrency: number | null;
  serviceTimeMs: number | null;
  serviceTimeSource: 'calibrated' | 'declared' | 'none';
  throughputRps: number | null;
  latencyUnderLoadMs?: number;
  turnaroundMs?: number;
  window?: { startMs: number; endMs: number; requests: number };
  /** answerMs (for charts): the answer time of each connection's first request, ascending (null: no answer), at most 500 (evenly by rank). */
  firstWave: { requests: number; served: number; withinMs: number; group?: number; nextGroupMs?: number; answerMs?: (number | null)[] };
  poolSizeEstimate?: number;
  /** The intervals the decision was made from (see src/analysis/concurrency.ts). */
  concurrencyInterval?: { lo: number; hi: number };
  poolSizeInterval?: { lo: number; hi: number };
  /** Sizes of the clean waves of answers while every connection was busy. */
  waves?: number[];
  /** Inconclusive because the interval straddles the threshold: a load of about this length would decide. */
  decideAfterMs?: number;
  outcome: 'clear' | 'overhead' | 'pool' | 'serialized' | 'inconclusive';
  reason?: string;
  clientLagMs: { p99: number; max: number };
}

export interface LoadPhaseResult extends AbSummary {
  concurrency: ConcurrencyResult;
  /** For charts: when the phase began and when its last request ended (ms since the run's start). */
  startMs?: number;
  endMs?: number;
}

export interface SweepResult {
  steps: LoadPhaseResult[];
  /** First step where the server stopped keeping up, and the concurrency limit estimated there. */
  knee?: { connections: number; limit: number };
  maxEffectiveConcurrency?: number;
  best?: { connections: number; throughputRps: number };
}

/** A stream actor's streams. In its `summary`, each event is a request whose latency is the gap since the previous one. */
export interface StreamSummary {
  format: 'sse' | 'lines';
  /** Streams started, and those that got a 2xx response. */
  streams: number;
  responded: number;
  /** How they ended: every expected event; early (fewer events, cut off, mid-event); no 2xx response; still open at the end. */
  complete: number;
  endedEarly: number;
  failed: number;
  open: number;
  endedEarlyBy: Record<string, number>;
  failedBy: Record<string, number>;
  /** Streams that went longer than stallGapMs without an event (waiting for the first one included). */
  stalled: number;
  stallGapMs: number;
  longestSilenceMs: number;
  expectedEvents?: number;
  events: number;
  eventsPerSec: number;
  eventsPerStream: { min: number; max: number };
  maxOpen: number;
  bytes: number;
  /** From the request to a stream's first event, and between consecutive events. */
  firstEventMs: { p50: number; p90: number; p99: number; max: number };
  gapMs: { p50: number; p90: number; p99: number; max: number };
  /** Self-check: the loop lag of the thread that read the streams, and whether it explains the stalls (then they may be wobbly's). */
  ownLagMs?: { thread: 'worker' | 'main'; p99: number; max: number; explainsStalls: boolean };
  /** For charts: each stream's events (swimlanes). */
  lanes?: StreamLanes;
}

export interface ExpectationResult {
  expr: string;
  pass: boolean;
  /** What was found, as the reports print it: "25 ms", "99.5 rps", "0.5%", "detected", "not measured (…)". */
  actual: string;
  /** Line of the expect: entry in the scenario file (none for --expect). */
  line?: number;
  /** The measured number in its unit (ms, requests per second, a fraction 0..1, a count): for scripts. */
  value?: number;
  unit?: 'ms' | 'rps' | 'ratio' | 'count';
  /** A verdict expectation: the status the verdict had. Neither value nor status: nothing was measured (then it failed; actual says why). */
  status?: Verdict['status'];
}

/** An actor whose requests mostly failed (see src/result/request-failures.ts). */
export interface FailedActor {
  actor: string;
  request: string;
  requests: number;
  failures: number;
  /** "HTTP 404", "ECONNRESET", … → count */
  reasons: Record<string, number>;
  /** A detected verdict whose evidence these failures are (then the run may pass). */
  explainedBy?: string;
}

export interface RunResult {
  schemaVersion: 1;
  tool: { name: 'wobbly'; version: string };
  scenario: { name: string; description: string; source: string; params: Record<string, string | number | boolean> };
  target: string;
  startedAt: string;
  durationMs: number;
  /** Time before the measured run: the reachability check and calibration (not in durationMs). */
  preflightMs?: number;
  bucketMs: number;
  partial: boolean;
  stoppedBy?: 'interrupt' | 'target-down';
  targetDown?: { atMs: number; error: string };
  self: { eventLoopDelayP99Ms: number; eventLoopDelayMaxMs: number };
  /** The server wobbly started for this run, if any. */
  server?: { command: string; pid?: number; port?: number; exitedDuringRun?: { code: number | null; signal: string | null }; logTail?: string[] };
  actors: Record<string, ActorResult>;
  verdicts: Verdict[];
  expectations: ExpectationResult[];
  /** Actors whose requests mostly failed: reported first; unexplained ones fail the run. */
  failedActors?: FailedActor[];
  /** With --baseline: the comparison, and whether a metric regressed (then pass is false). */
  baseline?: BaselineComparison;
  /** For charts: what was in flight when (requests, load phases), at most 200. */
  inFlight?: InFlightResult[];
  /** With --fail-on: the verdicts that made the run fail. */
  failOn?: { level: 'detected' | 'inconclusive'; verdicts: string[] };
  pass: boolean;
}
