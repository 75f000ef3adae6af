// Effective concurrency of a closed-model load (DESIGN.md §2): C = X × S, where X is the
// steady-state throughput and S the unloaded service time. C < 0.9 N says the server did not
// handle the N requests at once; the first wave tells a pool from mere per-request overhead.
//
// X is counted: answers per second over the steady-state window (after the first S of the load
// and before its last S, while every connection is busy). A pool answers in waves (M at a time,
// every S): the window's ends are put in the middle of a quiet gap between answers, so that it
// holds whole waves; otherwise one wave more or less at each end would be off by up to M/k.
// Little's law over requests sent in the window (X = N / mean latency) looked like an alternative,
// but a few requests that starve for seconds (measured on uvicorn with 10 anyio tokens) drag it
// down by 10 %; counting answers does not care which request they belong to.
//
// The first wave: all N connections send at once. A pool of M < N answers M of them after ~S and
// the next ones a whole S later (a gap); a server that is merely slower under load answers all N
// within ~S (no gap), and a CPU-bound one answers them one after another (a ramp, no gap either).
import type { LoadMeterData } from '../metrics/load-meter.js';

export type ConcurrencyOutcome = 'clear' | 'overhead' | 'pool' | 'serialized' | 'inconclusive';

/** Why an estimate is inconclusive. */
export type InconclusiveReason = 'no-service-time' | 'too-short' | 'failures' | 'too-fast' | 'client-bound' | 'ramp';

export interface FirstWave {
  /** First requests of the connections (one per connection). */
  requests: number;
  /** 1.5 × S: answered by then = served at once. */
  withinMs: number;
  served: number;
  /** How many were answered together before the first gap of ≥ 0.3 S (a wave); unset: no gap. */
  group?: number;
  /** Sorted latencies (ms, Infinity when unanswered), at most 100. */
  latenciesMs: number[];
}

export interface ConcurrencyEstimate {
  actor: string;
  /** "GET /pool?ms=200" */
  label: string;
  /** Index of the sweep step; unset for a load. */
  step?: number;
  connections: number;
  serviceTimeMs?: number;
  serviceTimeSource: 'calibrated' | 'declared' | 'none';
  /** The calibration requests got this HTTP error status (S is then unknown). */
  calibrationStatus?: number;
  /** Steady-state window (by answer time) and the requests answered in it. */
  window?: { startMs: number; endMs: number; requests: number };
  /** Mean latency of the requests answered in the window. */
  latencyUnderLoadMs?: number;
  /** wobbly's own mean time between an answer and the connection's next request. */
  turnaroundMs?: number;
  /** X: answers per second over the window. */
  throughputRps?: number;
  /** C = X × S */
  effectiveConcurrency?: number;
  firstWave: FirstWave;
  failureRate: number;
  clientLag: { p99Ms: number; maxMs: number };
  outcome: ConcurrencyOutcome;
  reason?: InconclusiveReason;
  /** Estimated number of requests the server handles at once (its pool): the first wave's group, else C. */
  poolEstimate?: number;
}

/** The rules' thresholds (DESIGN.md §2 and the first-wave test). */
export const RULES = {
  /** C below this share of N: the server did not handle them all at once. */
  starvedBelow: 0.9,
  /** C below this (with N ≥ 2): one at a time. */
  serializedBelow: 1.5,
  /** First-wave answers within this many S count as served at once. */
  servedWithinS: 1.5,
  /** A gap of this many S between consecutive first-wave answers ends a wave. */
  waveGapS: 0.3,
  /** The steady-state window must hold at least 2 N requests and this many. */
  minWindowRequests: 8,
  /** Too short to tell a pool from the CPU and the network stack. */
  minServiceMs: 2,
  /** Above this share of failures the estimate is not trusted. */
  maxFailureRate: 0.1,
  /** wobbly's turnaround above this share of the cycle: wobbly is the bottleneck. */
  maxTurnaroundShare: 0.1,
} as const;

