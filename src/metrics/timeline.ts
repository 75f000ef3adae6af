// Exact, non-overlapping time buckets (default 1 s): a 1 s stall stays visible as a 0 in the count.
import { round } from '../format.js';
import type { HistogramData, TimelineData } from '../run-data/types.js';
import { LatencyHistogram } from './latency-histogram.js';

/** Up to this many buckets (2.6 MB), a timeline read back keeps them in plain arrays. */
const PLAIN_BUCKETS = 200;

export interface TimelineBucket {
  /** Bucket start, seconds since the run's start. */
  t: number;
  count: number;
  failures: number;
  p50: number;
  max: number;
}

/** A bucket's counts, serialisable (for worker threads): latencies as an encoded histogram. */
export interface BucketDelta {
  i: number;
  count: number;
  failures: number;
  /** The bucket's latencies with their exact extremes (LatencyHistogram.toData()); undefined when none. */
  latency: HistogramData | undefined;
}

/**
 * One bucket's counts and latencies. Once the run has moved two buckets past it, its histogram is
 * packed: HDR's compressed encoding (about 1 KB) instead of the live histogram (10–20 KB of RSS),
 * with the p50 and max the JSON timeline shows. A 10-minute run keeps 600 per actor: 6–12 MB live.
 * A late completion unpacks it again (the histogram is the same either way).
 */
class Bucket {
  count = 0;
  failures = 0;
  private live: LatencyHistogram | undefined;
  private packed: { data: HistogramData | null; p50: number; maxMs: number } | undefined;

  constructor(latency?: LatencyHistogram) {
    // Recorded into: a plain array (packed ones are slow to record into; see LatencyHistogram).
    this.live = latency ?? new LatencyHistogram('coarse', false);
  }

  get latency(): LatencyHistogram {
    if (!this.live) {
      this.live = LatencyHistogram.fromData(this.packed!.data, 'coarse');
      this.packed = undefined;
    }
    return this.live;
  }

  /** Packs the bucket; returns the live histogram it no longer needs (for the next bucket). */
  pack(): LatencyHistogram | undefined {
    const live = this.live;
    if (!live) return undefined;
    this.packed = { data: live.toData(), p50: live.percentile(50), maxMs: live.maxMs };
    this.live = undefined;
    return live;
  }

  data(): HistogramData | null {
    return this.packed ? this.packed.data : this.live!.toData();
  }

  p50(): number {
    return this.packed ? this.packed.p50 : this.live!.percentile(50);
  }

  maxMs(): number {
    return this.packed ? this.packed.maxMs : this.live!.maxMs;
  }
}

export class Timeline {
  private readonly buckets: (Bucket | undefined)[] = [];
  /** Buckets below this index are packed (or empty). */
  private packedBelow = 0;
  /**
   * Live histograms of packed buckets, emptied, for the next buckets. Allocating one per bucket
   * left a 13 KB array a second per actor for the next full GC, which a load thread at full speed
   * seldom does: its RSS grew by ~1 MB a minute between them (npm run bench:memory).
   */
  private readonly spare: LatencyHistogram[] = [];

  constructor(readonly bucketMs: number) {}

  /** Count one completion at time endMs (ms since the run's start). */
  record(endMs: number, ok: boolean, latencyMs: number | undefined): void {
    const i = Math.max(0, Math.floor(endMs / this.bucketMs));
    let b = this.buckets[i];
    if (!b) {
      // Completions come in time order (give or take the bucket before): older buckets are done.
      for (; this.packedBelow < i - 1; this.packedBelow++) this.recycle(this.buckets[this.packedBelow]?.pack());
      b = this.buckets[i] = new Bucket(this.spare.pop());
    }
    if (ok) b.count++;
    else b.failures++;
    if (latencyMs !== undefined) b.latency.record(latencyMs);
  }

  private recycle(h: LatencyHistogram | undefined): void {
    // Only plain ones (a bucket unpacked for a late completion holds a packed one).
    if (!h || h.packed || this.spare.length >= 2) return;
    h.reset();
    this.spare.push(h);
  }

  /** The buckets counted since the last drain, then forgotten (a worker thread's share). */
  drain(): BucketDelta[] {
    const out: BucketDelta[] = [];
    this.buckets.forEach((b, i) => {
      if (b) out.push({ i, count: b.count, failures: b.failures, latency: b.data() ?? undefined });
    });
    this.buckets.length = 0;
    this.packedBelow = 0;
    return out;
  }

  merge(d: BucketDelta): void {
    let b = this.buckets[d.i];
    if (!b) b = this.buckets[d.i] = new Bucket();
    b.count += d.count;
    b.failures += d.failures;
    if (d.latency) b.latency.addData(d.latency);
  }

  /** The buckets that lie wholly inside the run, empty ones included (the baseline's blocks). */
  wholeBuckets(runMs: number): { count: number; failures: number; latency: LatencyHistogram }[] {
    const n = Math.floor((runMs + 1) / this.bucketMs);
    return Array.from({ length: n }, (_, i) => this.buckets[i] ?? new Bucket());
  }

  toData(): TimelineData {
    const buckets: TimelineData['buckets'] = [];
    this.buckets.forEach((b, i) => {
      if (b) buckets.push({ i, count: b.count, failures: b.failures, latency: b.data() });
    });
    return { bucketMs: this.bucketMs, buckets };
  }

  static fromData(d: TimelineData): Timeline {
    const t = new Timeline(d.bucketMs);
    // Read back for analysis: plain arrays (13 KB each, fast to query) for the few buckets of a
    // short run, packed ones for a long run's many.
    const packed = d.buckets.length > PLAIN_BUCKETS;
    for (const b of d.buckets) {
      const bucket = (t.buckets[b.i] = new Bucket(LatencyHistogram.fromData(b.latency, 'coarse', packed)));
      bucket.count = b.count;
      bucket.failures = b.failures;
    }
    return t;
  }

  /** Every bucket from 0 to the run's end, empty ones included (they are the point). */
  toJSON(runMs: number): TimelineBucket[] {
    const n = Math.max(this.buckets.length, Math.ceil(runMs / this.bucketMs));
    const out: TimelineBucket[] = [];
    for (let i = 0; i < n; i++) {
      const b = this.buckets[i];
      out.push({
        t: round((i * this.bucketMs) / 1000, 3),
        count: b?.count ?? 0,
        failures: b?.failures ?? 0,
        p50: round(b?.p50() ?? 0, 2),
        max: round(b?.maxMs() ?? 0, 2),
      });
    }
    return out;
  }
}
