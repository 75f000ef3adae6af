// Analysis: from the raw run record to the facts verdicts are built on (stalls per probe, what
// was in flight when). No sentences here.
import type { RunRecord } from '../engine/run.js';
import type { Calibration } from '../engine/preflight.js';
import type { ClosedModelSpec, ProbeSpec } from '../types.js';
import { analyseSweep, estimateConcurrency, type ConcurrencyEstimate, type EstimateInput, type SweepAnalysis } from './concurrency.js';
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
  /** wobbly's longest single loop lag in the run: how long this machine kept a process off the CPU. */
  selfLagMaxMs?: number;
}

export interface Analysis {
  windows: InFlightWindow[];
  stalls: StallAnalysis[];
  /** Stream actors with an identity field. */
  hopping?: HoppingFacts[];
  /** Fast requests while a slow one ran (when a probe extracts an identity). */
  headOfLine?: HeadOfLineFacts;
  /** One per load actor (closed model); unset: none. */
  loads?: ConcurrencyEstimate[];
  /** One per sweep actor, an estimate per step; unset: none. */
  sweeps?: SweepAnalysis[];
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
  // A load (or a sweep's step) is in flight from its first request to its last answer.
  for (const [name, rec] of record.actors) {
    const spec = record.specs.get(name)!;
    for (const p of rec.phases) windows.push({ actor: name, label: `${requestLabel(spec)} ×${p.connections}`, startMs: p.startMs, endMs: p.endMs });
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
      selfLagMaxMs: record.selfLag.histogram.maxMs,
    });
  }
  const loads: ConcurrencyEstimate[] = [];
  const sweeps: SweepAnalysis[] = [];
  for (const [name, rec] of record.actors) {
    const spec = record.specs.get(name)!;
    if (spec.kind !== 'load' && spec.kind !== 'sweep') continue;
    const s = serviceTime(spec, record.calibration.get(name));
    const label = requestLabel(spec);
    const estimates = rec.phases.map((phase, step) =>
      estimateConcurrency({ actor: name, label, phase, ...s, ...(spec.kind === 'sweep' ? { step } : {}) }),
    );
    if (spec.kind === 'load') loads.push(...estimates);
    else sweeps.push(analyseSweep(name, label, estimates));
  }
  return { windows, stalls, loads, sweeps, hopping: analyseHopping(record, requestLabel), headOfLine: analyseHeadOfLine(record, requestLabel) };
}

/** S: declared, or the median of the calibration (unless it got HTTP errors: then unknown). */
function serviceTime(spec: ClosedModelSpec, cal: Calibration | undefined): Pick<EstimateInput, 'serviceTimeMs' | 'serviceTimeSource' | 'calibrationStatus'> {
  if (spec.serviceTimeMs !== undefined) return { serviceTimeMs: spec.serviceTimeMs, serviceTimeSource: 'declared' };
  if (!cal || !cal.samples) return { serviceTimeSource: 'none' };
  if (cal.failures) return { serviceTimeSource: 'none', calibrationStatus: cal.failedStatus };
  return { serviceTimeMs: cal.p50Ms, serviceTimeSource: 'calibrated' };
}
