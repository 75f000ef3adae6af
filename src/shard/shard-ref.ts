// Which share of a run this process is: `--shard I/N`, 0-based (I from 0 to N-1), as a Kubernetes
// Indexed Job's JOB_COMPLETION_INDEX and a CI matrix's index are; and when all shards start.
import { InputError } from '../input-error.js';

export interface ShardRef {
  /** 0-based: 0 ≤ index < count. */
  index: number;
  count: number;
}

/** The most shards a run is split into: beyond it a typo is likelier than a plan. */
export const MAX_SHARDS = 1000;

export function formatShard(s: ShardRef): string {
  return `${s.index}/${s.count}`;
}

/** "I/N" → ShardRef; InputError says what was expected. */
export function parseShard(text: string): ShardRef {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const expected = `expected I/N with 0 ≤ I < N ≤ ${MAX_SHARDS} (0-based, e.g. 0/4 … 3/4 for four shards)`;
  if (!m) throw new InputError(`--shard "${text}": ${expected}`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) throw new InputError(`--shard "${text}": N = ${count} is out of range; ${expected}`);
  if (index >= count) throw new InputError(`--shard "${text}": I = ${index} is not below N = ${count}; ${expected}`);
  return { index, count };
}

/** The longest wait `--start-at` accepts: a start further ahead is most likely a wrong date. */
export const MAX_START_WAIT_MS = 24 * 3600_000;

/** An ISO 8601 date-time with its zone ("2026-12-01T18:30:00Z", "…+01:00") → Date; not more than a day ahead. */
export function parseStartAt(text: string, now: Date): Date {
  const expected = 'expected an ISO 8601 date-time with a zone, e.g. 2026-12-01T18:30:00Z, at most 24 h ahead';
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text.trim())) throw new InputError(`--start-at "${text}": ${expected}`);
  const at = new Date(text.trim());
  if (Number.isNaN(at.getTime())) throw new InputError(`--start-at "${text}": not a valid date; ${expected}`);
  if (at.getTime() - now.getTime() > MAX_START_WAIT_MS) throw new InputError(`--start-at "${text}": more than 24 h ahead (now ${now.toISOString()}); ${expected}`);
  return at;
}
