// HDR histograms of latencies: values recorded in microseconds, read back in milliseconds.
// Fixed memory whatever the number of samples, so long runs stay bounded.
import * as hdr from './hdr.js';
import type { HistogramData } from '../run-data/types.js';

export type Precision = 'fine' | 'coarse';

/** One hour in µs: the longest latency a histogram holds. */
const HIGHEST_US = 3_600_000_000;

export class LatencyHistogram {
  private h: hdr.Histogram;
  /** Read back from HistogramData: the exact extremes (decoding rounds them to their buckets). */
  private exact: { minMs: number; maxMs: number } | undefined;
  /** encode()'s answer while the counts have not changed since (read back, or encoded once). */
  private encoded: string | undefined;

  /**
   * fine: 3 significant digits (run summaries); coarse: 2 digits (per bucket: ~1 KB encoded).
   * `packed` (coarse's default) keeps the counts in hdr's sparse packed array: 11–18 KB of RSS,
   * where a plain array takes 13 KB whatever it holds, but recording into it costs ~30 µs a value
   * until it has grown (3 ms for a bucket's first hundred). Buckets being recorded into are plain;
   * the many read back for analysis are packed.
   */
  constructor(
    readonly precision: Precision = 'fine',
    readonly packed = precision === 'coarse',
  ) {
    this.h = hdr.build({
      bitBucketSize: packed ? 'packed' : 32,
      numberOfSignificantValueDigits: precision === 'fine' ? 3 : 2,
      highestTrackableValue: HIGHEST_US,
    });
  }

  record(ms: number): void {
    this.encoded = undefined;
    const us = Math.max(1, Math.round(ms * 1000));
    this.h.recordValue(us);
    if (this.exact) this.exact = { minMs: Math.min(this.exact.minMs, us / 1000), maxMs: Math.max(this.exact.maxMs, us / 1000) };
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** Latency at percentile p (0..100) in ms; 0 when empty. */
  percentile(p: number): number {
    return this.h.totalCount ? this.h.getValueAtPercentile(p) / 1000 : 0;
  }

  get maxMs(): number {
    return this.h.totalCount ? (this.exact?.maxMs ?? this.h.maxValue / 1000) : 0;
  }

  get minMs(): number {
    return this.h.totalCount ? (this.exact?.minMs ?? this.h.minNonZeroValue / 1000) : 0;
  }

  get meanMs(): number {
    return this.h.totalCount ? this.h.mean / 1000 : 0;
  }

  get stdDevMs(): number {
    return this.h.totalCount ? this.h.stdDeviation / 1000 : 0;
  }

  add(other: LatencyHistogram): void {
    this.exact = undefined;
    this.encoded = undefined;
    this.h.add(other.h);
  }

  /**
   * Compressed, base64 (HdrHistogram's V2 format): how a worker thread hands its counts over.
   * Decoding one takes milliseconds (tens on a busy machine), so the main thread does it after the run.
   */
  encode(): string {
    return (this.encoded ??= hdr.encodeIntoCompressedBase64(this.h));
  }

  reset(): void {
    this.exact = undefined;
    this.encoded = undefined;
    this.h.reset();
  }

  /** Adds the counts of an encode()d histogram of the same precision. */
  addEncoded(encoded: string): void {
    this.exact = undefined;
    const decoded = hdr.decodeFromCompressedBase64(encoded, this.packed ? 'packed' : 32, false, HIGHEST_US);
    // Into an empty histogram, the decoded one is the result: adding it would walk every index of
    // both (with packed arrays, most of the time `wobbly analyse` spent). Only when it has this
    // one's shape: a run data file may come from anywhere.
    const same = decoded.numberOfSignificantValueDigits === this.h.numberOfSignificantValueDigits && decoded.highestTrackableValue === this.h.highestTrackableValue;
    if (this.h.totalCount === 0 && same) {
      this.h = decoded;
      this.encoded = encoded;
    } else {
      this.h.add(decoded);
      this.encoded = undefined;
    }
  }

  /** Adds a toData() histogram, keeping the exact extremes when both sides know them. */
  addData(d: HistogramData): void {
    const exact = this.count === 0 ? { minMs: d.minMs, maxMs: d.maxMs } : this.exact && { minMs: Math.min(this.exact.minMs, d.minMs), maxMs: Math.max(this.exact.maxMs, d.maxMs) };
    this.addEncoded(d.hdr);
    this.exact = exact;
  }

  /** As RunData keeps it; null when empty. */
  toData(): HistogramData | null {
    if (!this.count) return null;
    return { precision: this.precision, hdr: this.encode(), count: this.count, minMs: this.minMs, maxMs: this.maxMs };
  }

  /** A histogram read back from RunData: the same counts, percentiles and extremes. */
  static fromData(d: HistogramData | null, precision: Precision = 'fine', packed?: boolean): LatencyHistogram {
    const p = d?.precision ?? precision;
    const h = new LatencyHistogram(p, packed ?? p === 'coarse');
    if (d) {
      h.addEncoded(d.hdr);
      h.exact = { minMs: d.minMs, maxMs: d.maxMs };
    }
    return h;
  }
}
