// RunData: everything a run measured, as plain JSON-safe data (no Maps, typed arrays, Infinity or
// class instances). The engine settles its live recorders into it once the run is over; analysis,
// verdicts and the JSON result are computed from it alone, so a saved run (`wobbly run --raw`)
// is re-analysed by `wobbly analyse` to the same verdicts. Numbers are ms since the run's start
// (monotonic clock); "never" is null. Maps are [key, value] pairs: they keep their order (an
// object would sort integer-like keys such as pids and status codes).
import type { ActorSpec, Scenario } from '../types.js';

export const RUN_DATA_FORMAT = 'wobbly-run-data';
/** Bumped on any change a reader of an older file could misread. */
export const RUN_DATA_VERSION = 1;

/** An HDR histogram of latencies (LatencyHistogram.encode(): compressed, base64, µs) and its exact max. */
export interface HistogramData {
  precision: 'fine' | 'coarse';
  hdr: string;
  count: number;
  /** Decoding keeps every count but rounds the extremes to their buckets: the exact ones are kept here. */
  minMs: number;
  maxMs: number;
}

/** Counts of one actor or one closed-model phase. */
export interface CountsData {
  requests: number;
  failures: number;
  unfinished: number;
  bytes: number;
  statusCodes: [number, number][];
  errors: [string, number][];
  /** Latency of the answers with 2xx/3xx; null when there were none. */
  latency: HistogramData | null;
}

export interface TimelineData {
  bucketMs: number;
  /** Only buckets with a completion; i = floor(endMs / bucketMs). */
  buckets: { i: number; count: number; failures: number; latency: HistogramData | null }[];
}

/** A low-rate actor's samples (probes, single requests), column by column. */
export interface SampleColumns {
  scheduledMs: number[];
  sentMs: number[];
  endMs: number[];
  status: number[];
  bytes: number[];
  /** Index into `errors` (0: none). */
  error: number[];
  errors: string[];
  /** 0 unknown, 1 a new connection, 2 a reused keep-alive one. */
  conn: number[];
  /** Sample index → its extracted identities. */
  ids: [number, Record<string, string>][];
}

/** The identity values per stream, summed (what thread-hopping reads). */
export interface StreamIdentityData {
  field: string;
  streams: number;
  tooShort: number;
  hopping: number;
  maxDistinct: number;
  maxSwitches: number;
  switches: number;
  /** Distinct values per stream → streams. */
  distinctHistogram: [number, number][];
  examples: { stream: number; values: string[] }[];
}

/** The loop lag of the thread that read a stream actor's streams (self-check, selfcheck/stream-lag.ts). */
export interface StreamLag {
  thread: 'worker' | 'main';
  p99Ms: number;
  maxMs: number;
}

export interface StreamData {
  started: number;
  responded: number;
  ends: { complete: number; 'ended-early': number; failed: number; open: number };
  endedEarlyBy: [string, number][];
  failedBy: [string, number][];
  events: number;
  bytes: number;
  /** null: no stream had a response. */
  minEventsPerStream: number | null;
  maxEventsPerStream: number;
  maxOpen: number;
  firstEvent: HistogramData | null;
  gaps: HistogramData | null;
  /** Longest time without an event, per finished stream that had a response. */
  silencesMs: number[];
  identity: StreamIdentityData | null;
  /** Unset: not measured (a run saved before it was). */
  ownLag?: StreamLag;
  /** The first streams' events (at most 64 streams × 200 events), for the HTML swimlanes; absent in files written before it. */
  lanes?: StreamLanesData;
}

/** Per-stream event times (ms since the run's start) and identity values, the first streams and events only. */
export interface StreamLanesData {
  lanes: { stream: number; events: { t: number; id?: string }[] }[];
  /** More streams or events were seen than are kept. */
  truncated: boolean;
}

/** A closed-model load meter (see metrics/load-meter.ts), JSON-safe. */
export interface MeterData {
  slotMs: number;
  connections: number;
  okByEnd: number[];
  latencyByEnd: number[];
  gapSumMs: number;
  gapCount: number;
  wireBytes: number;
  /** Latency of each connection's first request; null: not answered. */
  firstWaveMs: (number | null)[];
  firstSentMs: number | null;
  lastSentMs: number | null;
  lastEndMs: number | null;
  /** When requests in flight were cut short; null: never. */
  stoppedAtMs: number | null;
}

