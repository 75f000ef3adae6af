// Online aggregation of one actor's samples: counts, latency histogram, timeline, identities,
// and (for low-rate actors) the raw samples the analysis needs.
import type { ActorData, CountsData, PhaseData } from '../run-data/types.js';
import type { ActorSpec, Sample } from '../types.js';
import { LatencyHistogram } from './latency-histogram.js';
import { meterToData, type LoadMeterData } from './load-meter.js';
import { SampleLog } from './sample-log.js';
import type { StreamStats } from './stream-stats.js';
import { Timeline, type BucketDelta } from './timeline.js';

/**
 * What a recorder counted since its last takeDelta(), in a form a worker thread can post
 * (histograms encoded): the load actor's workers aggregate for themselves and hand these over.
 */
export interface RecorderDelta {
  requests: number;
  failures: number;
  unfinished: number;
  bytes: number;
  firstSentMs: number;
  lastEndMs: number;
  statusCodes: [number, number][];
  errors: [string, number][];
  /** LatencyHistogram.encode()d. */
  latency: string | undefined;
  buckets: BucketDelta[];
  identities: [string, [string, number][]][];
}

/** One closed-model phase: a load actor's whole run, or one step of a sweep. */
export interface LoadPhase {
  connections: number;
  /** When the phase began and stopped sending, and when its last request ended (run clock, ms). */
  startMs: number;
  sendUntilMs: number;
  endMs: number;
  /** Stopped by the end of the run (or Ctrl-C) with requests in flight. */
  aborted: boolean;
  /** This phase's own counts (the actor's recorder has every phase). */
  recorder: ActorRecorder;
  meter: LoadMeterData;
  /** Event-loop delay of the load's worker threads: a client that lags is the bottleneck. */
  clientLag: { p99Ms: number; maxMs: number };
}

/** Errors that carry a latency (a lower bound): the server did not answer in time. */
export const LATE_ERRORS = new Set(['timeout', 'missed', 'unfinished']);

export function isOk(s: Sample): boolean {
  return !s.error && s.status >= 200 && s.status < 400;
}

/** Latency counted from the scheduled time; undefined when there was no answer nor a timeout. */
export function latencyOf(s: Sample): number | undefined {
  if (s.status > 0 || (s.error && LATE_ERRORS.has(s.error))) return s.endMs - s.scheduledMs;
  return undefined;
}

export class ActorRecorder {
  requests = 0;
  failures = 0;
  unfinished = 0;
  bytes = 0;
  firstSentMs = Infinity;
  lastEndMs = 0;
  readonly statusCodes = new Map<number, number>();
  readonly errors = new Map<string, number>();
  readonly latency = new LatencyHistogram('fine');
  readonly timeline: Timeline;
  readonly identities = new Map<string, Map<string, number>>();
  readonly log: SampleLog | undefined;
  /** Stream actors: per-stream facts (set by the stream runner). */
  stream: StreamStats | undefined;
  /** Closed-model phases measured by a load (one) or a sweep (one per step). */
  readonly phases: LoadPhase[] = [];
  /** Counted by worker threads but not merged yet: for the progress line. */
  readonly live = { requests: 0, failures: 0 };
  private deferred: RecorderDelta[] = [];

  constructor(
    readonly name: string,
    readonly kind: string,
    bucketMs: number,
    keepSamples: boolean,
  ) {
    this.timeline = new Timeline(bucketMs);
    this.log = keepSamples ? new SampleLog() : undefined;
  }

  record(s: Sample): void {
    this.log?.push(s);
    if (s.error === 'unfinished') {
      this.unfinished++;
      return;
    }
    this.requests++;
    const ok = isOk(s);
    if (!ok) this.failures++;
    this.bytes += s.bytes;
    if (Number.isFinite(s.sentMs)) this.firstSentMs = Math.min(this.firstSentMs, s.sentMs);
    this.lastEndMs = Math.max(this.lastEndMs, s.endMs);
    if (s.status) this.statusCodes.set(s.status, (this.statusCodes.get(s.status) ?? 0) + 1);
    if (s.error) this.errors.set(s.error, (this.errors.get(s.error) ?? 0) + 1);
    const latency = latencyOf(s);
    if (latency !== undefined && ok) this.latency.record(latency);
    this.timeline.record(s.endMs, ok, ok ? latency : undefined);
    if (s.ids) this.countIds(s.ids);
  }

