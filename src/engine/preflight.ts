// Before any load: can we reach the target at all, and how fast does each probe answer unloaded?
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { HttpSpec, ProbeSpec } from '../types.js';
import { connectionFor, exchange, prepareRequest } from '../net/exchange.js';
import type { Target } from '../net/target.js';
import type { Calibration } from '../run-data/types.js';
import { faultKind, faultName } from '../protocols/faults.js';
import { tlsConnectOptions } from '../net/tls.js';

export { TargetUnreachableError } from '../net/unreachable.js';
import { TargetUnreachableError } from '../net/unreachable.js';

/**
 * A TCP connect to the target's host and port (with the TLS handshake for https://, so that an
 * untrusted certificate is named before anything is measured): no HTTP request is sent.
 */
export function checkReachable(target: Target, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const { host, port } = target;
    const socket = target.tls
      ? tlsConnect({ host, port, servername: /^[\d.:]+$/.test(host) ? undefined : host, ...tlsConnectOptions(target.trust) })
      : connect({ host, port });
    const timer = setTimeout(() => fail('connect timeout'), timeoutMs);
    function fail(code: string) {
      clearTimeout(timer);
      socket.destroy();
      reject(new TargetUnreachableError(target.url, code));
    }
    socket.once(target.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ? faultName(err.code) : err.message));
  });
}


// A probe's calibration: by default 100 cheap requests (a fraction of a second) so that one slow
// outlier does not make the p99 and thus the stall threshold: with 100 samples the p99 is the
// second slowest. `calibrate: N` sends fewer for a slow path, whose 100 would fill the whole budget.
const CALIBRATION_REQUESTS = 100;
const CALIBRATION_BUDGET_MS = 3000;
/** Service-time calibration waits for slow endpoints (seed 002 sleeps 3 s), but not forever. */
const SERVICE_CALIBRATION_BUDGET_MS = 60_000;
/** A calibration request waits at most max(this, the run's duration). */
const MIN_SERVICE_WAIT_MS = 4000;

/**
 * Faults seen while calibrating. Tolerated as long as some request is answered (a server resetting
 * 10 % of its connections is measured, not refused); when none is, the run cannot start and the
 * error names the fault (nothing listens, malformed HTTP, TLS, reset).
 */
class FaultTally {
  private readonly counts = new Map<string, number>();
  constructor(private readonly origin: string) {}
  add(error: string): ReturnType<typeof faultKind> {
    this.counts.set(error, (this.counts.get(error) ?? 0) + 1);
    return faultKind(error);
  }
  throwIfNothingAnswered(answered: number): void {
    if (answered > 0 || this.counts.size === 0) return;
    const [first] = [...this.counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
    if (first !== 'timeout') throw new TargetUnreachableError(this.origin, first);
  }
}

/** A few sequential requests to a probe's path before the run: its unloaded latency. */
export async function calibrateProbe(spec: ProbeSpec, target: Target, stop: AbortSignal): Promise<Calibration> {
  const { origin, basePath } = target;
  const conn = connectionFor(target);
  const request = prepareRequest(target, { path: basePath + spec.path, method: spec.method, headers: spec.headers, body: spec.body, reset: spec.connection === 'new' });
  const latencies: number[] = [];
  let failures = 0;
  let failedStatus: number | undefined;
  const faults = new FaultTally(origin);
  const began = performance.now();
  try {
    for (let i = 0; i <= (spec.calibrationRequests ?? CALIBRATION_REQUESTS) && !stop.aborted; i++) {
      const left = CALIBRATION_BUDGET_MS - (performance.now() - began);
      if (left <= 0) break;
      const t = performance.now();
      const out = await exchange(conn, request, Math.min(spec.timeoutMs, left), stop);
      if (spec.connection === 'new') conn.close();
      // Ctrl-C during the calibration: a partial run, not an unreachable target.
      if (out.error === 'unfinished') break;
      if (out.error) {
        // A hanging endpoint will not answer the next one either: one timeout ends calibration.
        if (faults.add(out.error) === 'timeout') break;
        continue;
      }
      if (out.status >= 400) {
        failures++;
        failedStatus ??= out.status;
        break; // one is enough: the run stops (see answered-error.ts)
      }
      if (i > 0) latencies.push(performance.now() - t);
    }
  } finally {
    conn.close();
  }
  faults.throwIfNothingAnswered(latencies.length + failures);
  return summarise(latencies, failures, failedStatus);
}

/**
 * The unloaded service time S of a load's path: `requests` sequential requests (after one that
 * opens the connection), sent with the load's own HTTP client so that its overhead is the same
 * in S as under load (undici's, used here once, added 1–3 ms to a 200 ms endpoint: C 1–2 % too high).
 */
export async function calibrateService(spec: HttpSpec, requests: number, target: Target, stop: AbortSignal, runMs = SERVICE_CALIBRATION_BUDGET_MS): Promise<Calibration> {
  const origin = target.origin;
  const conn = connectionFor(target);
  const request = prepareRequest(target, { path: target.basePath + spec.path, method: spec.method, headers: spec.headers, body: spec.body });
  const latencies: number[] = [];
  let failures = 0;
  let failedStatus: number | undefined;
  const faults = new FaultTally(origin);
  const began = performance.now();
  // One request waits at most as long as the run lasts (at least MIN_SERVICE_WAIT_MS): a hanging
  // endpoint costs that once (a timeout ends calibration), a slow one is measured (the time is
  // reported as the result's preflightMs).
  const waitMs = Math.max(MIN_SERVICE_WAIT_MS, runMs);
  const one = () => exchange(conn, request, Math.min(spec.timeoutMs, waitMs, SERVICE_CALIBRATION_BUDGET_MS - (performance.now() - began)), stop);
  try {
    for (let i = 0; i <= requests && performance.now() - began < SERVICE_CALIBRATION_BUDGET_MS && !stop.aborted; i++) {
      const t = performance.now();
      const out = await one();
      if (out.error === 'unfinished') break;
      if (out.error) {
        if (faults.add(out.error) === 'timeout') break;
        continue;
      }
      if (out.status >= 400) {
        failures++;
        failedStatus ??= out.status;
      }
      if (i > 0) latencies.push(performance.now() - t);
    }
  } finally {
    conn.close();
  }
  faults.throwIfNothingAnswered(latencies.length + failures);
  return summarise(latencies, failures, failedStatus);
}

function summarise(latencies: number[], failures: number, failedStatus: number | undefined): Calibration {
  latencies.sort((a, b) => a - b);
  const result: Calibration = {
    samples: latencies.length,
    p99Ms: latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)]! : 0,
    p50Ms: latencies.length ? latencies[Math.floor(latencies.length / 2)]! : 0,
    minMs: latencies.length ? latencies[0]! : 0,
  };
  if (failures) Object.assign(result, { failures, failedStatus });
  return result;
}
