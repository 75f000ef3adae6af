// The stream actor's worker thread (see ./stream.ts): runs the streams on the run's clock and
// sends what they report to the main thread in batches, every FLUSH_MS and at the end.
import { parentPort, workerData } from 'node:worker_threads';
import { Clock } from '../net/clock.js';
import type { StreamSpec } from '../types.js';
import type { TlsTrust } from '../net/tls.js';
import { runStreams, type StreamOp, type StreamReport } from './stream.js';
import { LoopLagMonitor } from '../selfcheck/loop-lag.js';
import { streamLagOf } from '../selfcheck/stream-lag.js';

const FLUSH_MS = 50;

const data = workerData as { spec: StreamSpec; origin: string; trust?: TlsTrust; basePath: string; clockOrigin: number };
const port = parentPort!;
const stop = new AbortController();
port.on('message', (m) => {
  if (m === 'stop') stop.abort();
});

let ops: StreamOp[] = [];
const flush = () => {
  if (!ops.length) return;
  port.postMessage(ops);
  ops = [];
};
const report: StreamReport = {
  record: (s) => void ops.push(['record', s]),
  countIds: (ids) => void ops.push(['ids', ids]),
  stats: {
    onStart: () => void ops.push(['start']),
    onResponse: () => void ops.push(['response']),
    onEvent: (...args) => void ops.push(['event', ...args]),
    finish: (...args) => void ops.push(['finish', ...args]),
  },
};

const timer = setInterval(flush, FLUSH_MS);
const clock = Clock.fromAbsolute(data.clockOrigin);
// This thread's own loop lag (self-check): a lagging thread reads events late.
const lag = new LoopLagMonitor(() => clock.now());
lag.start();
await runStreams(data.spec, { clock, origin: data.origin, trust: data.trust, basePath: data.basePath, stop: stop.signal }, report);
lag.stop();
clearInterval(timer);
flush();
port.postMessage({ lag: streamLagOf(lag, 'worker') });
port.postMessage('done');
port.close();
