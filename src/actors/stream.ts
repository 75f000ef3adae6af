// The stream actor: K concurrent streamed responses (Server-Sent Events, or plain chunked text read
// line by line), each on its own connection, opened at `at` (spread over `rampUp`). Every event is
// a sample: its latency is the gap since the stream's previous event (or, for the first, since
// the request was sent), so the timeline shows events per second and their gaps. Per stream only
// a few numbers and the parser's state are kept, so thousands of streams stay cheap: undici's
// dispatch() with a handler object (no Readable per response), one Client per stream.
//
// Many streams keep an event loop busy (sockets, parsing), which would delay the probes of the
// same run and make wobbly's own lag look like the server's. So from OFF_THREAD_STREAMS streams on,
// the streams run in a worker thread (./stream-worker.ts) that reports back in batches; the
// recorder and the stream stats stay on the main thread either way.
import { codeFile } from '../code-files.js';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { Client, type Dispatcher } from 'undici';
import { undiciTlsOptions, type TlsTrust } from '../net/tls.js';
import type { Sample, StreamSpec } from '../types.js';
import type { Clock } from '../net/clock.js';
import { errorCode } from '../net/undici-errors.js';
import { compileExtractors, type Extractor } from '../protocols/extract.js';
import { LineSplitter, SseParser, type SseEvent } from '../protocols/sse.js';
import { StreamIdentity, StreamStats, type StreamEnd } from '../metrics/stream-stats.js';
import type { ActorContext } from './context.js';
import { LoopLagMonitor } from '../selfcheck/loop-lag.js';
import { streamLagOf, type StreamLag } from '../selfcheck/stream-lag.js';

/** From this many streams on, a stream actor runs in a worker thread. */
export const OFF_THREAD_STREAMS = 200;

/** The field whose values should stay the same within a stream: declared, or the first from: event one. */
export function identityField(spec: Pick<StreamSpec, 'identity' | 'extract'>): string | undefined {
  return spec.identity ?? Object.entries(spec.extract).find(([, e]) => e.from === 'event')?.[0];
}

/** Where streams report: the actor's recorder and stream stats, in this thread or across one. */
export interface StreamReport {
  /** A sample: an event, or a stream's failure / early end / still-open end. */
  record(sample: Sample): void;
  /** Identity values counted once per stream (from: header). */
  countIds(ids: Record<string, string>): void;
  stats: Pick<StreamStats, 'onStart' | 'onResponse' | 'onEvent' | 'finish'>;
}

/** What the streams need from the run. */
export interface StreamEnv {
  clock: Clock;
  origin: string;
  trust?: TlsTrust;
  basePath: string;
  stop: AbortSignal;
}

/** What every stream of one actor shares. */
interface StreamRun {
  spec: StreamSpec;
  clock: Clock;
  report: StreamReport;
  extractor: Extractor | undefined;
  field: string | undefined;
  origin: string;
  trust?: TlsTrust;
  options: Dispatcher.DispatchOptions;
  open: Set<OneStream>;
  onFinished(): void;
}

const STOPPED = 'stopped by wobbly';
/** One error for every stream closed at the run's end (no stack trace per stream). */
const STOPPED_ERROR = (() => {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const err = new Error(STOPPED);
  Error.stackTraceLimit = limit;
  return err;
})();

class OneStream implements Dispatcher.DispatchHandler {
  private readonly client: Client;
  private parser: SseParser | LineSplitter | undefined;
  private sentMs = 0;
  private lastMs = 0;
  private longestSilenceMs = 0;
  private events = 0;
  private status = 0;
  private bytes = 0;
  private pendingBytes = 0;
  private failure: string | undefined;
  private id: StreamIdentity | undefined;
  private done = false;
  /** 1xx responses seen before the final one (a server may send them forever). */
  private informational = 0;

  constructor(
    private readonly index: number,
    private readonly run: StreamRun,
  ) {
    this.client = new Client(run.origin, { pipelining: 1, ...undiciTlsOptions(run.trust) });
  }

  start(): void {
    this.run.open.add(this);
    this.run.report.stats.onStart();
    this.sentMs = this.lastMs = this.run.clock.now();
    this.client.dispatch(this.run.options, this);
  }

  /** Closes the stream (its handler then sees an error and finish() records it as still open). */
  abort(): void {
    this.client.destroy(STOPPED_ERROR).catch(() => undefined);
  }

