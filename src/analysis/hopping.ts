// Thread hopping, seen from outside (seed 000): per stream, how many distinct values of the
// identity field (the server thread id carried by each event) it saw, and how often it switched.
import type { RunRecord } from '../engine/run.js';
import type { StreamStats } from '../metrics/stream-stats.js';
import { ownLagExplainsGaps } from '../selfcheck/stream-lag.js';
import type { StreamSpec } from '../types.js';

function ownLagFacts(stats: StreamStats, spec: StreamSpec): Pick<HoppingFacts, 'ownLag'> {
  if (!stats.ownLag) return {};
  const gapMs = stats.stallGapMs(spec.stallGapMs);
  return { ownLag: { maxMs: stats.ownLag.maxMs, explainsStalls: ownLagExplainsGaps(stats.ownLag, stats.stalled(gapMs), gapMs) } };
}

export interface HoppingFacts {
  actor: string;
  /** "GET /stream/sync" */
  label: string;
  field: string;
  /** Streams that carried the field in two events or more. */
  streams: number;
  /** Streams that carried it in fewer (they cannot show hopping). */
  tooShort: number;
  hoppingStreams: number;
  maxDistinctPerStream: number;
  maxSwitchesPerStream: number;
  switches: number;
  /** Distinct values per stream → how many streams. */
  distinctPerStream: Record<string, number>;
  examples: { stream: number; values: string[] }[];
  /** Self-check: the streams' thread lagged enough to explain their stalls (it read events late). */
  ownLag?: { maxMs: number; explainsStalls: boolean };
}

export function analyseHopping(record: RunRecord, label: (spec: { method: string; path: string }) => string): HoppingFacts[] {
  const out: HoppingFacts[] = [];
  for (const [name, rec] of record.actors) {
    const tally = rec.stream?.identity;
    if (!tally) continue;
    out.push({
      actor: name,
      label: label(record.specs.get(name)!),
      field: tally.field,
      streams: tally.streams,
      tooShort: tally.tooShort,
      hoppingStreams: tally.hopping,
      maxDistinctPerStream: tally.maxDistinct,
      maxSwitchesPerStream: tally.maxSwitches,
      switches: tally.switches,
      distinctPerStream: Object.fromEntries([...tally.distinctHistogram].sort((a, b) => a[0] - b[0]).map(([d, n]) => [String(d), n])),
      examples: tally.examples,
      ...ownLagFacts(rec.stream!, record.specs.get(name) as StreamSpec),
    });
  }
  return out;
}