/** One closed-model phase: a load's whole run, or one step of a sweep. */
export interface PhaseData {
  connections: number;
  startMs: number;
  sendUntilMs: number;
  endMs: number;
  aborted: boolean;
  counts: CountsData;
  /** This phase's extracted identities (field → [value, count]), as ActorData's; absent in older files. */
  identities?: [string, [string, number][]][];
  meter: MeterData;
  clientLag: { p99Ms: number; maxMs: number };
}

export interface ActorData {
  name: string;
  kind: ActorSpec['kind'];
  counts: CountsData;
  firstSentMs: number | null;
  lastEndMs: number;
  timeline: TimelineData;
  /** field → [value, count] in the order first seen. */
  identities: [string, [string, number][]][];
  /** Low-rate actors only. */
  samples?: SampleColumns;
  stream?: StreamData;
  phases: PhaseData[];
}

/** Unloaded latency of a probe, or a load's service time S, measured before the run. */
export interface Calibration {
  samples: number;
  /** Unloaded latency, the slowest of the calibration requests but the first (connection set-up). */
  p99Ms: number;
  p50Ms: number;
  /** The fastest calibration request but the first: S's spread below its median. */
  minMs?: number;
  /** Calibration requests answered with a status of 400 or more, and the first such status. */
  failures?: number;
  failedStatus?: number;
}

export interface LagEpisode {
  startMs: number;
  endMs: number;
  lagMs: number;
}

/** The server wobbly started for the run (set by the CLI, which started it). */
export interface ServerFacts {
  command: string;
  pid?: number;
  port?: number;
  exitedDuringRun?: { code: number | null; signal: string | null };
  logTail?: string[];
}

export interface RunData {
  format: typeof RUN_DATA_FORMAT;
  version: typeof RUN_DATA_VERSION;
  tool: { name: 'wobbly'; version: string };
  /** The scenario as run (params applied, target resolved). */
  scenario: Scenario;
  startedAt: string;
  /** Length of the measured run (ms). */
  durationMs: number;
  /** Time before the measured run: the reachability check and calibration (not in durationMs). */
  preflightMs?: number;
  partial: boolean;
  stoppedBy?: 'interrupt' | 'target-down';
  targetDown?: { atMs: number; error: string };
  /** Per probe and per calibrated load, by actor name. */
  calibration: Record<string, Calibration>;
  /** wobbly's own event-loop delay: its histogram, and the episodes over 20 ms with their time. */
  self: { loopLag: HistogramData | null; episodes: LagEpisode[] };
  /** In the scenario's order. */
  actors: ActorData[];
  server?: ServerFacts;
  /** Set by `wobbly run --shard I/N`: which share of the run this is (see src/shard/). */
  shard?: ShardData;
  /** Set by `wobbly merge`: the shards this run was merged from, by index. */
  mergedFrom?: MergedShard[];
}

/** How far a shard's wall clock is from the target's, estimated from its Date header (1 s resolution). */
export interface ClockOffset {
  method: 'date-header';
  /** Target clock − this clock (ms), the middle of the interval the round trips allow. */
  offsetMs: number;
  /** Half the width of that interval: the offset is offsetMs ± uncertaintyMs. */
  uncertaintyMs: number;
  roundTrips: number;
}

export interface ShardData {
  /** 0-based. */
  index: number;
  count: number;
  /** The scenario before the split: what `wobbly merge` checks the shards against and analyses the whole by. */
  whole: Scenario;
  /** --start-at, or null. */
  requestedStartAt: string | null;
  /** startedAt − requestedStartAt (ms): how late this shard started; null without --start-at. */
  startSkewMs: number | null;
  /** null: not measured (the target sent no usable Date header). */
  clockOffset: ClockOffset | null;
}

export interface MergedShard extends Omit<ShardData, 'whole'> {
  file: string;
  startedAt: string;
  /** Where its time 0 lies on the merged run's clock (ms, from the wall-clock starts). */
  shiftMs: number;
}
