// A discrete-event model of closed-model loads against servers with known pools (no timing
// noise): N connections, each sending its next request when the last one is answered, recorded
// exactly as the load actor records them.
import { ActorRecorder, type LoadPhase } from '../src/metrics/actor-recorder.js';
import { LoadMeter, type MeteredResult } from '../src/metrics/load-meter.js';

export interface Model {
  /** When the request can start being served, given its arrival (and the server's state). */
  serve(arrivalMs: number, inFlight: number): { endMs: number };
}

/** FIFO pool of M slots, service time S (+ a deterministic jitter pattern). */
export function pool(M: number, S: number, jitterMs = 0): Model {
  const free = Array.from({ length: M }, () => 0);
  let k = 0;
  return {
    serve(arrival) {
      let i = 0;
      for (let j = 1; j < free.length; j++) if (free[j]! < free[i]!) i = j;
      const start = Math.max(arrival, free[i]!);
      const end = start + S + (jitterMs ? ((k++ * 7919) % 100) / 100 * jitterMs : 0);
      free[i] = end;
      return { endMs: end };
    },
  };
}

/** No pool; every request slower the more are in flight (uvicorn's `async def` under load). */
export function slower(S: number, perInFlightMs: number): Model {
  return { serve: (arrival, inFlight) => ({ endMs: arrival + S + perInFlightMs * inFlight }) };
}

/** One CPU: c ms of work per request on the event loop, then an S ms wait. */
export function cpu(S: number, c: number): Model {
  let cpuFree = 0;
  return {
    serve(arrival) {
      const start = Math.max(arrival, cpuFree);
      cpuFree = start + c;
      return { endMs: cpuFree + S };
    },
  };
}

export interface SimOptions {
  N: number;
  model: Model;
  durationMs: number;
  startMs?: number;
  turnaroundMs?: number;
  failEvery?: number;
  /** Stop sending at this time and let the requests in flight finish (else they are cut at durationMs). */
  sendUntilMs?: number;
  /** Send this many requests in all (ab -n), then let those in flight finish. */
  amount?: number;
}

/** Simulates N closed-loop connections; returns the phase as the load actor would record it. */
export function simulate(o: SimOptions): LoadPhase {
  const slotMs = 10;
  const meter = new LoadMeter(slotMs, o.N);
  const recorder = new ActorRecorder('load', 'load', 1000, false);
  const next = Array.from({ length: o.N }, () => o.startMs ?? 0);
  const seq = Array.from({ length: o.N }, () => 0);
  const lastEnd: number[] = Array.from({ length: o.N }, () => NaN);
  const ends: number[] = [];
  const sendUntil = o.sendUntilMs ?? o.durationMs;
  let count = 0;
  const record = (r: MeteredResult) => {
    meter.record(r);
    recorder.record({ scheduledMs: r.sentMs, sentMs: r.sentMs, endMs: r.endMs, status: r.status, bytes: 10, ...(r.error ? { error: r.error } : {}) });
  };
  for (;;) {
    let c = 0;
    for (let i = 1; i < o.N; i++) if (next[i]! < next[c]!) c = i;
    const sentMs = next[c]!;
    if (sentMs >= sendUntil || (o.amount !== undefined && count >= o.amount)) break;
    const inFlight = ends.filter((e) => e > sentMs).length + 1;
    const { endMs } = o.model.serve(sentMs, inFlight);
    ends.push(endMs);
    const gapMs = seq[c]! > 0 ? sentMs - lastEnd[c]! : NaN;
    const r: MeteredResult = { seq: seq[c]!++, sentMs, endMs, status: 200, wireBytes: 100, gapMs };
    count++;
    if (o.sendUntilMs === undefined && o.amount === undefined && endMs > o.durationMs) {
      record({ ...r, endMs: o.durationMs, status: 0, error: 'unfinished' });
      next[c] = Infinity;
      continue;
    }
    if (o.failEvery && count % o.failEvery === 0) r.status = 500;
    record(r);
    lastEnd[c] = endMs;
    next[c] = endMs + (o.turnaroundMs ?? 0.05);
  }
  const data = meter.data();
  return {
    connections: o.N,
    startMs: data.firstSentMs,
    sendUntilMs: sendUntil,
    endMs: Math.max(data.lastEndMs, Number.isFinite(data.stoppedAtMs) ? data.stoppedAtMs : 0),
    aborted: Number.isFinite(data.stoppedAtMs),
    recorder,
    meter: data,
    clientLag: { p99Ms: 2, maxMs: 5 },
  };
}

