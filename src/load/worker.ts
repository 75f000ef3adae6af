// A load worker thread: runs the closed-model driver off the main thread (where the probes keep
// their timing), aggregates for itself (recorder: counts, HDR histogram, timeline; meter: what
// the concurrency analysis needs) and posts deltas a few times a second, all on the run clock.
// It serves one phase at a time (a load has one, a sweep one per step).
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { Clock } from '../net/clock.js';
import { DOWN_ERRORS } from '../net/down-errors.js';
import { ActorRecorder } from '../metrics/actor-recorder.js';
import { LoadMeter } from '../metrics/load-meter.js';
import { compileExtractors } from '../protocols/extract.js';
import { LoopLagMonitor } from '../selfcheck/loop-lag.js';
import type { Sample } from '../types.js';
import { LoadDriver, type LoadResult } from './driver.js';
import { encodeRequest, targetOf } from './http1.js';
import type { FromWorker, Health, LoadWorkerData, PhaseOrder, ToWorker } from './protocol.js';

const d = workerData as LoadWorkerData;
// This thread yields the CPU to the probes' thread (and to a server on the same machine): on
// Linux a nice value is per thread. Without it, a full-speed load on 2 cores delayed the main
// thread's timers by 100–350 ms (measured), enough for false stalls.
try {
  setPriority(0, d.nice);
} catch {
  // not permitted here: run at the normal priority
}
const port = parentPort!;
const clock = Clock.fromAbsolute(d.absoluteOrigin);
const now = () => clock.now();
const target = { ...targetOf(d.origin), trust: d.trust };
const request = encodeRequest(d.method, d.path, new URL(d.origin).host, d.headers, d.body, d.userAgent);
const extractor = Object.keys(d.extract).length ? compileExtractors(d.extract) : undefined;
const post = (m: FromWorker) => port.postMessage(m);

let driver: LoadDriver | undefined;
let aborted = false;
let wake: (() => void) | undefined;
let queue = Promise.resolve();

port.on('message', (m: ToWorker) => {
  if (m.type === 'abort') {
    aborted = true;
    driver?.abort();
    wake?.();
  } else queue = queue.then(() => runPhase(m));
});
post({ type: 'ready' });

async function runPhase(order: PhaseOrder): Promise<void> {
  const recorder = new ActorRecorder('load', 'load', d.bucketMs, false);
  const meter = new LoadMeter(d.slotMs, order.connections);
  const lag = new LoopLagMonitor(now);
  let health: Health = {};
  // One sample object for every answer: the recorder keeps counts, not samples, in this thread.
  const sample: Sample = { scheduledMs: 0, sentMs: 0, endMs: 0, status: 0, bytes: 0, error: undefined, ids: undefined };
  const onResult = (r: LoadResult): void => {
    sample.scheduledMs = sample.sentMs = r.sentMs;
    sample.endMs = r.endMs;
    sample.status = r.status;
    sample.bytes = r.bodyBytes;
    sample.error = r.error;
    sample.ids = r.ids;
    recorder.record(sample);
    meter.record(r);
    if (r.status > 0) {
      if (r.endMs >= (health.lastAnswerMs ?? -Infinity)) health = { lastAnswerMs: r.endMs };
    } else if (r.error && DOWN_ERRORS.has(r.error) && r.endMs >= (health.lastAnswerMs ?? -Infinity)) {
      health.down ??= { atMs: r.endMs, error: r.error };
    }
  };
  const counter = order.amount ? new Int32Array(order.amount.counter) : undefined;
  const limit = order.amount?.limit ?? 0;
  const phase = new LoadDriver({
    target,
    request,
    isHead: d.method === 'HEAD',
    connections: order.connections,
    timeoutMs: d.timeoutMs,
    now,
    sendUntilMs: order.sendUntilMs,
    claim: counter ? () => Atomics.add(counter, 0, 1) < limit : undefined,
    extractor,
    onResult,
  });
  await waitUntil(order.startAtMs);
  driver = phase;
  if (aborted) phase.abort();
  lag.start();
  const reporter = setInterval(() => post({ type: 'progress', requests: recorder.requests, failures: recorder.failures, health }), d.reportEveryMs);
  await phase.run();
  driver = undefined;
  clearInterval(reporter);
  lag.stop();
  post({
    type: 'done',
    delta: recorder.takeDelta(),
    health,
    meter: meter.data(),
    lag: { p99Ms: lag.histogram.percentile(99), maxMs: lag.histogram.maxMs },
  });
}

/** Resolves at atMs on the run clock, or at once on abort. */
function waitUntil(atMs: number): Promise<void> {
  const wait = atMs - now();
  if (wait <= 0 || aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, wait);
    function done() {
      clearTimeout(timer);
      wake = undefined;
      resolve();
    }
    wake = done;
  });
}
