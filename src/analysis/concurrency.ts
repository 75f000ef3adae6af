// Effective concurrency of a closed-model load (DESIGN.md §2): C = X × S, where X is the
// throughput while every connection was busy and S the unloaded service time. C < 0.9 N says the
// server did not handle the N requests at once; C < 1.5 (N ≥ 2) that it handled one at a time.
//
// Every estimate carries an interval, and a decision is made when the interval lies on one side
// of the threshold (DESIGN.md §2, "decide from uncertainty, not from counts"):
//
// - The window runs from the first send (all N connections send at once: nothing is half done
//   then) to the last send (after it, connections fall idle). Its work is the n answers in it plus
//   the work still in progress at its end: a request answered d ms after the end had done
//   1 − d/S' of its service, with S' between S (less its calibration spread) and the service time
//   under load seen in the first wave (at most 1.5 S). That in-progress term is the interval's
//   width, and it does not grow with the run: a run twice as long halves its share.
// - The spread of the calibration is the interval of S itself.
// - A pool answers in waves: M answers, a quiet gap, M answers a whole S later. The first wave (the
//   N first requests) and the waves in the window each measure M; when they are clean (every
//   cluster of answers shorter than S/2, a gap of ≥ 0.3 S between them) their sizes bound M.
//
// The first wave also tells a pool from mere per-request overhead: a server that is only slower
// under load answers all N first requests within ~1.5 S (no gap); a CPU-bound one answers them
// one after another (a ramp, no gap either).
//
// Little's law over requests sent in a window (X = N / mean latency) looked like an alternative,
// but a few requests that starve for seconds (measured on uvicorn with 10 anyio tokens) drag it
// down by 10 %; counting answers does not care which request they belong to.
import type { LoadMeterData } from '../metrics/load-meter.js';

export type ConcurrencyOutcome = 'clear' | 'overhead' | 'pool' | 'serialized' | 'inconclusive';

/** Why an estimate is inconclusive. */
export type InconclusiveReason =
  | 'single-connection'
  | 'no-service-time'
  | 'too-short'
  | 'straddles'
  | 'failures'
  | 'too-fast'
  | 'client-bound'
  | 'ramp';

export interface Interval {
  lo: number;
  hi: number;
}

export interface FirstWave {
  /** First requests of the connections (one per connection). */
  requests: number;
  /** 1.5 × S: answered by then = served at once. */
  withinMs: number;
  served: number;
  /** How many were answered together before the first gap of ≥ 0.3 S (a wave); unset: no gap. */
  group?: number;
  /** When the first answer after that gap came (ms after the send). */
  nextGroupMs?: number;
  /** Sorted latencies (ms, Infinity when unanswered), at most 100. */
  latenciesMs: number[];
}

/** The worker processes the answers came from (an extracted field named like pid or worker), when the load extracts one. */
export interface Workers {
  field: string;
  values: string[];
}

/** Requests the server turned away (503, refused or reset connections): the concurrency-limit verdict's facts. */
export interface Rejections {
  /** Completed requests of the phase. */
  requests: number;
  rejected: number;
  /** "HTTP 503", "ECONNRESET", … → count */
  byReason: Record<string, number>;
  /** First requests (one per connection) answered with success. */
  firstWaveAnswered: number;
}

export interface ConcurrencyEstimate {
  actor: string;
  /** "GET /pool?ms=200" */
  label: string;
  /** Index of the sweep step; unset for a load. */
  step?: number;
  connections: number;
  serviceTimeMs?: number;
  /** The calibration's spread (p50 − the fastest, ms): the interval of S. */
  serviceSpreadMs?: number;
  serviceTimeSource: 'calibrated' | 'declared' | 'none';
  /** The calibration requests got this HTTP error status (S is then unknown). */
  calibrationStatus?: number;
  /** The window while every connection was busy, and the requests answered in it. */
  window?: { startMs: number; endMs: number; requests: number };
  /** Requests' worth of service still in progress at the window's end (answered soon after it). */
  inProgress?: Interval;
  /** Mean latency of the requests answered in the window. */
  latencyUnderLoadMs?: number;
  /** wobbly's own mean time between an answer and the connection's next request. */
  turnaroundMs?: number;
  /** X: requests' worth of service per second over the window. */
  throughputRps?: number;
  /** C = X × S, and its interval. */
  effectiveConcurrency?: number;
  concurrencyInterval?: Interval;
  firstWave: FirstWave;
  /** Sizes of the clean waves of answers while every connection was busy (the first one included); unset: no clean waves. */
  waves?: number[];
  failureRate: number;
  clientLag: { p99Ms: number; maxMs: number };
  outcome: ConcurrencyOutcome;
  reason?: InconclusiveReason;
  /** With 'straddles': a load of about this length (ms) would decide; unset: a longer one would not. */
  decideAfterMs?: number;
  /** Estimated number of requests the server handles at once (its pool), and its interval. */
  poolEstimate?: number;
  poolInterval?: Interval;
  workers?: Workers;
  rejections: Rejections;
}

