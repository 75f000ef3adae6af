// Analysis: from the raw run record to the facts verdicts are built on (stalls per probe, what
// was in flight when). No sentences here.
import type { RunRecord } from '../engine/run.js';
import type { ProbeSpec } from '../types.js';
import { findStalls, stallThreshold, type InFlightWindow, type Stall } from './stalls.js';
import { analyseHopping, type HoppingFacts } from './hopping.js';
import { analyseHeadOfLine, type HeadOfLineFacts } from './head-of-line.js';

export interface StallAnalysis {
  probe: string;
  /** "GET /live" */
  label: string;
  thresholdMs: number;
  unloadedP99Ms: number;
  answered: number;
  sent: number;
  /** Stalls, each with wobbly's own loop lag during it. */
  stalls: (Stall & { selfLagMs: number })[];
}

export interface Analysis {
  windows: InFlightWindow[];
  stalls: StallAnalysis[];
  /** Stream actors with an identity field. */
  hopping?: HoppingFacts[];
  /** Fast requests while a slow one ran (when a probe extracts an identity). */
  headOfLine?: HeadOfLineFacts;
}

export function requestLabel(spec: { method: string; path: string }): string {
  return `${spec.method} ${spec.path}`;
}

export function analyse(record: RunRecord): Analysis {
  const windows: InFlightWindow[] = [];
  for (const [name, rec] of record.actors) {
    const spec = record.specs.get(name)!;
    if (spec.kind !== 'request' || !rec.log) continue;
    for (const s of rec.log) windows.push({ actor: name, label: requestLabel(spec), startMs: s.sentMs, endMs: s.endMs });
  }

  const stalls: StallAnalysis[] = [];
  for (const [name, rec] of record.actors) {
    const spec = record.specs.get(name)!;
    if (spec.kind !== 'probe' || !rec.log) continue;
    const unloadedP99Ms = record.calibration.get(name)?.p99Ms ?? 0;
    const thresholdMs = stallThreshold(unloadedP99Ms, (spec as ProbeSpec).stallThresholdMs);
    const found = findStalls([...rec.log], thresholdMs, windows).map((s) => ({
      ...s,
      selfLagMs: record.selfLag.maxLagDuring(s.startMs, s.endMs),
    }));
    stalls.push({
      probe: name,
      label: requestLabel(spec),
      thresholdMs,
      unloadedP99Ms,
      answered: rec.requests - rec.failures,
      sent: rec.requests + rec.unfinished,
      stalls: found,
    });
  }
  return { windows, stalls, hopping: analyseHopping(record, requestLabel), headOfLine: analyseHeadOfLine(record, requestLabel) };
}
