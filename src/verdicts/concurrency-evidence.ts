// What the pool-starvation and serialized verdicts share: the sentences about one closed-model
// measurement, its evidence (typed), and the evidence lines of a report.
import type { Analysis } from '../analysis/analyse.js';
import type { ConcurrencyEstimate, SweepAnalysis } from '../analysis/concurrency.js';
import { formatConcurrency, formatMs, round } from '../format.js';
import type { CompareFigures } from './rule.js';

export type ConcurrencyEvidence = {
  actor: string;
  step?: number;
  request: string;
  effectiveConcurrency: number | null;
  requestedConcurrency: number;
  serviceTimeMs: number | null;
  serviceTimeSource: ConcurrencyEstimate['serviceTimeSource'];
  throughputRps: number | null;
  poolSizeEstimate?: number;
  latencyUnderLoadMs?: number;
  firstWave: { requests: number; served: number; withinMs: number; group?: number };
  outcome: ConcurrencyEstimate['outcome'];
  reason?: string;
  knee?: { connections: number; limit: number };
  measurements: { actor: string; connections: number; effectiveConcurrency: number | null; throughputRps: number | null; outcome: string }[];
};

export const fmtRps = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** "GET /pool?ms=200 (load)" or "GET /pool?ms=200 (sweep, N = 8)" */
export function who(e: ConcurrencyEstimate): string {
  return `${e.label} (${e.actor}${e.step !== undefined ? `, N = ${e.connections}` : ''})`;
}

export function numbers(e: ConcurrencyEstimate): string {
  const S = e.serviceTimeMs!;
  const X = e.throughputRps!;
  const C = e.effectiveConcurrency!;
  return `throughput ${fmtRps(X)} req/s × unloaded service time ${formatMs(S)} = effective concurrency ${formatConcurrency(C)} of ${e.connections}`;
}

export function waveText(e: ConcurrencyEstimate): string {
  const w = e.firstWave;
  if (w.group === 1) return `the first ${w.requests} requests came back one at a time, about ${formatMs(e.serviceTimeMs!)} apart`;
  return `the first ${w.requests} requests came back in waves of ${w.group ?? w.served} (${w.served} within ${formatMs(w.withinMs)})`;
}

export function inconclusiveText(e: ConcurrencyEstimate): string {
  const N = e.connections;
  switch (e.reason) {
    case 'no-service-time':
      return e.calibrationStatus
        ? `${who(e)}: the calibration requests got HTTP ${e.calibrationStatus}, so the service time S is unknown: check the path, or declare serviceTime.`
        : `${who(e)}: no service time S (calibrate: 0 and no serviceTime): effective concurrency cannot be computed.`;
    case 'too-short':
      return `${who(e)}: the steady-state window (after the first and before the last S) held ${e.window?.requests ?? 0} requests, fewer than 2 × ${N}: run the load longer (at least ~10 × its latency${e.latencyUnderLoadMs ? `, ${formatMs(e.latencyUnderLoadMs)}` : ''}).`;
    case 'failures':
      return `${who(e)}: ${Math.round(e.failureRate * 100)}% of the requests failed: the throughput says little about concurrency. Look at the failures first.`;
    case 'too-fast':
      return `${who(e)}: it answers in ${formatMs(e.serviceTimeMs!)} unloaded, too fast to tell a pool from the CPU and the network stack (${numbers(e)} means little here). Point the load at an endpoint that waits (I/O, sleep), or declare its serviceTime.`;
    case 'client-bound':
      return `${who(e)}: wobbly itself may have been the bottleneck (its turnaround ${formatMs(e.turnaroundMs ?? 0)} per request, its load thread lagged up to ${formatMs(e.clientLag.maxMs)}): ${numbers(e)} is not trusted. Use fewer connections or more workers.`;
    case 'ramp':
      return `${who(e)}: ${numbers(e)}, but the first requests were answered one after another without waves (${e.firstWave.served} of ${N} within ${formatMs(e.firstWave.withinMs)}): the server looks CPU-bound at ${fmtRps(e.throughputRps!)} req/s rather than limited by a pool. More worker processes would help.`;
    default:
      return `${who(e)}: inconclusive.`;
  }
}

export function sweepText(sweeps: readonly SweepAnalysis[], e: ConcurrencyEstimate): string {
  const sweep = sweeps.find((s) => s.actor === e.actor);
  if (!sweep?.knee) return '';
  const ns = sweep.steps.map((s) => s.connections);
  const best = sweep.best ? `; best throughput ${fmtRps(sweep.best.throughputRps)} req/s, from N = ${sweep.best.connections}` : '';
  return ` Over N = ${ns.join(', ')} the knee is at N = ${sweep.knee.connections}: the concurrency limit is about ${formatConcurrency(sweep.knee.limit)}${best}.`;
}