/** The rules' thresholds (DESIGN.md §2 and the first-wave test). */
export const RULES = {
  /** C below this share of N: the server did not handle them all at once. */
  starvedBelow: 0.9,
  /** C below this (with N ≥ 2): one at a time. */
  serializedBelow: 1.5,
  /** First-wave answers within this many S count as served at once. */
  servedWithinS: 1.5,
  /** A gap of this many S between consecutive answers ends a wave. */
  waveGapS: 0.3,
  /** A pool's next first-wave answers come a whole S after its first group: at least this many S after the send. */
  nextGroupAfterS: 1.6,
  /** A cluster of answers spread over less than this many S is a wave. */
  waveSpanS: 0.5,
  /**
   * Clusters that start within this many S of a wave's first one belong to that wave: a pool's slot
   * that a busy CPU made late once answers out of phase with the others from then on, but within
   * the same S (a pool's next wave comes a whole S later).
   */
  waveMergeS: 0.7,
  /** Too short to tell a pool from the CPU and the network stack. */
  minServiceMs: 2,
  /** Above this share of failures the estimate is not trusted. */
  maxFailureRate: 0.1,
  /** wobbly's turnaround above this share of the cycle: wobbly is the bottleneck. */
  maxTurnaroundShare: 0.1,
  /** The calibration spread counted as S's interval is at least this share of S (and at most maxServiceSpread). */
  minServiceSpread: 0.005,
  maxServiceSpread: 0.25,
} as const;

/** What an estimate reads of a phase: a live LoadPhase, or one read back from RunData. */
export interface PhaseFacts {
  connections: number;
  meter: LoadMeterData;
  recorder: {
    requests: number;
    failures: number;
    statusCodes: ReadonlyMap<number, number>;
    errors: ReadonlyMap<string, number>;
    /** field → value → count (the worker a request was answered by, when the load extracts one). */
    identities: ReadonlyMap<string, ReadonlyMap<string, number>>;
  };
  clientLag: { p99Ms: number; maxMs: number };
}

export interface EstimateInput {
  actor: string;
  label: string;
  step?: number;
  phase: PhaseFacts;
  serviceTimeMs?: number;
  serviceSpreadMs?: number;
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
    ...(input.serviceSpreadMs !== undefined ? { serviceSpreadMs: input.serviceSpreadMs } : {}),
    serviceTimeSource: input.serviceTimeSource,
    ...(input.calibrationStatus !== undefined ? { calibrationStatus: input.calibrationStatus } : {}),
    firstWave,
    failureRate,
    clientLag: phase.clientLag,
    outcome: 'inconclusive',
    ...workersOf(rec.identities),
    rejections: rejectionsOf(rec, m.firstWaveMs),
  };
  if (S === undefined || !(S > 0)) return classify(base);
  const turnaroundMs = m.gapCount ? m.gapSumMs / m.gapCount : 0;
  const spread = serviceSpread(S, input.serviceSpreadMs);
  const sLoad = serviceUnderLoad(firstWave, S, spread);
  const w = busyWindow(m, firstWave, sLoad);
  if (!w) return classify({ ...base, turnaroundMs });
  const work = inProgress(m, w, S, spread, sLoad);
  const T = w.endMs - w.startMs;
  const X = ((w.ok + work.point) / T) * 1000;
  const waves = cleanWaves(m, w, S);
  return classify({
    ...base,
    window: { startMs: w.startMs, endMs: w.endMs, requests: w.ok },
    inProgress: { lo: work.lo, hi: work.hi },
    ...(w.ok ? { latencyUnderLoadMs: w.latencySum / w.ok } : {}),
    turnaroundMs,
    throughputRps: X,
    effectiveConcurrency: (X * S) / 1000,
    concurrencyInterval: { lo: ((w.ok + work.lo) * S * (1 - spread)) / T, hi: ((w.ok + work.hi) * S * (1 + spread)) / T },
    ...(waves ? { waves } : {}),
  });
}

