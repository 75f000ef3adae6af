// Parsing of the unit-bearing strings used in scenarios and expectations.

const NUM = String.raw`(\d+(?:\.\d+)?)`;
/**
 * One or more number-unit parts, largest unit first, each unit at most once: "2s", "1m30s",
 * "1h2m", "2s500ms". `m(?!s)` keeps "5ms" from reading as 5 minutes and a stray "s".
 * The scenario schema (schema.ts) uses the same pattern, so editors and the loader agree.
 */
export const DURATION_PATTERN = new RegExp(
  String.raw`^\s*(?=\d)(?:${NUM}\s*h\s*)?(?:${NUM}\s*m(?!s)\s*)?(?:${NUM}\s*s\s*)?(?:${NUM}\s*ms\s*)?(?:${NUM}\s*(?:us|µs)\s*)?$`,
);
const PART_FACTORS = [3_600_000, 60_000, 1000, 1, 0.001]; // h, m, s, ms, us: the capture groups in order

/** "250ms", "2s", "1.5m", "1m30s" → milliseconds; undefined when it is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const m = DURATION_PATTERN.exec(text);
  if (!m) return undefined;
  return PART_FACTORS.reduce((ms, factor, i) => (m[i + 1] === undefined ? ms : ms + Number(m[i + 1]) * factor), 0);
}

const RATE = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(s|sec|second|m|min|minute)\s*$/;

/** "100/s", "600/m" → requests per second; undefined when it is not a rate. */
export function parseRatePerSec(text: string): number | undefined {
  const m = RATE.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2]!.startsWith('m') ? n / 60 : n;
}
