// Before any load: can we reach the target at all, and how fast does each probe answer unloaded?
import { connect } from 'node:net';
import { Client } from 'undici';
import type { HttpSpec, ProbeSpec } from '../types.js';
import { exchange } from '../net/http.js';
import { encodeRequest, Http1Connection } from '../load/http1.js';
import type { Target } from '../net/target.js';
import type { Calibration } from '../run-data/types.js';
import { VERSION } from '../version.js';

export class TargetUnreachableError extends Error {
  constructor(
    readonly target: string,
    readonly code: string,
  ) {
    super(`cannot reach ${target} (${code}): is the server running?`);
    this.name = 'TargetUnreachableError';
  }
}

/** A TCP connect to the target's host and port: no HTTP request is sent. */
export function checkReachable(target: Target, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port: target.port });
    const timer = setTimeout(() => fail('connect timeout'), timeoutMs);
    function fail(code: string) {
      clearTimeout(timer);
      socket.destroy();
      reject(new TargetUnreachableError(target.url, code));
    }
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
  });
}


// 100 cheap requests (a fraction of a second) so that one slow outlier does not make the p99 and
// thus the stall threshold: with 100 samples the p99 is the second slowest.
const CALIBRATION_REQUESTS = 100;
const CALIBRATION_BUDGET_MS = 3000;
/** Service-time calibration waits for slow endpoints (seed 002 sleeps 3 s), but not forever. */
const SERVICE_CALIBRATION_BUDGET_MS = 60_000;

/** A few sequential requests to a probe's path before the run: its unloaded latency. */
export async function calibrateProbe(spec: ProbeSpec, target: Target, stop: AbortSignal): Promise<Calibration> {
  const { origin, basePath } = target;
  const client = new Client(origin, { pipelining: 1 });
  const latencies: number[] = [];
  const began = performance.now();
  try {
    for (let i = 0; i <= CALIBRATION_REQUESTS && performance.now() - began < CALIBRATION_BUDGET_MS && !stop.aborted; i++) {
      const t = performance.now();
      const out = await exchange(client, origin, { path: basePath + spec.path, method: spec.method, headers: spec.headers, body: spec.body, reset: spec.connection === 'new' }, Math.min(spec.timeoutMs, CALIBRATION_BUDGET_MS), stop);
      // Ctrl-C during the calibration: a partial run, not an unreachable target.
      if (out.error === 'unfinished') break;
      if (out.error && out.error !== 'timeout') throw new TargetUnreachableError(origin, out.error);
      if (i > 0) latencies.push(performance.now() - t);
    }
  } finally {
    await client.destroy().catch(() => undefined);
  }
  return summarise(latencies, 0, undefined);
}

/**
 * The unloaded service time S of a load's path: `requests` sequential requests (after one that
 * opens the connection), sent with the load's own HTTP client so that its overhead is the same
 * in S as under load (undici's added 1–3 ms to a 200 ms endpoint, i.e. C 1–2 % too high).
 */
export async function calibrateService(spec: HttpSpec, requests: number, target: Target, stop: AbortSignal): Promise<Calibration> {
  const origin = target.origin;
  const conn = new Http1Connection(target);
  const bytes = encodeRequest(spec.method, target.basePath + spec.path, target.hostHeader, spec.headers, spec.body, `wobbly/${VERSION}`);
  const latencies: number[] = [];
  let failures = 0;
  let failedStatus: number | undefined;
  const began = performance.now();
  const one = () =>
    new Promise<{ error?: string; status: number }>((resolve) => {
      const timer = setTimeout(() => conn.abort('timeout'), Math.min(spec.timeoutMs, SERVICE_CALIBRATION_BUDGET_MS));
      const onStop = () => conn.abort('unfinished');
      stop.addEventListener('abort', onStop, { once: true });
      conn.send(bytes, spec.method === 'HEAD', (error, res) => {
        clearTimeout(timer);
        stop.removeEventListener('abort', onStop);
        resolve({ error, status: res.status });
      });
    });
  try {
    for (let i = 0; i <= requests && performance.now() - began < SERVICE_CALIBRATION_BUDGET_MS && !stop.aborted; i++) {
      const t = performance.now();
      const out = await one();
      if (out.error === 'unfinished') break;
      if (out.error && out.error !== 'timeout') throw new TargetUnreachableError(origin, out.error);
      if (out.status >= 400) {
        failures++;
        failedStatus ??= out.status;
      }
      if (i > 0) latencies.push(performance.now() - t);
    }
  } finally {
    conn.close();
  }
  return summarise(latencies, failures, failedStatus);
}

function summarise(latencies: number[], failures: number, failedStatus: number | undefined): Calibration {
  latencies.sort((a, b) => a - b);
  const result: Calibration = {
    samples: latencies.length,
    p99Ms: latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)]! : 0,
    p50Ms: latencies.length ? latencies[Math.floor(latencies.length / 2)]! : 0,
  };
  if (failures) Object.assign(result, { failures, failedStatus });
  return result;
}
