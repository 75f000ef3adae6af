// Exact, non-overlapping time buckets (default 1 s): a 1 s stall stays visible as a 0 in the count.
import { round } from '../format.js';
import type { TimelineData } from '../run-data/types.js';
import { LatencyHistogram } from './latency-histogram.js';

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
  /** The bucket's latencies, LatencyHistogram.encode()d. */
  latency: string | undefined;
}

interface OpenBucket {
  count: number;
  failures: number;
  latency: LatencyHistogram;
}

export class Timeline {
  private readonly buckets: (OpenBucket | undefined)[] = [];

  constructor(readonly bucketMs: number) {}

  /** Count one completion at time endMs (ms since the run's start). */
  record(endMs: number, ok: boolean, latencyMs: number | undefined): void {
    const i = Math.max(0, Math.floor(endMs / this.bucketMs));
    let b = this.buckets[i];
    if (!b) b = this.buckets[i] = { count: 0, failures: 0, latency: new LatencyHistogram('coarse') };
    if (ok) b.count++;
    else b.failures++;
    if (latencyMs !== undefined) b.latency.record(latencyMs);
  }

  /** The buckets counted since the last drain, then forgotten (a worker thread's share). */
  drain(): BucketDelta[] {
    const out: BucketDelta[] = [];
    this.buckets.forEach((b, i) => {
      if (b) out.push({ i, count: b.count, failures: b.failures, latency: b.latency.count ? b.latency.encode() : undefined });
    });
    this.buckets.length = 0;
    return out;
  }

  merge(d: BucketDelta): void {
    let b = this.buckets[d.i];
    if (!b) b = this.buckets[d.i] = { count: 0, failures: 0, latency: new LatencyHistogram('coarse') };
    b.count += d.count;
    b.failures += d.failures;
    if (d.latency) b.latency.addEncoded(d.latency);
  }

  /** The buckets that lie wholly inside the run, empty ones included (the baseline's blocks). */
  wholeBuckets(runMs: number): OpenBucket[] {
    const n = Math.floor((runMs + 1) / this.bucketMs);
    return Array.from({ length: n }, (_, i) => this.buckets[i] ?? { count: 0, failures: 0, latency: new LatencyHistogram('coarse') });
  }

  toData(): TimelineData {
    const buckets: TimelineData['buckets'] = [];
    this.buckets.forEach((b, i) => {
      if (b) buckets.push({ i, count: b.count, failures: b.failures, latency: b.latency.toData() });
    });
    return { bucketMs: this.bucketMs, buckets };
  }

  static fromData(d: TimelineData): Timeline {
    const t = new Timeline(d.bucketMs);
    for (const b of d.buckets) t.buckets[b.i] = { count: b.count, failures: b.failures, latency: LatencyHistogram.fromData(b.latency, 'coarse') };
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
        p50: round(b?.latency.percentile(50) ?? 0, 2),
        max: round(b?.latency.maxMs ?? 0, 2),
      });
    }
    return out;
  }
}
