// The load and sweep actors (closed model). The HTTP work runs in worker threads (src/load/worker.ts)
// so that a load at full speed does not delay the probes on this thread; the workers aggregate
// for themselves and post deltas, merged here into the actor's recorder.
import { codeFile } from '../code-files.js';
import { Worker } from 'node:worker_threads';
import { ActorRecorder, type LoadPhase } from '../metrics/actor-recorder.js';
import { mergeMeters, slotMsFor, type LoadMeterData } from '../metrics/load-meter.js';
import type { FromWorker, LoadWorkerData, ToWorker } from '../load/protocol.js';
import { requestProblems } from '../load/http1.js';
import { InputError } from '../input-error.js';
import type { ClosedModelSpec, LoadSpec, SweepSpec } from '../types.js';
import { VERSION } from '../version.js';
import type { ActorContext } from './context.js';
import { THREAD_RESOURCE_LIMITS } from '../engine/thread-limits.js';

const WORKER_URL = codeFile('load-worker');
/** Orders reach the threads within a millisecond or so: they start together this much later. */
const START_MARGIN_MS = 5;
/** How often workers hand their counts over (progress line, target-down watch). */
const REPORT_EVERY_MS = 250;

export async function runLoad(spec: LoadSpec, ctx: ActorContext): Promise<void> {
  const threads = new LoadThreads(spec, ctx, spec.connections);
  try {
    // The threads start now and wait for `start`: their start-up (~0.1–0.2 s) is not part of the load.
    const sendUntilMs = Math.min(ctx.durationMs, spec.durationMs === undefined ? Infinity : spec.startMs + spec.durationMs);
    ctx.recorder.phases.push(await threads.phase(spec.connections, spec.startMs, sendUntilMs, spec.amount));
  } finally {
    await threads.close();
  }
}

export async function runSweep(spec: SweepSpec, ctx: ActorContext): Promise<void> {
  const threads = new LoadThreads(spec, ctx, Math.max(...spec.steps));
  try {
    let startAtMs = spec.startMs;
    for (const connections of spec.steps) {
      if (startAtMs >= ctx.durationMs || ctx.stop.aborted) return;
      const sendUntilMs = Math.min(ctx.durationMs, startAtMs + (spec.stepMs ?? Infinity));
      const phase = await threads.phase(connections, startAtMs, sendUntilMs, spec.amount);
      ctx.recorder.phases.push(phase);
      if (phase.aborted) return;
      // The next step starts once this one's requests are all answered (and after the pause).
      startAtMs = Math.max(ctx.clock.now(), phase.endMs) + spec.pauseMs;
    }
  } finally {
    await threads.close();
  }
}

/** The actor's worker threads, started at once (their start-up is not part of the load). */
class LoadThreads {
  private readonly workers: Worker[] = [];
  /** Counts of the phases already done (the progress line's share of the deferred deltas). */
  private readonly settled = { requests: 0, failures: 0 };
  private readonly onStop = () => this.post({ type: 'abort' });
  private listener: ((i: number, m: Exclude<FromWorker, { type: 'ready' }>) => void) | undefined;
  private failure: Error | undefined;
  private failed: (() => void) | undefined;
  /** Resolves when every thread has started up; rejects when one failed first. */
  private readonly ready: Promise<void>;
  private notReady: (err: Error) => void = () => undefined;

