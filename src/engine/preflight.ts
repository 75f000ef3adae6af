// Before any load: can we reach the target at all, and how fast does each probe answer unloaded?
import { connect } from 'node:net';
import { Client } from 'undici';
import type { ProbeSpec } from '../types.js';
import { exchange } from './http.js';

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
export function checkReachable(target: string, timeoutMs = 3000): Promise<void> {
  const url = new URL(target);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => fail('connect timeout'), timeoutMs);
    function fail(code: string) {
      clearTimeout(timer);
      socket.destroy();
      reject(new TargetUnreachableError(target, code));
    }
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
  });
}

export interface Calibration {
  samples: number;
  /** Unloaded latency, the slowest of the calibration requests but the first (connection set-up). */
  p99Ms: number;
  p50Ms: number;
}

// 100 cheap requests (a fraction of a second) so that one slow outlier does not make the p99 and
// thus the stall threshold: with 100 samples the p99 is the second slowest.
const CALIBRATION_REQUESTS = 100;
const CALIBRATION_BUDGET_MS = 3000;

/** A few sequential requests to a probe's path before the run: its unloaded latency. */
export async function calibrateProbe(spec: ProbeSpec, origin: string, basePath: string, stop: AbortSignal): Promise<Calibration> {
  const client = new Client(origin, { pipelining: 1 });
  const latencies: number[] = [];
  const began = performance.now();
  try {
    for (let i = 0; i <= CALIBRATION_REQUESTS && performance.now() - began < CALIBRATION_BUDGET_MS && !stop.aborted; i++) {
      const t = performance.now();
      const out = await exchange(client, origin, { path: basePath + spec.path, method: spec.method, headers: spec.headers, body: spec.body, reset: spec.connection === 'new' }, Math.min(spec.timeoutMs, CALIBRATION_BUDGET_MS), stop);
      if (out.error && out.error !== 'timeout') throw new TargetUnreachableError(origin, out.error);
      if (i > 0) latencies.push(performance.now() - t);
    }
  } finally {
    await client.destroy().catch(() => undefined);
  }
  latencies.sort((a, b) => a - b);
  return {
    samples: latencies.length,
    p99Ms: latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)]! : 0,
    p50Ms: latencies.length ? latencies[Math.floor(latencies.length / 2)]! : 0,
  };
}
