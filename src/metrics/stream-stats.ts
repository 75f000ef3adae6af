// Online aggregation of a stream actor: how each stream ended, time to first event, gaps between
// events, the longest silence of each stream (for stalls), and, for the identity field (thread
// id, ...), how many distinct values each stream saw and how often it switched. Per stream only
// a few numbers are kept once it is over, so 10,000 streams stay cheap.
import type { StreamData } from '../run-data/types.js';
import { LatencyHistogram } from './latency-histogram.js';

/** How a stream ended. */
export type StreamEnd =
  /** Ended by the server with every expected event. */
  | 'complete'
  /** Got a 2xx response, then ended (cleanly or not) before its expected events, or mid-event. */
  | 'ended-early'
  /** No 2xx response: refused, timed out before the headers, or an HTTP error status. */
  | 'failed'
  /** Still open when the run ended. */
  | 'open';

/** What one stream's identity values came to (a StreamIdentity, or its copy from a worker thread). */
export interface StreamIdentityFacts {
  readonly distinct: readonly string[];
  readonly first: readonly string[];
  readonly count: number;
  readonly switches: number;
}

/** The identity values one stream saw (kept small: distinct values capped, first values for examples). */
export class StreamIdentity implements StreamIdentityFacts {
  readonly distinct: string[] = [];
  /** The first values, in order (for examples). */
  readonly first: string[] = [];
  count = 0;
  switches = 0;
  private last: string | undefined;

  add(value: string): void {
    this.count++;
    if (this.last !== undefined && value !== this.last) this.switches++;
    this.last = value;
    if (this.first.length < MAX_EXAMPLE_VALUES) this.first.push(value);
    if (this.distinct.length < MAX_DISTINCT && !this.distinct.includes(value)) this.distinct.push(value);
  }
}

const MAX_DISTINCT = 64;
const MAX_EXAMPLE_VALUES = 12;
const MAX_EXAMPLES = 3;

/** Per-stream identity facts, summed over the streams (the thread-hopping verdict reads these). */
export class IdentityTally {
  /** Streams that carried the field in two events or more (only those can hop). */
  streams = 0;
  /** Streams that carried it in fewer than two events. */
  tooShort = 0;
  hopping = 0;
  maxDistinct = 0;
  maxSwitches = 0;
  switches = 0;
  /** Distinct values per stream → number of streams. */
  readonly distinctHistogram = new Map<number, number>();
  /** The first few hopping streams: stream number and its first values. */
  readonly examples: { stream: number; values: string[] }[] = [];

  constructor(readonly field: string) {}

  add(stream: number, id: StreamIdentityFacts | undefined): void {
    if (!id || id.count < 2) {
      this.tooShort++;
      return;
    }
    const d = id.distinct.length;
    this.streams++;
    this.switches += id.switches;
    this.maxSwitches = Math.max(this.maxSwitches, id.switches);
    this.maxDistinct = Math.max(this.maxDistinct, d);
    this.distinctHistogram.set(d, (this.distinctHistogram.get(d) ?? 0) + 1);
    if (d > 1) {
      this.hopping++;
      if (this.examples.length < MAX_EXAMPLES) this.examples.push({ stream, values: [...id.first] });
    }
  }
}

export class StreamStats {
  /** Streams started (requests sent). */
  started = 0;
  /** Streams with a 2xx response. */
  responded = 0;
  readonly ends: Record<StreamEnd, number> = { complete: 0, 'ended-early': 0, failed: 0, open: 0 };
  /** Why streams ended early ("ended", "connection closed", "incomplete event", ...). */
  readonly endedEarlyBy = new Map<string, number>();
  /** Why streams failed ("ECONNREFUSED", "HTTP 503", "timeout", ...). */
  readonly failedBy = new Map<string, number>();
  events = 0;
  bytes = 0;
  minEventsPerStream = Infinity;
  maxEventsPerStream = 0;
  /** Streams open right now, and the most at once. */
  openNow = 0;
  maxOpen = 0;
  /** From the request to the first event. */
  readonly firstEvent = new LatencyHistogram('fine');
  /** Between consecutive events of a stream. */
  readonly gaps = new LatencyHistogram('fine');
  /** Longest time without an event, per finished stream (first wait, gaps, and the wait at its end). */
  private silences = new Float32Array(256);
  /** Finished streams that had a response (their silences are kept). */
  private recorded = 0;
  readonly identity: IdentityTally | undefined;