  /** Count identity values (per response, per event, or per stream for a stream's headers). */
  countIds(ids: Record<string, string>): void {
    for (const [field, value] of Object.entries(ids)) {
      let counts = this.identities.get(field);
      if (!counts) this.identities.set(field, (counts = new Map()));
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
  }

  /** Everything recorded since the last call, then forgotten (samples are not part of it). */
  takeDelta(): RecorderDelta {
    const d: RecorderDelta = {
      requests: this.requests,
      failures: this.failures,
      unfinished: this.unfinished,
      bytes: this.bytes,
      firstSentMs: this.firstSentMs,
      lastEndMs: this.lastEndMs,
      statusCodes: [...this.statusCodes],
      errors: [...this.errors],
      latency: this.latency.count ? this.latency.encode() : undefined,
      buckets: this.timeline.drain(),
      identities: [...this.identities].map(([field, counts]) => [field, [...counts]]),
    };
    this.requests = this.failures = this.unfinished = this.bytes = 0;
    this.statusCodes.clear();
    this.errors.clear();
    this.latency.reset();
    this.identities.clear();
    return d;
  }

  /**
   * Keeps a worker thread's delta to merge after the run: decoding its histograms takes
   * milliseconds (tens on a busy machine), a delay the probes on this thread would see.
   */
  defer(d: RecorderDelta): void {
    this.deferred.push(d);
  }

  /** Merges what was deferred (here and in the phases' recorders); call once the run is over. */
  settle(): void {
    for (const d of this.deferred) this.merge(d);
    this.deferred = [];
    this.live.requests = this.live.failures = 0;
    for (const p of this.phases) p.recorder.settle();
  }

  /** Its counts as RunData keeps them (call after settle()). */
  countsData(): CountsData {
    return {
      requests: this.requests,
      failures: this.failures,
      unfinished: this.unfinished,
      bytes: this.bytes,
      statusCodes: [...this.statusCodes],
      errors: [...this.errors],
      latency: this.latency.toData(),
    };
  }

  /** Everything it recorded, as plain data (call after settle()). */
  toData(kind: ActorSpec['kind']): ActorData {
    return {
      name: this.name,
      kind,
      counts: this.countsData(),
      firstSentMs: Number.isFinite(this.firstSentMs) ? this.firstSentMs : null,
      lastEndMs: this.lastEndMs,
      timeline: this.timeline.toData(),
      identities: [...this.identities].map(([field, counts]) => [field, [...counts]]),
      ...(this.log ? { samples: this.log.toData() } : {}),
      ...(this.stream ? { stream: this.stream.toData() } : {}),
      phases: this.phases.map(phaseData),
    };
  }

  /** Adds another recorder's delta (from a worker thread) to this one. */
  merge(d: RecorderDelta): void {
    this.requests += d.requests;
    this.failures += d.failures;
    this.unfinished += d.unfinished;
    this.bytes += d.bytes;
    this.firstSentMs = Math.min(this.firstSentMs, d.firstSentMs);
    this.lastEndMs = Math.max(this.lastEndMs, d.lastEndMs);
    for (const [code, n] of d.statusCodes) this.statusCodes.set(code, (this.statusCodes.get(code) ?? 0) + n);
    for (const [err, n] of d.errors) this.errors.set(err, (this.errors.get(err) ?? 0) + n);
    if (d.latency) this.latency.addEncoded(d.latency);
    for (const b of d.buckets) this.timeline.merge(b);
    for (const [field, counts] of d.identities) {
      let mine = this.identities.get(field);
      if (!mine) this.identities.set(field, (mine = new Map()));
      for (const [value, n] of counts) mine.set(value, (mine.get(value) ?? 0) + n);
    }
  }
}

function phaseData(p: LoadPhase): PhaseData {
  return {
    connections: p.connections,
    startMs: p.startMs,
    sendUntilMs: p.sendUntilMs,
    endMs: p.endMs,
    aborted: p.aborted,
    counts: p.recorder.countsData(),
    meter: meterToData(p.meter),
    clientLag: { ...p.clientLag },
  };
}
