// Per-block evidence of a run, saved in its result so that a later run can be compared with it:
// the run's whole timeline buckets, merged into at most MAX_BLOCKS blocks, each with its answer
// and failure counts and its latencies as an HDR histogram (2 significant digits, compressed).
// Bounded: a 10-minute run keeps 60 histograms of a few hundred bytes per actor.
import { LatencyHistogram } from '../metrics/latency-histogram.js';
import * as hdr from '../metrics/hdr.js';

export const MAX_BLOCKS = 60;

export interface BlockData {
  /** Length of each block (ms): one or more whole timeline buckets. */
  ms: number;
  /** Answers (status below 400) per block. */
  count: number[];
  failures: number[];
  /** Each block's answered latencies, LatencyHistogram('coarse').encode()d; "" when it had none. */
  latency: string[];
}

export interface WholeBucket {
  count: number;
  failures: number;
  latency: LatencyHistogram;
}

/** Merge neighbouring buckets (never across the run's end) until at most MAX_BLOCKS remain. */
export function toBlocks(buckets: readonly WholeBucket[], bucketMs: number, maxBlocks = MAX_BLOCKS): BlockData {
  const per = Math.max(1, Math.ceil(buckets.length / maxBlocks));
  const out: BlockData = { ms: bucketMs * per, count: [], failures: [], latency: [] };
  for (let i = 0; i + per <= buckets.length; i += per) {
    if (per === 1) {
      // A block of one bucket is that bucket (its encoding is at hand when it was read back).
      const { count, failures, latency } = buckets[i]!;
      out.count.push(count);
      out.failures.push(failures);
      out.latency.push(latency.count ? latency.encode() : '');
      continue;
    }
    // Summed in a plain array: adding into a packed one is slow (see LatencyHistogram).
    const h = new LatencyHistogram('coarse', false);
    let count = 0;
    let failures = 0;
    for (const b of buckets.slice(i, i + per)) {
      count += b.count;
      failures += b.failures;
      h.add(b.latency);
    }
    out.count.push(count);
    out.failures.push(failures);
    out.latency.push(h.count ? h.encode() : '');
  }
  return out;
}

/** A block's latencies as (ms, count) pairs, ascending. */
export function decodeBlock(encoded: string): { ms: number; n: number }[] {
  if (!encoded) return [];
  // The iterator is public in hdr-histogram-js but missing from its type declarations.
  const h = hdr.decodeFromCompressedBase64(encoded, 'packed') as unknown as {
    recordedValuesIterator: { reset(): void; hasNext(): boolean; next(): { valueIteratedTo: number; countAtValueIteratedTo: number } };
  };
  const it = h.recordedValuesIterator;
  it.reset();
  const out: { ms: number; n: number }[] = [];
  while (it.hasNext()) {
    const v = it.next();
    out.push({ ms: v.valueIteratedTo / 1000, n: v.countAtValueIteratedTo });
  }
  return out;
}
