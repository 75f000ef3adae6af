// Thread hopping, seen from outside (seed 000): per stream, how many distinct values of the
// identity field (the server thread id carried by each event) it saw, and how often it switched.
import type { RunData } from '../run-data/types.js';
import type { ActorSpec } from '../types.js';

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
}

export function analyseHopping(data: RunData, specs: ReadonlyMap<string, ActorSpec>, label: (spec: { method: string; path: string }) => string): HoppingFacts[] {
  const out: HoppingFacts[] = [];
  for (const actor of data.actors) {
    const tally = actor.stream?.identity;
    if (!tally) continue;
    out.push({
      actor: actor.name,
      label: label(specs.get(actor.name)!),
      field: tally.field,
      streams: tally.streams,
      tooShort: tally.tooShort,
      hoppingStreams: tally.hopping,
      maxDistinctPerStream: tally.maxDistinct,
      maxSwitchesPerStream: tally.maxSwitches,
      switches: tally.switches,
      distinctPerStream: Object.fromEntries([...tally.distinctHistogram].sort((a, b) => a[0] - b[0]).map(([d, n]) => [String(d), n])),
      examples: tally.examples.map((x) => ({ stream: x.stream, values: [...x.values] })),
    });
  }
  return out;
}