/** What a server that turns work away answers: 503, or a refused or reset connection. */
export const REJECT_STATUSES = new Set([503]);
export const REJECT_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'connection closed']);

function rejectionsOf(rec: PhaseFacts['recorder'], firstWaveMs: readonly number[]): Rejections {
  const byReason: Record<string, number> = {};
  for (const [code, n] of rec.statusCodes) if (REJECT_STATUSES.has(code)) byReason[`HTTP ${code}`] = n;
  for (const [err, n] of rec.errors) if (REJECT_ERRORS.has(err)) byReason[err] = n;
  const rejected = Object.values(byReason).reduce((a, b) => a + b, 0);
  return { requests: rec.requests, rejected, byReason, firstWaveAnswered: firstWaveMs.filter(Number.isFinite).length };
}

const WORKER_FIELD = /pid|worker|process/i;

function workersOf(identities: ReadonlyMap<string, ReadonlyMap<string, number>>): { workers?: Workers } {
  for (const [field, values] of identities) {
    if (WORKER_FIELD.test(field)) return { workers: { field, values: [...values.keys()].sort() } };
  }
  return {};
}

/** S's relative interval: the calibration's spread, within [minServiceSpread, maxServiceSpread]. */
function serviceSpread(S: number, spreadMs: number | undefined): number {
  return Math.min(RULES.maxServiceSpread, Math.max(RULES.minServiceSpread, (spreadMs ?? 0) / S));
}

/**
 * The longest a request may take in service under load: what the first wave's first answers
 * took (the requests a pool served at once, or all of them when nothing queued), within
 * [S, 1.5 S]; 1.5 S when the first wave tells nothing.
 */
function serviceUnderLoad(w: FirstWave, S: number, spread: number): number {
  const top = RULES.servedWithinS * S;
  const k = w.group ?? w.served;
  const seen = k > 0 ? w.latenciesMs[Math.min(k, w.latenciesMs.length) - 1]! : top;
  return Math.max(S * (1 + spread), Math.min(top, seen));
}

interface Window {
  startMs: number;
  endMs: number;
  /** First slot after the window. */
  endSlot: number;
  ok: number;
  latencySum: number;
}

/**
 * From the first send to the last one (every connection busy meanwhile), cut where the requests
 * still in service would be cut short by the end of the run; at least up to the first answers of
 * the first wave (a load of N requests sends nothing more).
 */
function busyWindow(m: LoadMeterData, first: FirstWave, sLoad: number): Window | undefined {
  if (!Number.isFinite(m.firstSentMs) || !Number.isFinite(m.lastSentMs)) return undefined;
  const a = m.firstSentMs;
  let b = m.lastSentMs;
  const k = first.group ?? first.served;
  if (k > 0) b = Math.max(b, a + first.latenciesMs[Math.min(k, first.latenciesMs.length) - 1]!);
  if (Number.isFinite(m.stoppedAtMs)) b = Math.min(b, m.stoppedAtMs - sLoad);
  if (!(b > a)) return undefined;
  // The slot holding the end counts whole: its answers after the end were (almost) done by then.
  const from = Math.max(0, Math.floor(a / m.slotMs));
  const endSlot = Math.min(m.okByEnd.length, Math.floor(b / m.slotMs) + 1);
  const w: Window = { startMs: a, endMs: b, endSlot, ok: 0, latencySum: 0 };
  for (let i = from; i < endSlot; i++) {
    w.ok += m.okByEnd[i] ?? 0;
    w.latencySum += m.latencyByEnd[i] ?? 0;
  }
  return w.ok > 0 || endSlot < m.okByEnd.length ? w : undefined;
}

/**
 * Requests' worth of service in progress at the window's end: an answer d ms later had done
 * 1 − d/S' of its service, S' between S(1 − spread) (lo) and the service time under load (hi),
 * d known to the slot.
 */