/** What an estimate reads of a phase: a live LoadPhase, or one read back from RunData. */
export interface PhaseFacts {
  connections: number;
  meter: LoadMeterData;
  recorder: { requests: number; failures: number };
  clientLag: { p99Ms: number; maxMs: number };
}

export interface EstimateInput {
  actor: string;
  label: string;
  step?: number;
  phase: PhaseFacts;
  serviceTimeMs?: number;
  serviceTimeSource: 'calibrated' | 'declared' | 'none';
  calibrationStatus?: number;
}

export function estimateConcurrency(input: EstimateInput): ConcurrencyEstimate {
  const { phase, serviceTimeMs: S } = input;
  const m = phase.meter;
  const N = phase.connections;
  const rec = phase.recorder;
  const failureRate = rec.requests ? rec.failures / rec.requests : 0;
  const firstWave = analyseFirstWave(m.firstWaveMs, S);
  const base: ConcurrencyEstimate = {
    actor: input.actor,
    label: input.label,
    ...(input.step !== undefined ? { step: input.step } : {}),
    connections: N,
    ...(S !== undefined ? { serviceTimeMs: S } : {}),
    serviceTimeSource: input.serviceTimeSource,
    ...(input.calibrationStatus !== undefined ? { calibrationStatus: input.calibrationStatus } : {}),
    firstWave,
    failureRate,
    clientLag: phase.clientLag,
    outcome: 'inconclusive',
  };
  if (S === undefined || !(S > 0)) return { ...base, reason: 'no-service-time' };

  const w = steadyWindow(m, S);
  const turnaroundMs = m.gapCount ? m.gapSumMs / m.gapCount : 0;
  if (!w || w.ok === 0) return { ...base, reason: 'too-short', turnaroundMs };
  const throughputRps = (w.ok / (w.endMs - w.startMs)) * 1000;
  const est: ConcurrencyEstimate = {
    ...base,
    window: { startMs: w.startMs, endMs: w.endMs, requests: w.ok },
    latencyUnderLoadMs: w.latencySum / w.ok,
    turnaroundMs,
    throughputRps,
    effectiveConcurrency: (throughputRps * S) / 1000,
  };
  return classify(est);
}

/** The decision, from the numbers of an estimate (pure; see RULES). */
export function classify(est: ConcurrencyEstimate): ConcurrencyEstimate {
  const N = est.connections;
  const S = est.serviceTimeMs ?? 0;
  const C = est.effectiveConcurrency ?? 0;
  const R = est.latencyUnderLoadMs ?? 0;
  const inconclusive = (reason: InconclusiveReason): ConcurrencyEstimate => ({ ...est, outcome: 'inconclusive', reason });
  if (N === 1) return { ...est, outcome: 'clear' };
  if (!est.window || est.window.requests < Math.max(2 * N, RULES.minWindowRequests)) return inconclusive('too-short');
  if (est.failureRate > RULES.maxFailureRate) return inconclusive('failures');
  if (C >= RULES.starvedBelow * N) return { ...est, outcome: 'clear' };
  if (S < RULES.minServiceMs) return inconclusive('too-fast');
  const turnaround = est.turnaroundMs ?? 0;
  if (turnaround > RULES.maxTurnaroundShare * (R + turnaround) || est.clientLag.p99Ms > Math.max(20, 0.25 * R)) return inconclusive('client-bound');
  const wave = est.firstWave;
  if (wave.served >= RULES.starvedBelow * N) return { ...est, outcome: 'overhead' };
  if (wave.group !== undefined && wave.group < RULES.starvedBelow * N) {
    return { ...est, outcome: C < RULES.serializedBelow ? 'serialized' : 'pool', poolEstimate: wave.group };
  }
  return inconclusive('ramp');
}

