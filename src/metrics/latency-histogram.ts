// HDR histograms of latencies: values recorded in microseconds, read back in milliseconds.
// Fixed memory whatever the number of samples, so long runs stay bounded.
import * as hdr from 'hdr-histogram-js';

export type Precision = 'fine' | 'coarse';

export class LatencyHistogram {
  private readonly h: hdr.Histogram;

  /** fine: 3 significant digits (run summaries); coarse: 2 digits, packed (per-bucket, ~3 KB each). */
  constructor(readonly precision: Precision = 'fine') {
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

  /**
   * Compressed, base64 (HdrHistogram's V2 format): how a worker thread hands its counts over.
   * Decoding one takes milliseconds (tens on a busy machine), so the main thread does it after the run.
   */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.h);
  }

  reset(): void {
    this.h.reset();
  }

  /** Adds the counts of an encode()d histogram of the same precision. */
  addEncoded(encoded: string): void {
    this.h.add(hdr.decodeFromCompressedBase64(encoded, this.precision === 'fine' ? 32 : 'packed'));
  }
}
