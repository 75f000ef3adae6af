// The doctor's measurements, each a generated Scenario run through execute() like any other, so
// that the verdicts are the same code as `wobbly run`'s. Pure builders; the sizes come from the
// budget (src/doctor/diagnose.ts).
import type { ActorSpec, Scenario } from '../types.js';
import type { Operation } from './openapi.js';

/** The probe's rate: one answer every 20 ms resolves a loop block to about that. */
export const PROBE_RATE_PER_SEC = 50;
/** The call goes out this long after the probe started (its first answers are the baseline). */
export const STALL_LEAD_MS = 200;
/** And the probe goes on this long after the call's expected end. */
export const STALL_TAIL_MS = 300;

export interface DoctorTarget {
  /** Base URL (origin and an optional path prefix). */
  base: string;
  /** -H: sent with every request (auth). */
  headers: Record<string, string>;
}

function scenario(name: string, description: string, target: DoctorTarget, durationMs: number, actors: ActorSpec[]): Scenario {
  return { name, description, params: {}, target: target.base, durationMs: Math.ceil(durationMs), bucketMs: 1000, actors, expect: [], source: 'builtin:doctor' };
}

function http(op: Operation, target: DoctorTarget, timeoutMs: number) {
  return { method: op.method, path: op.path, headers: { ...op.headers, ...target.headers }, timeoutMs: Math.ceil(timeoutMs), extract: {} };
}

/** One request, alone: the unloaded service time (the survey sends a few of these in turn). */
export function callScenario(op: Operation, target: DoctorTarget, timeoutMs: number): Scenario {
  return scenario('doctor-call', `${op.method} ${op.path}, one request`, target, timeoutMs + 200, [
    { kind: 'request', name: 'call', ...http(op, target, timeoutMs), atMs: 0, count: 1 },
  ]);
}

/**
 * A probe answer later than this is a stall: a call that holds the loop 100 ms or more is seen,
 * whatever the probe's calibration on a busy machine (the default, 10 × its unloaded p99, was
 * 235 ms with a load average of 14 on 2 cores, and hid a 200 ms CPU loop).
 */
export const STALL_THRESHOLD_MS = 100;

function probeActor(probe: Operation, target: DoctorTarget): ActorSpec {
  return { kind: 'probe', name: 'probe', ...http(probe, target, 5000), ratePerSec: PROBE_RATE_PER_SEC, startMs: 0, maxInFlight: 250, stallThresholdMs: STALL_THRESHOLD_MS };
}

/** How long one call blocks the event loop: the probe runs, one call goes out meanwhile. */
export function stallScenario(op: Operation, probe: Operation, target: DoctorTarget, serviceTimeMs: number): Scenario {
  const callMs = Math.max(100, 1.5 * serviceTimeMs);
  return scenario('doctor-stall', `${op.method} ${op.path} once, probe ${probe.path} at ${PROBE_RATE_PER_SEC}/s`, target, STALL_LEAD_MS + callMs + STALL_TAIL_MS, [
    probeActor(probe, target),
    { kind: 'request', name: 'call', ...http(op, target, callMs + STALL_TAIL_MS), atMs: STALL_LEAD_MS, count: 1 },
  ]);
}

/** Effective concurrency: `amount` requests over N connections in a closed loop, S declared from the survey; the deadline caps it. */
export function concurrencyScenario(op: Operation, target: DoctorTarget, serviceTimeMs: number, connections: number, amount: number, capMs: number): Scenario {
  // A short S from the survey (a new connection each) weighs its set-up: the load calibrates its own then.
  const S = serviceTimeMs < CALIBRATE_BELOW_MS ? { calibrationRequests: 5 } : { serviceTimeMs, calibrationRequests: 0 };
  return scenario('doctor-concurrency', `${op.method} ${op.path}, ${amount} requests over ${connections} connections`, target, capMs, [
    { kind: 'load', name: 'load', ...http(op, target, capMs), connections, amount, startMs: 0, ...S, workers: 1 },
  ]);
}

/** Below this S the load measures S itself, on its own kept-alive connection. */
export const CALIBRATE_BELOW_MS = 50;

/** A streaming endpoint: a few streams at once beside the probe: first event, gaps, loop stalls. */
export function streamScenario(op: Operation, probe: Operation | undefined, target: DoctorTarget, streams: number, windowMs: number): Scenario {
  const actors: ActorSpec[] = probe ? [probeActor(probe, target)] : [];
  actors.push({ kind: 'stream', name: 'stream', ...http(op, target, windowMs), streams, format: op.stream ?? 'sse', atMs: probe ? STALL_LEAD_MS : 0, rampUpMs: 0 });
  return scenario('doctor-stream', `${op.method} ${op.path}, ${streams} streams`, target, windowMs + (probe ? STALL_LEAD_MS : 0), actors);
}