export function evidence(e: ConcurrencyEstimate, all: readonly ConcurrencyEstimate[], sweeps: readonly SweepAnalysis[]): ConcurrencyEvidence {
  const sweep = sweeps.find((s) => s.actor === e.actor);
  return {
    actor: e.actor,
    ...(e.step !== undefined ? { step: e.step } : {}),
    request: e.label,
    effectiveConcurrency: e.effectiveConcurrency !== undefined ? round(e.effectiveConcurrency, 2) : null,
    requestedConcurrency: e.connections,
    serviceTimeMs: e.serviceTimeMs !== undefined ? round(e.serviceTimeMs, 2) : null,
    serviceTimeSource: e.serviceTimeSource,
    throughputRps: e.throughputRps !== undefined ? round(e.throughputRps, 2) : null,
    ...(e.poolEstimate !== undefined ? { poolSizeEstimate: e.poolEstimate } : {}),
    ...(e.latencyUnderLoadMs !== undefined ? { latencyUnderLoadMs: round(e.latencyUnderLoadMs, 1) } : {}),
    firstWave: { requests: e.firstWave.requests, served: e.firstWave.served, withinMs: round(e.firstWave.withinMs, 1), ...(e.firstWave.group !== undefined ? { group: e.firstWave.group } : {}) },
    outcome: e.outcome,
    ...(e.reason ? { reason: e.reason } : {}),
    ...(sweep?.knee ? { knee: sweep.knee } : {}),
    measurements: all.map((m) => ({
      actor: m.actor,
      connections: m.connections,
      effectiveConcurrency: m.effectiveConcurrency !== undefined ? round(m.effectiveConcurrency, 2) : null,
      throughputRps: m.throughputRps !== undefined ? round(m.throughputRps, 2) : null,
      outcome: m.outcome,
    })),
  };
}

export function estimatesOf(analysis: Analysis): ConcurrencyEstimate[] {
  return [...(analysis.loads ?? []), ...(analysis.sweeps ?? []).flatMap((s) => s.steps)];
}

/** The most telling estimate with one of these outcomes: the largest N, then the lowest C/N. */
export function pick(all: ConcurrencyEstimate[], outcomes: ConcurrencyEstimate['outcome'][]): ConcurrencyEstimate | undefined {
  const hits = all.filter((e) => outcomes.includes(e.outcome));
  const ratio = (e: ConcurrencyEstimate) => (e.effectiveConcurrency ?? 0) / e.connections;
  return hits.sort((a, b) => b.connections - a.connections || ratio(a) - ratio(b))[0];
}

const fmtC = (c: number | null) => (c === null ? '-' : formatConcurrency(c));

/** Evidence lines of the pool-starvation and serialized verdicts. */
export function concurrencyEvidenceLines(e: ConcurrencyEvidence): string[] {
  const lines: string[] = [];
  const C = e.effectiveConcurrency;
  const S = e.serviceTimeMs;
  if (C !== null && S !== null) {
    lines.push(`effective concurrency ${fmtC(C)} of ${String(e.requestedConcurrency)} = ${String(e.throughputRps)} req/s × S ${formatMs(S)} (${String(e.serviceTimeSource)})`);
  }
  const w = e.firstWave;
  if (w && Number.isFinite(w.withinMs)) lines.push(`first wave: ${w.served} of ${w.requests} answered within ${formatMs(w.withinMs)}${w.group !== undefined ? `, then a gap (a wave of ${w.group})` : ', no gap'}`);
  if (typeof e.latencyUnderLoadMs === 'number' && S !== null) lines.push(`latency under load ${formatMs(e.latencyUnderLoadMs)} vs ${formatMs(S)} unloaded`);
  const knee = e.knee;
  if (knee) lines.push(`sweep knee at N = ${knee.connections}, concurrency limit ≈ ${fmtC(knee.limit)}`);
  const all = e.measurements ?? [];
  if (all.length > 1) lines.push(`measurements: ${all.map((m) => `${m.actor} N=${m.connections} C=${fmtC(m.effectiveConcurrency)} ${m.outcome}`).join('; ')}`);
  return lines;
}

/** compare reads the steady-state throughput and C of the measurement a verdict is about. */
export function concurrencyFigures(e: ConcurrencyEvidence): CompareFigures {
  return {
    ...(typeof e.throughputRps === 'number' ? { throughputRps: e.throughputRps } : {}),
    ...(typeof e.effectiveConcurrency === 'number' ? { effectiveConcurrency: e.effectiveConcurrency } : {}),
  };
}
