// Analysis: from the run's data to the facts verdicts are built on (stalls per probe, what
// was in flight when). No sentences here; nothing but RunData in.
import { meterFromData } from '../metrics/load-meter.js';
import { samplesOf } from '../metrics/sample-log.js';
import type { Calibration, PhaseData, RunData } from '../run-data/types.js';
import { maxLagDuring } from '../selfcheck/loop-lag.js';
import type { ActorSpec, ClosedModelSpec, Sample } from '../types.js';
import { analyseSweep, estimateConcurrency, type ConcurrencyEstimate, type EstimateInput, type PhaseFacts, type SweepAnalysis } from './concurrency.js';
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
  /** One per load actor (closed model); unset: none. */
  loads?: ConcurrencyEstimate[];
  /** One per sweep actor, an estimate per step; unset: none. */
  sweeps?: SweepAnalysis[];
}

export function requestLabel(spec: { method: string; path: string }): string {
  return `${spec.method} ${spec.path}`;
}

export function analyse(data: RunData): Analysis {
  const specs = new Map<string, ActorSpec>(data.scenario.actors.map((a) => [a.name, a]));
  const samples = new Map<string, Sample[]>();
  for (const a of data.actors) if (a.samples) samples.set(a.name, samplesOf(a.samples));

  const windows: InFlightWindow[] = [];
  for (const a of data.actors) {
    const spec = specs.get(a.name)!;
    if (spec.kind !== 'request') continue;
    for (const s of samples.get(a.name) ?? []) windows.push({ actor: a.name, label: requestLabel(spec), startMs: s.sentMs, endMs: s.endMs });
  }
  // A load (or a sweep's step) is in flight from its first request to its last answer.
  for (const a of data.actors) {
    const spec = specs.get(a.name)!;
    for (const p of a.phases) windows.push({ actor: a.name, label: `${requestLabel(spec)} ×${p.connections}`, startMs: p.startMs, endMs: p.endMs });
  }

  const stalls: StallAnalysis[] = [];
  for (const a of data.actors) {
    const spec = specs.get(a.name)!;
    const log = samples.get(a.name);
    if (spec.kind !== 'probe' || !log) continue;
    const unloadedP99Ms = data.calibration[a.name]?.p99Ms ?? 0;
    const thresholdMs = stallThreshold(unloadedP99Ms, spec.stallThresholdMs);
    const found = findStalls(log, thresholdMs, windows).map((s) => ({
      ...s,
      selfLagMs: maxLagDuring(data.self.episodes, s.startMs, s.endMs),
    }));
    stalls.push({
      probe: a.name,
      label: requestLabel(spec),
      thresholdMs,
      unloadedP99Ms,
      answered: a.counts.requests - a.counts.failures,
      sent: a.counts.requests + a.counts.unfinished,
      stalls: found,
    });
  }
  const loads: ConcurrencyEstimate[] = [];
  const sweeps: SweepAnalysis[] = [];
  for (const a of data.actors) {
    const spec = specs.get(a.name)!;
    if (spec.kind !== 'load' && spec.kind !== 'sweep') continue;
    const s = serviceTime(spec, data.calibration[a.name]);
    const label = requestLabel(spec);
    const estimates = a.phases.map((phase, step) =>
      estimateConcurrency({ actor: a.name, label, phase: phaseFacts(phase), ...s, ...(spec.kind === 'sweep' ? { step } : {}) }),
    );
    if (spec.kind === 'load') loads.push(...estimates);
    else sweeps.push(analyseSweep(a.name, label, estimates));
  }
  return {
    windows,
    stalls,
    loads,
    sweeps,
    hopping: analyseHopping(data, specs, requestLabel),
    headOfLine: analyseHeadOfLine(data, specs, samples, requestLabel),
  };
}

/** What the concurrency estimate reads of a saved phase. */
export function phaseFacts(p: PhaseData): PhaseFacts {
  return { connections: p.connections, meter: meterFromData(p.meter), recorder: { requests: p.counts.requests, failures: p.counts.failures }, clientLag: p.clientLag };
}

/** S: declared, or the median of the calibration (unless it got HTTP errors: then unknown). */
function serviceTime(spec: ClosedModelSpec, cal: Calibration | undefined): Pick<EstimateInput, 'serviceTimeMs' | 'serviceTimeSource' | 'calibrationStatus'> {
  if (spec.serviceTimeMs !== undefined) return { serviceTimeMs: spec.serviceTimeMs, serviceTimeSource: 'declared' };
  if (!cal || !cal.samples) return { serviceTimeSource: 'none' };
  if (cal.failures) return { serviceTimeSource: 'none', calibrationStatus: cal.failedStatus };
  return { serviceTimeMs: cal.p50Ms, serviceTimeSource: 'calibrated' };
}
