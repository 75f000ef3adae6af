// Numbers for people and for the JSON: rounding and the human-readable duration and concurrency.
// The bottom floor: every stage may use it, it uses nothing of wobbly.

/** x rounded to `digits` decimals (the JSON keeps what a reader can trust, not float noise). */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Human-readable duration: 950 ms, 1.25 s, 2 m 5 s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} m ${Math.round((ms - m * 60_000) / 1000)} s`;
}

/** An effective concurrency or a pool size: 0.98, 4.1, 40 (one decimal below 10, none at or above). */
export function formatConcurrency(c: number): string {
  const r = Math.round(c * 10) / 10;
  return r >= 10 || Number.isInteger(r) ? r.toFixed(0) : r.toFixed(1);
}
