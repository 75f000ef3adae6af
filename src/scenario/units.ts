// Parsing of the unit-bearing strings used in scenarios and expectations.

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)\s*$/;
const DURATION_FACTOR: Record<string, number> = { us: 0.001, 'µs': 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "250ms", "2s", "1.5m" → milliseconds; undefined when it is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * DURATION_FACTOR[m[2]!]!;
}

const RATE = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(s|sec|second|m|min|minute)\s*$/;

/** "100/s", "600/m" → requests per second; undefined when it is not a rate. */
export function parseRatePerSec(text: string): number | undefined {
  const m = RATE.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2]!.startsWith('m') ? n / 60 : n;
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
