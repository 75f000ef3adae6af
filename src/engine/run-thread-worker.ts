// The run's thread (see run-thread.ts): runs the scenario, posts the live state while it runs and
// the run data with its result at the end; a `stop` message is Ctrl-C.
import { parentPort, workerData } from 'node:worker_threads';
import { executeRun } from '../pipeline.js';
import { LiveSampler } from './live.js';
import type { FromRunThread, RunThreadData, ThreadError } from './run-thread.js';

const input = workerData as RunThreadData;
const port = parentPort!;
const controller = new AbortController();
if (input.interrupted) controller.abort();
port.on('message', (m: { type: string }) => {
  if (m.type === 'stop') controller.abort();
});
const post = (m: FromRunThread) => port.postMessage(m);
const sampler = input.live ? new LiveSampler(input.scenario) : undefined;

try {
  const run = await executeRun(input.scenario, {
    interrupt: controller.signal,
    ...(sampler ? { onProgress: (elapsedMs, record) => post({ type: 'live', state: sampler.sample(elapsedMs, record) }) } : {}),
    ...(input.loadNice !== undefined ? { loadNice: input.loadNice } : {}),
    ...(input.tls ? { tls: input.tls } : {}),
    ...(input.startAt ? { startAt: input.startAt } : {}),
  });
  post({ type: 'done', data: run.data, result: run.result });
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  const error: ThreadError = { cls: e.constructor?.name ?? 'Error', name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}), props: { ...e } };
  try {
    post({ type: 'error', error });
  } catch {
    post({ type: 'error', error: { ...error, props: {} } }); // a field that cannot cross threads
  }
}
port.close();
