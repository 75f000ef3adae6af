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
