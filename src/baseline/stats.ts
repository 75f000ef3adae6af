// The Mann–Whitney U test (Wilcoxon rank-sum): do the values of x tend to be larger than those of y?
// Rank-based, so it assumes no distribution (latencies are skewed) and one slow bucket cannot
// carry it. Exact p-values for small samples without ties, else the normal approximation with
// tie and continuity corrections.

export interface UTest {
  /** Pairs (x, y) with x > y, ties counting one half. */
  u: number;
  n1: number;
  n2: number;
  /** One-sided p-value: P(U ≥ u) when x and y come from the same distribution. */
  p: number;
  method: 'exact' | 'normal';
}

const EXACT_MAX = 40; // per sample; C(80, 40) ≈ 1e23 still fits a double's range

/** Counts of the arrangements of m x's and n y's by U, as doubles: freq[u] for u = 0 … m·n. */
function uDistribution(m: number, n: number): Float64Array {
  // f[i][j] = distribution for sizes (i, j); built up with f(i, j, u) = f(i-1, j, u-j) + f(i, j-1, u):
  // the largest value is an x (beating all j y's) or a y.
  let prev: Float64Array[] = [];
  for (let i = 0; i <= m; i++) {
    const row: Float64Array[] = [];
    for (let j = 0; j <= n; j++) {
      const f = new Float64Array(i * j + 1);
      if (i === 0 || j === 0) f[0] = 1;
      else {
        const a = prev[j]!;
        const b = row[j - 1]!;
        for (let u = 0; u < a.length; u++) f[u + j]! += a[u]!;
        for (let u = 0; u < b.length; u++) f[u]! += b[u]!;
      }
      row.push(f);
    }
    prev = row;
  }
  return prev[n]!;
}

/** Standard normal upper tail, P(Z > z), with relative accuracy ~1e-7 far into the tail. */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

function erfc(x: number): number {
  // Chebyshev fit (Numerical Recipes' erfcc): fractional error below 1.2e-7 for every x.
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z - 1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}

/** H1: x tends to be larger than y. */
export function mannWhitneyGreater(x: readonly number[], y: readonly number[]): UTest {
  const n1 = x.length;
  const n2 = y.length;
  if (!n1 || !n2) return { u: 0, n1, n2, p: 1, method: 'exact' };
  let u = 0;
  for (const a of x) for (const b of y) u += a > b ? 1 : a === b ? 0.5 : 0;

  const all = [...x, ...y].sort((a, b) => a - b);
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j] === all[i]) j++;
    const t = j - i;
    tieTerm += t * t * t - t;
    i = j;
  }

  if (tieTerm === 0 && n1 <= EXACT_MAX && n2 <= EXACT_MAX) {
    const freq = uDistribution(n1, n2);
    let total = 0;
    let atLeast = 0;
    for (let k = 0; k < freq.length; k++) {
      total += freq[k]!;
      if (k >= u) atLeast += freq[k]!;
    }
    return { u, n1, n2, p: atLeast / total, method: 'exact' };
  }
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, n1, n2, p: 1, method: 'normal' }; // every value equal
  const z = (u - mean - 0.5) / Math.sqrt(variance);
  return { u, n1, n2, p: Math.min(1, normalUpperTail(z)), method: 'normal' };
}

/** Two-sided: do x and y differ in either direction? */
export function mannWhitneyTwoSided(x: readonly number[], y: readonly number[]): UTest {
  const up = mannWhitneyGreater(x, y);
  const down = mannWhitneyGreater(y, x);
  return { ...up, p: Math.min(1, 2 * Math.min(up.p, down.p)) };
}

/** The smallest one-sided p-value samples of these sizes can give (no ties): 1 / C(n1 + n2, n1). */
export function smallestP(n1: number, n2: number): number {
  let c = 1;
  for (let k = 1; k <= Math.min(n1, n2); k++) c = (c * (Math.max(n1, n2) + k)) / k;
  return 1 / c;
}

export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
