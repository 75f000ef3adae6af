// A run in its own thread, for the CLI: the measurement (probes, the run's loop, the analysis) runs
// in a worker whose young generation is capped (see thread-limits.ts), and the main thread only
// waits and draws the live view. What comes back is plain data (RunData, RunResult): the same as
// executeRun() on this thread gives.
import { codeFile } from '../code-files.js';
import { Worker } from 'node:worker_threads';
import type { LiveState } from './live.js';
import type { RunOptions } from './run.js';
import type { RunData } from '../run-data/types.js';
import type { RunResult } from '../result/types.js';
import type { Scenario } from '../types.js';
import { InputError } from '../input-error.js';
import { ScenarioError } from '../scenario/problems.js';
import { TargetUnreachableError } from '../net/unreachable.js';
import { TargetAnsweredError } from './answered-error.js';
import { ExpectationError } from '../expect/parse.js';
import { THREAD_RESOURCE_LIMITS } from './thread-limits.js';

export interface ThreadRunOptions extends Omit<RunOptions, 'onProgress'> {
  /** Called about every 250 ms with the live state, for the live view. */
  onLive?: (state: LiveState) => void;
}

/** What the worker thread is given (structured-cloned). */
export interface RunThreadData {
  scenario: Scenario;
  /** Ctrl-C came before the thread started: it runs nothing (a partial result, as on this thread). */
  interrupted: boolean;
  live: boolean;
  loadNice?: number;
  tls?: RunOptions['tls'];
  startAt?: Date;
}

export type FromRunThread =
  | { type: 'live'; state: LiveState }
  | { type: 'done'; data: RunData; result: RunResult }
  | { type: 'error'; error: ThreadError };

/** An error thrown in the thread: its class's name (to rebuild it), name, message, stack and own fields. */
export interface ThreadError {
  cls: string;
  name: string;
  message: string;
  stack?: string;
  props: Record<string, unknown>;
}

/** Errors the CLI tells apart (exit codes, messages): rebuilt with their class after the thread boundary. */
const ERROR_CLASSES: Record<string, { prototype: Error }> = {
  InputError, ScenarioError, TargetUnreachableError, TargetAnsweredError, ExpectationError,
};

export function rebuildError(e: ThreadError): Error {
  const proto = ERROR_CLASSES[e.cls]?.prototype ?? Error.prototype;
  const err = Object.assign(Object.create(proto) as Error, e.props);
  Object.defineProperty(err, 'message', { value: e.message, enumerable: false, writable: true, configurable: true });
  Object.defineProperty(err, 'name', { value: e.name, enumerable: false, writable: true, configurable: true });
  if (e.stack) Object.defineProperty(err, 'stack', { value: e.stack, enumerable: false, writable: true, configurable: true });
  return err;
}

const WORKER_URL = codeFile('run-thread-worker');

export function executeRunInThread(scenario: Scenario, options: ThreadRunOptions = {}): Promise<{ data: RunData; result: RunResult }> {
  const workerData: RunThreadData = {
    scenario,
    interrupted: options.interrupt?.aborted ?? false,
    live: options.onLive !== undefined,
    ...(options.loadNice !== undefined ? { loadNice: options.loadNice } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.startAt ? { startAt: options.startAt } : {}),
  };
  const worker = new Worker(WORKER_URL, { workerData, resourceLimits: THREAD_RESOURCE_LIMITS });
  const interrupt = options.interrupt;
  const stop = () => worker.postMessage({ type: 'stop' });
  return new Promise<{ data: RunData; result: RunResult }>((resolve, reject) => {
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      interrupt?.removeEventListener('abort', stop);
      // Keep-alive sockets or timers left in the thread must not keep it (or the CLI) alive.
      void worker.terminate();
      f();
    };
    worker.on('message', (m: FromRunThread) => {
      if (m.type === 'live') options.onLive?.(m.state);
      else if (m.type === 'done') finish(() => resolve({ data: m.data, result: m.result }));
      else finish(() => reject(rebuildError(m.error)));
    });
    worker.once('error', (err) => finish(() => reject(err)));
    worker.once('exit', (code) => finish(() => reject(new Error(`the run's thread exited (${code}) without a result`))));
    if (interrupt?.aborted) stop();
    else interrupt?.addEventListener('abort', stop, { once: true });
  });
}
