// How precisely one run measured each metric: a block bootstrap over its time blocks. Requests
// close in time share the server's state (a pool's waves, a GC pause), so they are resampled as
// whole blocks, which keeps that dependence; the spread of a metric over the resamples is the
// noise of the run. Each metric on its own statistic: p50/p90/p99/max/mean of the pooled
// latencies of the drawn blocks, rps = answers / time, errorRate = failures / requests.
import type { BlockData } from './blocks.js';
import { decodeBlock } from './blocks.js';
import { pick, seededRandom } from './prng.js';
import type { BaselineMetric } from './tolerance.js';

export const RESAMPLES = 1000;
/** Fewer blocks than this: a run cannot say how noisy it is. */
export const MIN_BLOCKS = 3;

/** Neighbouring blocks that move together widen the variance by (1 + ρ) / (1 − ρ), up to 9×. */
export const MAX_RHO = 0.8;

/** Lag-1 autocorrelation of a series (0 when it is too short or flat). */
export function lag1(xs: readonly number[]): number {
  if (xs.length < 3) return 0;
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    den += (xs[i]! - mean) ** 2;
    if (i > 0) num += (xs[i]! - mean) * (xs[i - 1]! - mean);
  }
  return den > 0 ? num / den : 0;
}

/** How much a mean of n blocks varies more than for independent ones, for AR(1) neighbours with ρ. */
export function dependenceFactor(rho: number, n: number): number {
  let f = 1;
  for (let k = 1; k < n; k++) f += 2 * (1 - k / n) * rho ** k;
  return f;
}

export interface Precision {
  /** The metric on the blocks. */
  value: number;
  /** Variance of the metric's scale (log for latencies and rps, the rate itself for errorRate) over the resamples. */
  variance: number;
  blocks: number;
  /** Lag-1 autocorrelation of the per-block values (clamped to 0 … MAX_RHO), already in the variance. */
  rho?: number;
}

export type RunPrecision = Partial<Record<BaselineMetric, Precision>> & {
  blocks: number;
  /** Leading warm-up blocks left out (see warmupBlocks). */
  warmup?: number;
  /** Tail quantiles left out for too few answers beyond them: answers seen and needed. */
  tooFew?: Partial<Record<BaselineMetric, { answers: number; needed: number }>>;
};

/** A quantile needs this many answers beyond it: the bootstrap of a sample's few largest values (p99 of 80 answers is the max) says nothing. */
export const MIN_TAIL = 10;
const TAIL: Partial<Record<BaselineMetric, number>> = { p90: 0.1, p99: 0.01 };

/** The scale on which changes are compared: ratios for latencies and rps, differences for errorRate. */
export const scale = (metric: BaselineMetric, x: number): number => (metric === 'errorRate' ? x : Math.log(x));

interface Grid {
  values: number[];
  /** Per block: (index into values, count) pairs. */
  blocks: { i: number; n: number }[][];
}

function grid(b: BlockData): Grid {
  const decoded = b.latency.map(decodeBlock);
  const values = [...new Set(decoded.flatMap((d) => d.map((x) => x.ms)))].sort((x, y) => x - y);
  const index = new Map(values.map((v, i) => [v, i]));
  return { values, blocks: decoded.map((d) => d.map((x) => ({ i: index.get(x.ms)!, n: x.n }))) };
}

function metricsOf(counts: Float64Array, values: number[], answers: number, failures: number, seconds: number): Record<BaselineMetric, number> {
  let total = 0;
  let sum = 0;
  let max = 0;
  for (let i = 0; i < counts.length; i++) {
    total += counts[i]!;
    sum += counts[i]! * values[i]!;
    if (counts[i]! > 0) max = values[i]!;
  }
  // Like HdrHistogram: the smallest value with at least ceil(p·total) values at or below it.
  const at = (p: number) => {
    const want = Math.max(1, Math.ceil(p * total));
    let seen = 0;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i]!;
      if (seen >= want) return values[i]!;
    }
    return max;
  };
  return {
    p50: total ? at(0.5) : 0,
    p90: total ? at(0.9) : 0,
    p99: total ? at(0.99) : 0,
    max,
    mean: total ? sum / total : 0,
    rps: answers / seconds,
    errorRate: answers + failures ? failures / (answers + failures) : 0,
  };
}

