// HDR histograms of latencies: values recorded in microseconds, read back in milliseconds.
// Fixed memory whatever the number of samples, so long runs stay bounded.
import * as hdr from 'hdr-histogram-js';

export type Precision = 'fine' | 'coarse';

export class LatencyHistogram {
  private readonly h: hdr.Histogram;

  /** fine: 3 significant digits (run summaries); coarse: 2 digits, packed (per-bucket, ~3 KB each). */
  constructor(precision: Precision = 'fine') {
    this.h = hdr.build(
      precision === 'fine'
        ? { bitBucketSize: 32, numberOfSignificantValueDigits: 3, highestTrackableValue: 3_600_000_000 }
        : { bitBucketSize: 'packed', numberOfSignificantValueDigits: 2, highestTrackableValue: 3_600_000_000 },
    );
  }

  record(ms: number): void {
    this.h.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** Latency at percentile p (0..100) in ms; 0 when empty. */
  percentile(p: number): number {
    return this.h.totalCount ? this.h.getValueAtPercentile(p) / 1000 : 0;
  }

  get maxMs(): number {
    return this.h.totalCount ? this.h.maxValue / 1000 : 0;
  }

  get minMs(): number {
    return this.h.totalCount ? this.h.minNonZeroValue / 1000 : 0;
  }

  get meanMs(): number {
    return this.h.totalCount ? this.h.mean / 1000 : 0;
  }

  get stdDevMs(): number {
    return this.h.totalCount ? this.h.stdDeviation / 1000 : 0;
  }

  add(other: LatencyHistogram): void {
    this.h.add(other.h);
  }
}
