// Online aggregation of one actor's samples: counts, latency histogram, timeline, identities,
// and (for low-rate actors) the raw samples the analysis needs.
import type { Sample } from '../types.js';
import { LatencyHistogram } from './latency-histogram.js';
import { SampleLog } from './sample-log.js';
import { Timeline } from './timeline.js';
import type { StreamStats } from './stream-stats.js';

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
}