const METRICS: BaselineMetric[] = ['p50', 'p90', 'p99', 'max', 'mean', 'rps', 'errorRate'];

/** A seed from the data itself: the same run always gets the same resamples. */
function seedOf(b: BlockData): number {
  let h = 0x811c9dc5;
  for (const x of [...b.count, ...b.failures, b.ms]) h = Math.imul(h ^ x, 0x01000193) >>> 0;
  return h;
}

/**
 * How many leading blocks are warm-up: those with fewer than half the median block's answers
 * (connections opening, a calibration, a load that started late on a busy machine). Their rate
 * and latencies are not the server's steady state, and a ramp looks like dependence.
 */
export function warmupBlocks(count: readonly number[]): number {
  const sorted = [...count].sort((x, y) => x - y);
  const median = sorted[sorted.length >> 1] ?? 0;
  let k = 0;
  while (k < count.length && count[k]! < median / 2) k++;
  return k;
}

/** The blocks after the warm-up. */
function steady(b: BlockData): { data: BlockData; skipped: number } {
  const k = warmupBlocks(b.count);
  return { data: { ms: b.ms, count: b.count.slice(k), failures: b.failures.slice(k), latency: b.latency.slice(k) }, skipped: k };
}

export function runPrecision(whole: BlockData, resamples = RESAMPLES): RunPrecision {
  const { data: b, skipped } = steady(whole);
  const n = b.count.length;
  const out: RunPrecision = { blocks: n, ...(skipped ? { warmup: skipped } : {}) };
  if (n < MIN_BLOCKS) return out;
  const g = grid(b);
  const seconds = (n * b.ms) / 1000;
  const all = Array.from({ length: n }, (_, i) => i);
  const stat = (drawn: number[]) => {
    const counts = new Float64Array(g.values.length);
    let answers = 0;
    let failures = 0;
    for (const k of drawn) {
      for (const { i, n: c } of g.blocks[k]!) counts[i]! += c;
      answers += b.count[k]!;
      failures += b.failures[k]!;
    }
    return metricsOf(counts, g.values, answers, failures, seconds);
  };
  const point = stat(all);
  const perBlock = all.map((k) => stat([k]));
  const random = seededRandom(seedOf(b));
  const draws: Record<BaselineMetric, number[]> = { p50: [], p90: [], p99: [], max: [], mean: [], rps: [], errorRate: [] };
  for (let r = 0; r < resamples; r++) {
    const s = stat(all.map(() => pick(random, n)));
    for (const m of METRICS) draws[m].push(s[m]);
  }
  const answers = b.count.reduce((sum, c) => sum + c, 0);
  for (const m of METRICS) {
    if (m !== 'errorRate' && point[m] <= 0) continue;
    const tail = TAIL[m];
    if (tail !== undefined && answers * tail < MIN_TAIL) {
      out.tooFew = { ...out.tooFew, [m]: { answers, needed: Math.ceil(MIN_TAIL / tail) } };
      continue;
    }
    // A resample of only blocks without answers (a run that started late) has no latency, nor a
    // log of its rate: it is left out, so the spread is that of resamples with answers.
    const ys = draws[m].filter((x) => m === 'errorRate' || x > 0).map((x) => scale(m, x));
    if (ys.length < resamples / 2) continue;
    const mean = ys.reduce((s, y) => s + y, 0) / ys.length;
    const variance = ys.reduce((s, y) => s + (y - mean) ** 2, 0) / (ys.length - 1);
    // The bootstrap's spread is short by (n-1)/n for n blocks: put it back. Blocks shorter than a
    // slow phase (a busy machine for a few seconds) are not independent either: neighbours that
    // move together widen the variance as for an AR(1) series, (1 + ρ) / (1 − ρ).
    const series = perBlock.filter((x, k) => m === 'rps' || (m === 'errorRate' ? b.count[k]! + b.failures[k]! > 0 : b.count[k]! > 0)).map((x) => x[m]);
    // lag1 of a short series is biased low by about (1 + 4ρ)/n (Marriott & Pope): corrected here.
    const r = lag1(series);
    const rho = Math.min(MAX_RHO, Math.max(0, r + (1 + 4 * r) / Math.max(1, series.length)));
    out[m] = { value: point[m], variance: ((variance * n) / (n - 1)) * dependenceFactor(rho, n), blocks: n, rho };
  }
  return out;
}