function inProgress(m: LoadMeterData, w: Window, S: number, spread: number, sLoad: number): { lo: number; point: number; hi: number } {
  const out = { lo: 0, point: 0, hi: 0 };
  const { endSlot, endMs } = w;
  const last = Math.min(m.okByEnd.length, endSlot + Math.ceil(sLoad / m.slotMs) + 1);
  const share = (d: number, s: number) => Math.max(0, Math.min(1, 1 - d / s));
  for (let i = endSlot; i < last; i++) {
    const n = m.okByEnd[i] ?? 0;
    if (!n) continue;
    // Somewhere in its slot: the slot's middle for the point, its ends for the interval.
    const d = (i + 0.5) * m.slotMs - endMs;
    out.lo += n * share(d + m.slotMs / 2, S * (1 - spread));
    out.point += n * share(d, S);
    out.hi += n * share(d - m.slotMs / 2, sLoad);
  }
  return out;
}

/**
 * The sizes of the waves of answers in the window (the cluster running over its end included),
 * when the answers come in clean waves: clusters shorter than waveSpanS × S, apart by at least
 * waveGapS × S, those that start within waveMergeS × S of a wave's first counted as one wave.
 * Unset when they do not, or the slots are too coarse to tell.
 */
function cleanWaves(m: LoadMeterData, w: Window, S: number): number[] | undefined {
  const gapSlots = Math.floor((RULES.waveGapS * S) / m.slotMs);
  if (gapSlots < 2) return undefined;
  const sizes: number[] = [];
  let waveStart = 0;
  let i = Math.max(0, Math.floor(w.startMs / m.slotMs));
  while (i < m.okByEnd.length) {
    while (i < m.okByEnd.length && !m.okByEnd[i]) i++;
    if (i >= m.okByEnd.length || i >= w.endSlot) break;
    const start = i;
    let end = i;
    let count = 0;
    for (let quiet = 0; i < m.okByEnd.length && quiet < gapSlots; i++) {
      if (m.okByEnd[i]) {
        count += m.okByEnd[i]!;
        end = i;
        quiet = 0;
      } else quiet++;
    }
    if ((end - start + 1) * m.slotMs >= RULES.waveSpanS * S) return undefined;
    if (sizes.length && (start - waveStart) * m.slotMs < RULES.waveMergeS * S) sizes[sizes.length - 1]! += count;
    else {
      sizes.push(count);
      waveStart = start;
    }
    i = end + 1;
  }
  return sizes.length ? sizes : undefined;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** M from the waves: their median, and the range of those that are not stragglers (under half the median). */
function poolFromWaves(waves: readonly number[] | undefined): { estimate: number; interval: Interval } | undefined {
  if (!waves?.length) return undefined;
  const mid = median(waves);
  const sizes = waves.filter((n) => n >= mid / 2);
  return { estimate: mid, interval: { lo: Math.min(...sizes), hi: Math.max(...sizes) } };
}

/** The decision, from the numbers of an estimate (pure; see RULES). */
export function classify(est: ConcurrencyEstimate): ConcurrencyEstimate {
  const N = est.connections;
  const S = est.serviceTimeMs ?? 0;
  const R = est.latencyUnderLoadMs ?? S;
  const starved = RULES.starvedBelow * N;
  const inconclusive = (reason: InconclusiveReason, extra: Partial<ConcurrencyEstimate> = {}): ConcurrencyEstimate => ({ ...est, ...extra, outcome: 'inconclusive', reason });
  if (N === 1) return inconclusive('single-connection');
  if (!(S > 0)) return inconclusive('no-service-time');
  if (est.failureRate > RULES.maxFailureRate) return inconclusive('failures');
  // Below ~2 ms, S is mostly the client's and the kernel's own time (a cold calibration read 1.9 ms
  // for an endpoint answering in 0.7 ms under load): no C from it means anything, either way.
  if (S < RULES.minServiceMs) return inconclusive('too-fast');
  const ci = est.concurrencyInterval;
  const wave = est.firstWave;
  const fromWaves = poolFromWaves(est.waves);
  // All N first requests answered within ~1.5 S: the server took them all at once.
  if (wave.served >= starved) return { ...est, outcome: ci && ci.hi < starved ? 'overhead' : 'clear' };
  if (ci && ci.lo >= starved) return { ...est, outcome: 'clear' };
  if (!ci && !poolSignature(wave, S)) return inconclusive('too-short');
  const turnaround = est.turnaroundMs ?? 0;
  if (turnaround > RULES.maxTurnaroundShare * (R + turnaround) || est.clientLag.p99Ms > Math.max(20, 0.25 * R)) return inconclusive('client-bound');
  const C = est.effectiveConcurrency;
  // Several workers, each handling one at a time, are serialized too (per worker).
  const k = est.workers && est.workers.values.length >= 2 ? est.workers.values.length : 1;
  const pool = (M: number, interval: Interval): ConcurrencyEstimate => ({
    ...est,
    outcome: interval.hi / k < RULES.serializedBelow || (ci !== undefined && ci.hi / k < RULES.serializedBelow) ? 'serialized' : 'pool',
    poolEstimate: M,
    poolInterval: interval,
  });
  // The waves (the first one included) each measured M: clean waves under the threshold decide.
  if (fromWaves && fromWaves.interval.hi < starved) return pool(fromWaves.estimate, fromWaves.interval);
  if (ci && ci.hi < starved) {
    if (ci.hi < RULES.serializedBelow) return pool(1, { lo: Math.max(0, ci.lo), hi: ci.hi });
    // A pool's signature in the first wave: a group, then the next answers a whole S later, and C
    // agreeing with the group. Without it (answers in a ramp, gaps from a busy CPU) a low C is a
    // server slowing down for every request, not a pool: never a false pool.
    if (!poolSignature(wave, S) || wave.group! >= starved) return inconclusive('ramp');
    if (wave.group! >= 0.9 * ci.lo && wave.group! <= 1.1 * ci.hi) return pool(wave.group!, { lo: Math.min(wave.group!, ci.lo), hi: Math.max(wave.group!, ci.hi) });
    return inconclusive('ramp');
  }
  // Only the first wave (a load of N requests): a group, then the next answers a whole S later.
  if (!ci && poolSignature(wave, S)) return pool(wave.group!, { lo: wave.group!, hi: wave.group! });
  const decideAfterMs = C !== undefined && est.window && est.inProgress ? decidingLength(est, C, starved) : undefined;
  return inconclusive('straddles', decideAfterMs !== undefined ? { decideAfterMs } : {});
}

/** A FIFO pool of M answers the first M after ~S and the next ones a whole S later (~2 S). */
function poolSignature(w: FirstWave, S: number): boolean {
  return w.group !== undefined && w.nextGroupMs !== undefined && w.nextGroupMs >= RULES.nextGroupAfterS * S;
}

/**
 * How long a window would put C's interval on one side of the threshold: the in-progress term is
 * fixed, so its share falls as 1/T; the spread of S does not (then: undefined).
 */
function decidingLength(est: ConcurrencyEstimate, C: number, threshold: number): number | undefined {
  const S = est.serviceTimeMs!;
  const spread = serviceSpread(S, est.serviceSpreadMs);
  const T = est.window!.endMs - est.window!.startMs;
  const n = est.window!.requests;
  const point = (C * T) / S - n;
  const margin = C < threshold ? threshold - C * (1 + spread) : C * (1 - spread) - threshold;
  const slack = C < threshold ? (est.inProgress!.hi - point) * (1 + spread) : (point - est.inProgress!.lo) * (1 - spread);
  if (!(margin > 0)) return undefined;
  const needed = (slack * S) / margin;
  return Math.ceil((1.2 * Math.max(needed, T)) / 1000) * 1000;
}

export function analyseFirstWave(latencies: readonly number[], S: number | undefined): FirstWave {
  const sorted = [...latencies].sort((a, b) => a - b);
  const withinMs = S !== undefined ? RULES.servedWithinS * S : Infinity;
  const wave: FirstWave = { requests: sorted.length, withinMs, served: sorted.filter((l) => l <= withinMs).length, latenciesMs: sorted.slice(0, 100) };
  if (S !== undefined) {
    for (let k = 1; k < sorted.length; k++) {
      if (sorted[k]! - sorted[k - 1]! >= RULES.waveGapS * S) {
        wave.group = k;
        if (Number.isFinite(sorted[k]!)) wave.nextGroupMs = sorted[k]!;
        break;
      }
    }
  }
  return wave;
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