  onRequestStart(): void {}

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) {
      this.informational++; // 1xx: the real response should follow
      return;
    }
    this.status = statusCode;
    if (statusCode >= 300) {
      this.failure = `HTTP ${statusCode}`;
      controller.abort(new Error(this.failure));
      return;
    }
    const { report, extractor } = this.run;
    report.stats.onResponse();
    if (extractor?.hasResponse) {
      const ids = extractor.fromResponse(headers, undefined);
      if (Object.keys(ids).length) report.countIds(ids);
    }
    const onEvent = (e: SseEvent) => this.onEvent(e);
    this.parser = this.run.spec.format === 'lines' ? new LineSplitter(onEvent) : new SseParser(onEvent);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.pendingBytes += chunk.length;
    this.bytes += chunk.length;
    this.parser?.push(chunk);
    if (this.parser?.overflow !== undefined && this.failure === undefined) {
      this.failure = this.parser.overflow;
      controller.abort(new Error(this.failure));
    }
  }

  onResponseEnd(): void {
    const parser = this.parser;
    parser?.end();
    this.finish(parser instanceof SseParser && parser.discardedIncomplete ? 'incomplete event' : undefined);
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.finish(this.failure ?? (err.message === STOPPED ? STOPPED : errorCode(err)));
  }

  private onEvent(e: SseEvent): void {
    const { clock, report, extractor, field } = this.run;
    const now = clock.now();
    const gap = now - this.lastMs;
    const ids = extractor?.hasEvent ? extractor.fromEvent(e.data) : undefined;
    const value = field === undefined ? undefined : ids?.[field];
    report.stats.onEvent(gap, this.events === 0, { stream: this.index, atMs: now, ...(value !== undefined ? { id: value } : {}) });
    if (gap > this.longestSilenceMs) this.longestSilenceMs = gap;
    const sample: Sample = { scheduledMs: this.lastMs, sentMs: this.lastMs, endMs: now, status: this.status, bytes: this.pendingBytes };
    this.pendingBytes = 0;
    this.lastMs = now;
    this.events++;
    if (ids && Object.keys(ids).length) {
      sample.ids = ids;
      if (value !== undefined) (this.id ??= new StreamIdentity()).add(value);
    }
    report.record(sample);
  }

  private finish(error: string | undefined): void {
    if (this.done) return;
    this.done = true;
    const run = this.run;
    const now = run.clock.now();
    const responded = this.parser !== undefined;
    let end: StreamEnd;
    let reason = error;
    // Open at the end counts only for a stream that got its response; one still waiting for it
    // (after nothing, or only 1xx interim responses) failed: it never delivered anything.
    if (error === STOPPED && responded) end = 'open';
    else if (error === STOPPED && this.informational > 0) {
      end = 'failed';
      reason = 'no final response (only interim 1xx)';
    } else if (!responded) {
      end = 'failed';
      reason = error === STOPPED ? 'no response before the end of the run' : (error ?? 'no response');
    } else if (error !== undefined) end = 'ended-early';
    else if (run.spec.events !== undefined && this.events < run.spec.events) {
      end = 'ended-early';
      reason = `ended after ${this.events} of ${run.spec.events} events`;
    } else end = 'complete';
    this.longestSilenceMs = Math.max(this.longestSilenceMs, now - this.lastMs);
    if (end !== 'complete') {
      // The stream's own sample: a failure (or, still open at the end, unfinished: not counted).
      run.report.record({ scheduledMs: this.sentMs, sentMs: this.sentMs, endMs: now, status: this.status, bytes: this.pendingBytes, error: end === 'open' ? 'unfinished' : reason! });
    }
    run.report.stats.finish(this.index, end, reason, { responded, events: this.events, bytes: this.bytes, longestSilenceMs: this.longestSilenceMs }, this.id);
    run.open.delete(this);
    this.client.destroy().catch(() => undefined);
    run.onFinished();
  }
}

