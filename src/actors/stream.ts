// The stream actor: K concurrent streamed responses (Server-Sent Events, or plain chunked text read
// line by line), each on its own connection, opened at `at` (spread over `rampUp`). Every event is
// a sample: its latency is the gap since the stream's previous event (or, for the first, since
// the request was sent), so the timeline shows events per second and their gaps. Per stream only
// a few numbers and the parser's state are kept, so thousands of streams stay cheap: undici's
// dispatch() with a handler object (no Readable per response), one Client per stream.
import { Client, type Dispatcher } from 'undici';
import type { Sample, StreamSpec } from '../types.js';
import { errorCode } from '../engine/http.js';
import { compileExtractors, type Extractor } from '../protocols/extract.js';
import { LineSplitter, SseParser, type SseEvent } from '../protocols/sse.js';
import { StreamIdentity, StreamStats, type StreamEnd } from '../metrics/stream-stats.js';
import type { ActorContext } from './context.js';

/** The field whose values should stay the same within a stream: declared, or the first from: event one. */
export function identityField(spec: Pick<StreamSpec, 'identity' | 'extract'>): string | undefined {
  return spec.identity ?? Object.entries(spec.extract).find(([, e]) => e.from === 'event')?.[0];
}

/** What every stream of one actor shares. */
interface StreamRun {
  spec: StreamSpec;
  ctx: ActorContext;
  stats: StreamStats;
  extractor: Extractor | undefined;
  field: string | undefined;
  options: Dispatcher.DispatchOptions;
  stopping: boolean;
  open: Set<OneStream>;
  onFinished(): void;
}

const STOPPED = 'stopped by wobbly';

class OneStream implements Dispatcher.DispatchHandler {
  private readonly client: Client;
  private parser: SseParser | LineSplitter | undefined;
  private sentMs = 0;
  private lastMs = 0;
  private longestSilenceMs = 0;
  private events = 0;
  private status = 0;
  private pendingBytes = 0;
  private failure: string | undefined;
  private id: StreamIdentity | undefined;
  private done = false;

  constructor(
    private readonly index: number,
    private readonly run: StreamRun,
  ) {
    this.client = new Client(run.ctx.origin, { pipelining: 1 });
  }

  start(): void {
    this.run.open.add(this);
    this.run.stats.started++;
    this.sentMs = this.lastMs = this.run.ctx.clock.now();
    this.client.dispatch(this.run.options, this);
  }

  /** Closes the stream (its handler then sees an error and finish() records it as still open). */
  abort(): void {
    this.client.destroy(new Error(STOPPED)).catch(() => undefined);
  }