export function analyseFirstWave(latencies: readonly number[], S: number | undefined): FirstWave {
  const sorted = [...latencies].sort((a, b) => a - b);
  const withinMs = S !== undefined ? RULES.servedWithinS * S : Infinity;
  const wave: FirstWave = { requests: sorted.length, withinMs, served: sorted.filter((l) => l <= withinMs).length, latenciesMs: sorted.slice(0, 100) };
  if (S !== undefined) {
    for (let k = 1; k < sorted.length; k++) {
      if (sorted[k]! - sorted[k - 1]! >= RULES.waveGapS * S) {
        wave.group = k;
        break;
      }
    }
  }
  return wave;
}

interface Window {
  startMs: number;
  endMs: number;
  ok: number;
  latencySum: number;
}

/**
 * Answers between the load's first send + S and the end of its sending − S (after that the
 * connections fall idle, or the run cut them short), each end moved to the middle of the longest
 * quiet gap within S of it (all of it when the answers never pause: then any point will do).
 */
function steadyWindow(m: LoadMeterData, S: number): Window | undefined {
  if (!Number.isFinite(m.firstSentMs) || !Number.isFinite(m.lastSentMs)) return undefined;
  const busyUntil = Math.min(m.lastSentMs, m.stoppedAtMs);
  const span = Math.max(1, Math.ceil(S / m.slotMs));
  const from = Math.ceil((m.firstSentMs + S) / m.slotMs);
  const to = Math.min(m.okByEnd.length, Math.floor((busyUntil - S) / m.slotMs));
  if (to - from < 2 * span) return undefined;
  const a = quietest(m.okByEnd, from, from + span);
  const b = quietest(m.okByEnd, to - span, to);
  if (b <= a) return undefined;
  const w: Window = { startMs: a * m.slotMs, endMs: b * m.slotMs, ok: 0, latencySum: 0 };
  for (let i = a; i < b; i++) {
    w.ok += m.okByEnd[i] ?? 0;
    w.latencySum += m.latencyByEnd[i] ?? 0;
  }
  return w;
}

/** The slot in the middle of the longest run of slots without answers in [lo, hi), else the middle of [lo, hi). */
function quietest(counts: Float64Array, lo: number, hi: number): number {
  let best = -1;
  let bestLen = 0;
  for (let i = lo; i < hi; ) {
    if (counts[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < hi && !counts[j]) j++;
    if (j - i > bestLen) {
      bestLen = j - i;
      best = i;
    }
    i = j;
  }
  return bestLen ? best + Math.floor(bestLen / 2) : Math.floor((lo + hi) / 2);
}

/** A sweep: one estimate per step, and the knee (the first step where the server stops keeping up). */
export interface SweepAnalysis {
  actor: string;
  label: string;
  steps: ConcurrencyEstimate[];
  /** First step judged pool/serialized, and the limit: the median pool estimate of those steps. */
  knee?: { connections: number; limit: number };
  /** The highest effective concurrency reached by any step. */
  maxEffectiveConcurrency?: number;
  /** The step with the best throughput (smallest N among those within 5 % of it). */
  best?: { connections: number; throughputRps: number };
}

export function analyseSweep(actor: string, label: string, steps: ConcurrencyEstimate[]): SweepAnalysis {
  const out: SweepAnalysis = { actor, label, steps };
  const limited = steps.filter((s) => s.outcome === 'pool' || s.outcome === 'serialized');
  if (limited.length) {
    const estimates = limited.map((s) => s.poolEstimate ?? s.effectiveConcurrency ?? 0).sort((a, b) => a - b);
    out.knee = { connections: limited[0]!.connections, limit: estimates[Math.floor((estimates.length - 1) / 2)]! };
  }
  const cs = steps.map((s) => s.effectiveConcurrency).filter((c): c is number => c !== undefined);
  if (cs.length) out.maxEffectiveConcurrency = Math.max(...cs);
  const xs = steps.filter((s) => s.throughputRps !== undefined);
  if (xs.length) {
    const top = Math.max(...xs.map((s) => s.throughputRps!));
    const best = xs.find((s) => s.throughputRps! >= 0.95 * top)!;
    out.best = { connections: best.connections, throughputRps: best.throughputRps! };
  }
  return out;
}