/** Open the streams (stream i at at + i × rampUp / streams) and resolve when all are over. */
export function runStreams(spec: StreamSpec, env: StreamEnv, report: StreamReport): Promise<void> {
  const { clock, stop } = env;
  return new Promise<void>((resolve) => {
    let opened = 0;
    let finished = 0;
    let stopping = false;
    let timer: NodeJS.Timeout | undefined;
    const run: StreamRun = {
      spec,
      clock,
      report,
      extractor: Object.keys(spec.extract).length ? compileExtractors(spec.extract) : undefined,
      field: identityField(spec),
      origin: env.origin,
      trust: env.trust,
      options: {
        origin: env.origin,
        path: env.basePath + spec.path,
        method: spec.method as Dispatcher.HttpMethod,
        headers: { accept: spec.format === 'sse' ? 'text/event-stream' : '*/*', ...spec.headers },
        body: spec.body,
        headersTimeout: spec.timeoutMs,
        bodyTimeout: 0,
      },
      open: new Set(),
      onFinished: () => {
        finished++;
        maybeDone();
      },
    };
    const maybeDone = () => {
      if ((opened === spec.streams || stopping) && finished === opened) {
        stop.removeEventListener('abort', onStop);
        resolve();
      }
    };
    const onStop = () => {
      stopping = true;
      if (timer) clearTimeout(timer);
      for (const s of [...run.open]) s.abort();
      maybeDone();
    };
    const dueMs = (i: number) => spec.atMs + (i * spec.rampUpMs) / spec.streams;
    const tick = () => {
      timer = undefined;
      const now = clock.now();
      while (opened < spec.streams && dueMs(opened) <= now) new OneStream(opened++, run).start();
      if (opened < spec.streams) timer = setTimeout(tick, Math.max(0, dueMs(opened) - clock.now()));
      else maybeDone();
    };
    if (stop.aborted) return onStop();
    stop.addEventListener('abort', onStop, { once: true });
    timer = setTimeout(tick, Math.max(0, spec.atMs - clock.now()));
  });
}

/** A report message from the worker thread: a batch of operations, in order. */
export type StreamOp =
  | ['record', Sample]
  | ['ids', Record<string, string>]
  | ['start']
  | ['response']
  | ['event', ...Parameters<StreamStats['onEvent']>]
  | ['finish', ...Parameters<StreamStats['finish']>];

/** Replays the worker's operations on this thread's recorder and stats. */
export function applyStreamOps(ops: StreamOp[], report: StreamReport): void {
  for (const op of ops) {
    switch (op[0]) {
      case 'record':
        report.record(op[1]);
        break;
      case 'ids':
        report.countIds(op[1]);
        break;
      case 'start':
        report.stats.onStart();
        break;
      case 'response':
        report.stats.onResponse();
        break;
      case 'event':
        report.stats.onEvent(op[1], op[2], op[3]);
        break;
      case 'finish':
        report.stats.finish(op[1], op[2], op[3], op[4], op[5]);
        break;
    }
  }
}

export async function runStream(spec: StreamSpec, ctx: ActorContext): Promise<void> {
  const stats = new StreamStats(identityField(spec), spec.events);
  ctx.recorder.stream = stats;
  const report: StreamReport = {
    record: (s) => {
      ctx.recorder.record(s);
      ctx.onSample(s);
    },
    countIds: (ids) => ctx.recorder.countIds(ids),
    stats,
  };
  if (spec.streams < OFF_THREAD_STREAMS) {
    // Self-check: the lag of the thread that reads the streams (here, the main one).
    const lag = new LoopLagMonitor(() => ctx.clock.now());
    lag.start();
    await runStreams(spec, { clock: ctx.clock, origin: ctx.target.origin, trust: ctx.target.trust, basePath: ctx.target.basePath, stop: ctx.stop }, report);
    lag.stop();
    stats.ownLag = streamLagOf(lag, 'main');
    return;
  }

  const worker = new Worker(codeFile('stream-worker'), {
    workerData: { spec, origin: ctx.target.origin, trust: ctx.target.trust, basePath: ctx.target.basePath, clockOrigin: ctx.clock.absoluteOrigin },
  });
  const onStop = () => worker.postMessage('stop');
  if (ctx.stop.aborted) onStop();
  else ctx.stop.addEventListener('abort', onStop, { once: true });
  let failed: unknown;
  worker.on('message', (m: StreamOp[] | 'done' | { lag: StreamLag }) => {
    if (m === 'done') void worker.terminate();
    else if ('lag' in m) stats.ownLag = m.lag; // the worker's own loop lag (self-check)
    else applyStreamOps(m, report);
  });
  worker.on('error', (err) => (failed = err));
  await once(worker, 'exit');
  ctx.stop.removeEventListener('abort', onStop);
  if (failed) throw failed;
}