  constructor(
    identityField: string | undefined,
    /** Events each stream should deliver, when declared. */
    readonly expectedEvents: number | undefined,
  ) {
    this.identity = identityField ? new IdentityTally(identityField) : undefined;
  }

  onStart(): void {
    this.started++;
  }

  onResponse(): void {
    this.responded++;
    this.maxOpen = Math.max(this.maxOpen, ++this.openNow);
  }

  /** An event arrived gapMs after the stream's previous one (or, for the first, after the request). */
  onEvent(gapMs: number, first: boolean): void {
    this.events++;
    (first ? this.firstEvent : this.gaps).record(gapMs);
  }

  /** A stream is over: how it ended, its events and bytes, its longest silence and its identity values. */
  finish(stream: number, end: StreamEnd, reason: string | undefined, facts: { responded: boolean; events: number; bytes: number; longestSilenceMs: number }, id: StreamIdentityFacts | undefined): void {
    this.ends[end]++;
    this.bytes += facts.bytes;
    if (facts.responded) this.openNow--;
    if (end === 'ended-early') bump(this.endedEarlyBy, reason ?? 'ended');
    if (end === 'failed') bump(this.failedBy, reason ?? 'error');
    if (!facts.responded) return;
    this.minEventsPerStream = Math.min(this.minEventsPerStream, facts.events);
    this.maxEventsPerStream = Math.max(this.maxEventsPerStream, facts.events);
    if (this.recorded === this.silences.length) {
      const grown = new Float32Array(this.silences.length * 2);
      grown.set(this.silences);
      this.silences = grown;
    }
    this.silences[this.recorded++] = facts.longestSilenceMs;
    this.identity?.add(stream, id);
  }

  toData(): StreamData {
    const id = this.identity;
    return {
      started: this.started,
      responded: this.responded,
      ends: { ...this.ends },
      endedEarlyBy: [...this.endedEarlyBy],
      failedBy: [...this.failedBy],
      events: this.events,
      bytes: this.bytes,
      minEventsPerStream: Number.isFinite(this.minEventsPerStream) ? this.minEventsPerStream : null,
      maxEventsPerStream: this.maxEventsPerStream,
      maxOpen: this.maxOpen,
      firstEvent: this.firstEvent.toData(),
      gaps: this.gaps.toData(),
      silencesMs: Array.from(this.silences.subarray(0, this.recorded)),
      identity: id
        ? {
            field: id.field,
            streams: id.streams,
            tooShort: id.tooShort,
            hopping: id.hopping,
            maxDistinct: id.maxDistinct,
            maxSwitches: id.maxSwitches,
            switches: id.switches,
            distinctHistogram: [...id.distinctHistogram],
            examples: id.examples.map((x) => ({ stream: x.stream, values: [...x.values] })),
          }
        : null,
    };
  }

  /** The stall gap in effect: the declared one, or max(1 s, 10 × the median gap). */
  stallGapMs(declared: number | undefined): number {
    return declared ?? Math.max(1000, 10 * this.gaps.percentile(50));
  }

  /** Streams that went longer than gapMs without an event. */
  stalled(gapMs: number): { streams: number; longestMs: number } {
    let streams = 0;
    let longestMs = 0;
    for (let i = 0; i < this.recorded; i++) {
      const s = this.silences[i]!;
      longestMs = Math.max(longestMs, s);
      if (s > gapMs) streams++;
    }
    return { streams, longestMs };
  }
}

function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}