  constructor(
    private readonly spec: ClosedModelSpec,
    private readonly ctx: ActorContext,
    maxConnections: number,
  ) {
    const data: LoadWorkerData = {
      absoluteOrigin: ctx.clock.absoluteOrigin,
      origin: ctx.target.origin,
      trust: ctx.target.trust,
      method: spec.method,
      path: ctx.target.basePath + spec.path,
      headers: spec.headers,
      body: spec.body,
      timeoutMs: spec.timeoutMs,
      bucketMs: ctx.recorder.timeline.bucketMs,
      slotMs: slotMsFor(ctx.durationMs),
      extract: spec.extract,
      reportEveryMs: REPORT_EVERY_MS,
      userAgent: `wobbly/${VERSION}`,
      nice: ctx.probesRun ? ctx.loadNice : 0,
    };
    // CR/LF in the path or a header: refused before any thread starts (the scenario's validation
    // should have said so already; this is the last line before the wire).
    const problems = requestProblems(data.method, data.path, data.headers);
    if (problems.length) throw new InputError(`actor ${spec.name}: request not sent: ${problems.join('; ')}`);
    const n = Math.max(1, Math.min(spec.workers, maxConnections));
    let starting = n;
    let started: () => void = () => undefined;
    this.ready = new Promise((resolve, reject) => {
      started = resolve;
      this.notReady = reject;
    });
    this.ready.catch(() => undefined); // a failure is reported by phase()
    for (let i = 0; i < n; i++) {
      const w = new Worker(WORKER_URL, { workerData: data, resourceLimits: THREAD_RESOURCE_LIMITS });
      w.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          if (--starting === 0) started();
        } else this.listener?.(i, m);
      });
      w.once('error', (err) => this.fail(err));
      w.once('exit', (code) => this.fail(new Error(`load worker exited (${code})`)));
      this.workers.push(w);
    }
    ctx.stop.addEventListener('abort', this.onStop, { once: true });
  }

  /**
   * One phase over every thread; resolves when all its requests are answered or aborted. The
   * threads all start sending at the same moment (the first wave must leave together).
   */
  async phase(connections: number, startAtMs: number, sendUntilMs: number, amount: number | undefined): Promise<LoadPhase> {
    await this.ready;
    return this.run(connections, Math.max(startAtMs, this.ctx.clock.now() + START_MARGIN_MS), sendUntilMs, amount);
  }

  private run(connections: number, startAtMs: number, sendUntilMs: number, amount: number | undefined): Promise<LoadPhase> {
    const { ctx } = this;
    const phaseRecorder = new ActorRecorder(ctx.recorder.name, ctx.recorder.kind, ctx.recorder.timeline.bucketMs, false);
    const counter = amount === undefined ? undefined : { counter: new SharedArrayBuffer(4), limit: amount };
    const n = this.workers.length;
    const shares = this.workers.map((_, i) => Math.floor(connections / n) + (i < connections % n ? 1 : 0));
    const meters: LoadMeterData[] = [];
    const lag = { p99Ms: 0, maxMs: 0 };
    const live = this.workers.map(() => ({ requests: 0, failures: 0 }));
    const showLive = () => {
      ctx.recorder.live.requests = this.settled.requests + live.reduce((n, l) => n + l.requests, 0);
      ctx.recorder.live.failures = this.settled.failures + live.reduce((n, l) => n + l.failures, 0);
    };
    let unfinished = 0;
    let pending = shares.filter((s) => s > 0).length;
    return new Promise<LoadPhase>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.failed = () => reject(this.failure);
      this.listener = (i, m) => {
        ctx.onHealth(m.health);
        if (m.type === 'progress') {
          live[i] = { requests: m.requests, failures: m.failures };
          showLive();
          return;
        }
        // Histograms are merged after the run (see ActorRecorder.defer).
        ctx.recorder.defer(m.delta);
        phaseRecorder.defer(m.delta);
        live[i] = { requests: 0, failures: 0 };
        this.settled.requests += m.delta.requests;
        this.settled.failures += m.delta.failures;
        showLive();
        unfinished += m.delta.unfinished;
        meters.push(m.meter);
        lag.p99Ms = Math.max(lag.p99Ms, m.lag.p99Ms);
        lag.maxMs = Math.max(lag.maxMs, m.lag.maxMs);
        if (--pending > 0) return;
        this.listener = undefined;
        this.failed = undefined;
        const meter = mergeMeters(meters);
        resolve({
          connections,
          startMs: Number.isFinite(meter.firstSentMs) ? meter.firstSentMs : startAtMs,
          sendUntilMs,
          endMs: Math.max(...[meter.lastEndMs, meter.stoppedAtMs].filter(Number.isFinite), startAtMs),
          aborted: ctx.stop.aborted || unfinished > 0,
          recorder: phaseRecorder,
          meter,
          clientLag: lag,
        });
      };
      this.workers.forEach((w, i) => {
        if (shares[i]! > 0) w.postMessage({ type: 'phase', connections: shares[i]!, startAtMs, sendUntilMs, amount: counter } satisfies ToWorker);
      });
      if (ctx.stop.aborted) this.onStop();
    });
  }

  async close(): Promise<void> {
    this.ctx.stop.removeEventListener('abort', this.onStop);
    this.failure ??= new Error('closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private post(m: ToWorker): void {
    for (const w of this.workers) w.postMessage(m);
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.notReady(err);
    this.failed?.();
  }
}