  onRequestStart(): void {}

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return; // 1xx: the real response follows
    this.status = statusCode;
    if (statusCode >= 300) {
      this.failure = `HTTP ${statusCode}`;
      controller.abort(new Error(this.failure));
      return;
    }
    const { stats, extractor, ctx } = this.run;
    stats.responded++;
    stats.maxOpen = Math.max(stats.maxOpen, ++stats.openNow);
    if (extractor?.hasResponse) {
      const ids = extractor.fromResponse(headers, undefined);
      if (Object.keys(ids).length) ctx.recorder.countIds(ids);
    }
    const onEvent = (e: SseEvent) => this.onEvent(e);
    this.parser = this.run.spec.format === 'lines' ? new LineSplitter(onEvent) : new SseParser(onEvent);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.pendingBytes += chunk.length;
    this.run.stats.bytes += chunk.length;
    this.parser?.push(chunk);
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
    const { ctx, stats, extractor, field } = this.run;
    const now = ctx.clock.now();
    const gap = now - this.lastMs;
    if (this.events === 0) stats.firstEvent.record(gap);
    else stats.gaps.record(gap);
    if (gap > this.longestSilenceMs) this.longestSilenceMs = gap;
    const sample: Sample = { scheduledMs: this.lastMs, sentMs: this.lastMs, endMs: now, status: this.status, bytes: this.pendingBytes };
    this.pendingBytes = 0;
    this.lastMs = now;
    this.events++;
    stats.events++;
    if (extractor?.hasEvent) {
      const ids = extractor.fromEvent(e.data);
      if (Object.keys(ids).length) {
        sample.ids = ids;
        const value = field === undefined ? undefined : ids[field];
        if (value !== undefined) (this.id ??= new StreamIdentity()).add(value);
      }
    }
    ctx.recorder.record(sample);
    ctx.onSample(sample);
  }

  private finish(error: string | undefined): void {
    if (this.done) return;
    this.done = true;
    const run = this.run;
    const { ctx, stats, spec } = run;
    const now = ctx.clock.now();
    const responded = this.parser !== undefined;
    if (responded) stats.openNow--;
    let end: StreamEnd;
    let reason = error;
    if (error === STOPPED) end = 'open';
    else if (!responded) {
      end = 'failed';
      reason = error ?? 'no response';
    } else if (error !== undefined) end = 'ended-early';
    else if (spec.events !== undefined && this.events < spec.events) {
      end = 'ended-early';
      reason = `ended after ${this.events} of ${spec.events} events`;
    } else end = 'complete';
    this.longestSilenceMs = Math.max(this.longestSilenceMs, now - this.lastMs);
    if (end !== 'complete') {
      // The stream's own sample: a failure (or, still open at the end, unfinished: not counted).
      const sample: Sample = { scheduledMs: this.sentMs, sentMs: this.sentMs, endMs: now, status: this.status, bytes: this.pendingBytes, error: end === 'open' ? 'unfinished' : reason! };
      ctx.recorder.record(sample);
      ctx.onSample(sample);
    } else ctx.recorder.bytes += this.pendingBytes;
    stats.finish(this.index, end, reason, this.events, this.longestSilenceMs, this.id);
    run.open.delete(this);
    this.client.destroy().catch(() => undefined);
    run.onFinished();
  }
}

export async function runStream(spec: StreamSpec, ctx: ActorContext): Promise<void> {
  const field = identityField(spec);
  const stats = new StreamStats(field, spec.events);
  ctx.recorder.stream = stats;
  const extractor = Object.keys(spec.extract).length ? compileExtractors(spec.extract) : undefined;
  const { clock } = ctx;

  await new Promise<void>((resolve) => {
    let opened = 0;
    let finished = 0;
    let timer: NodeJS.Timeout | undefined;
    const run: StreamRun = {
      spec,
      ctx,
      stats,
      extractor,
      field,
      options: {
        origin: ctx.origin,
        path: ctx.basePath + spec.path,
        method: spec.method as Dispatcher.HttpMethod,
        headers: { accept: spec.format === 'sse' ? 'text/event-stream' : '*/*', ...spec.headers },
        body: spec.body,
        headersTimeout: spec.timeoutMs,
        bodyTimeout: 0,
      },
      stopping: false,
      open: new Set(),
      onFinished: () => {
        finished++;
        maybeDone();
      },
    };
    const rampOver = () => opened === spec.streams || run.stopping;
    const maybeDone = () => {
      if (rampOver() && finished === opened) {
        ctx.stop.removeEventListener('abort', onStop);
        resolve();
      }
    };
    const onStop = () => {
      run.stopping = true;
      if (timer) clearTimeout(timer);
      for (const s of [...run.open]) s.abort();
      maybeDone();
    };
    // Stream i is due at at + i × rampUp / streams.
    const tick = () => {
      timer = undefined;
      const now = clock.now();
      while (opened < spec.streams && spec.atMs + (opened * spec.rampUpMs) / spec.streams <= now) new OneStream(opened++, run).start();
      if (opened < spec.streams) timer = setTimeout(tick, Math.max(0, spec.atMs + (opened * spec.rampUpMs) / spec.streams - clock.now()));
      else maybeDone();
    };
    if (ctx.stop.aborted) return onStop();
    ctx.stop.addEventListener('abort', onStop, { once: true });
    timer = setTimeout(tick, Math.max(0, spec.atMs - clock.now()));
  });
}
