// The ab-like summary and the effective concurrency of closed-model phases, for the JSON result.
import type { ConcurrencyEstimate, SweepAnalysis } from '../analysis/concurrency.js';
import { LatencyHistogram } from '../metrics/latency-histogram.js';
import type { PhaseData } from '../run-data/types.js';
import { round } from '../format.js';
import type { AbSummary, ConcurrencyResult, LoadPhaseResult, SweepResult } from './types.js';

/** ab's "Percentage of the requests served within a certain time" rows. */
export const SERVED_WITHIN_PERCENTS = [50, 66, 75, 80, 90, 95, 98, 99, 100] as const;

export function abSummary(phase: PhaseData): AbSummary {
  const rec = phase.counts;
  const latency = LatencyHistogram.fromData(rec.latency);
  const takenMs = Math.max(0, phase.endMs - phase.startMs);
  const seconds = takenMs / 1000;
  const reasons: Record<string, number> = {};
  for (const [code, n] of [...rec.statusCodes].sort((a, b) => a[0] - b[0])) if (code >= 400) reasons[`HTTP ${code}`] = n;
  for (const [err, n] of rec.errors) if (err !== 'unfinished') reasons[err] = n;
  const servedWithinMs: Record<string, number> = {};
  // HDR answers with the top of a value's bucket, which can exceed the longest request: clamp to it.
  if (latency.count) for (const p of SERVED_WITHIN_PERCENTS) servedWithinMs[String(p)] = round(p === 100 ? latency.maxMs : Math.min(latency.percentile(p), latency.maxMs), 2);
  return {
    connections: phase.connections,
    timeTakenMs: round(takenMs, 1),
    complete: rec.requests,
    failed: rec.failures,
    failureReasons: reasons,
    unfinished: rec.unfinished,
    requestsPerSec: seconds > 0 ? round(rec.requests / seconds, 2) : 0,
    timePerRequestMs: rec.requests ? round((phase.connections * takenMs) / rec.requests, 3) : 0,
    timePerRequestAllMs: rec.requests ? round(takenMs / rec.requests, 3) : 0,
    totalBytes: phase.meter.wireBytes,
    bodyBytes: rec.bytes,
    transferKBps: seconds > 0 ? round(phase.meter.wireBytes / 1024 / seconds, 2) : 0,
    servedWithinMs,
  };
}

const r2 = (x: number | undefined) => (x === undefined ? null : round(x, 2));

export function concurrencyResult(e: ConcurrencyEstimate): ConcurrencyResult {
  return {
    effectiveConcurrency: r2(e.effectiveConcurrency),
    serviceTimeMs: r2(e.serviceTimeMs),
    serviceTimeSource: e.serviceTimeSource,
    throughputRps: r2(e.throughputRps),
    ...(e.latencyUnderLoadMs !== undefined ? { latencyUnderLoadMs: round(e.latencyUnderLoadMs, 2) } : {}),
    ...(e.turnaroundMs !== undefined ? { turnaroundMs: round(e.turnaroundMs, 3) } : {}),
    ...(e.window ? { window: { startMs: round(e.window.startMs, 1), endMs: round(e.window.endMs, 1), requests: e.window.requests } } : {}),
    firstWave: {
      requests: e.firstWave.requests,
      served: e.firstWave.served,
      withinMs: round(e.firstWave.withinMs, 1),
      ...(e.firstWave.group !== undefined ? { group: e.firstWave.group } : {}),
    },
    ...(e.poolEstimate !== undefined ? { poolSizeEstimate: e.poolEstimate } : {}),
    outcome: e.outcome,
    ...(e.reason ? { reason: e.reason } : {}),
    clientLagMs: { p99: round(e.clientLag.p99Ms, 1), max: round(e.clientLag.maxMs, 1) },
  };
}

export function phaseResult(phase: PhaseData, e: ConcurrencyEstimate): LoadPhaseResult {
  return { ...abSummary(phase), concurrency: concurrencyResult(e) };
}

export function sweepResult(phases: readonly PhaseData[], a: SweepAnalysis): SweepResult {
  return {
    steps: phases.map((p, i) => phaseResult(p, a.steps[i]!)),
    ...(a.knee ? { knee: { connections: a.knee.connections, limit: round(a.knee.limit, 1) } } : {}),
    ...(a.maxEffectiveConcurrency !== undefined ? { maxEffectiveConcurrency: round(a.maxEffectiveConcurrency, 2) } : {}),
    ...(a.best ? { best: { connections: a.best.connections, throughputRps: round(a.best.throughputRps, 2) } } : {}),
  };
}
