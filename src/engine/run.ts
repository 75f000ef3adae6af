// The run engine: preflight, calibration, then every actor on one clock until the deadline,
// Ctrl-C, or the target going away. Returns what was measured as RunData; analysis happens elsewhere.
import { setMaxListeners } from 'node:events';
import type { Sample, Scenario } from '../types.js';
import { ActorRecorder, isOk } from '../metrics/actor-recorder.js';
import type { Calibration, RunData } from '../run-data/types.js';
import { settle, type RunRecord } from './run-record.js';
import { LoopLagMonitor } from '../selfcheck/loop-lag.js';
import { keepsSamples, runActor } from '../actors/registry.js';
import type { ActorContext } from '../actors/context.js';
import type { Health } from '../load/protocol.js';
import { Clock } from '../net/clock.js';
import { parseTarget } from '../net/target.js';
import { DOWN_ERRORS } from '../net/down-errors.js';
import { calibrateProbe, calibrateService, checkReachable } from './preflight.js';
import { checkCalibrationAnswers } from './answered-error.js';
import { endWhenDone } from './end-when-done.js';
import { goneAtEnd, settleWithin } from './run-bounds.js';

export interface RunOptions {
  /** Ctrl-C: stop now, keep what was measured (partial result). */
  interrupt?: AbortSignal;
  /** Called about every 250 ms with the elapsed time, for a progress line. */
  onProgress?: (elapsedMs: number, record: RunRecord) => void;
  /**
   * Nice value of the load threads when probes run on this thread: they yield the CPU to them.
   * Measured on 2 cores (bench/run.ts): at full speed without it this thread lagged 100–350 ms;
   * with it, under 40 ms. Without probes the load runs at normal priority, at full speed.
   */
  loadNice?: number;
  /** Wall-clock time to start at, after preflight and calibration (`--start-at`: shards start together). */
  startAt?: Date;
}

export const DEFAULT_LOAD_NICE = 10;

export type { RunRecord } from './run-record.js';

/** How long every request failing with "nobody listens" must last before we call the target gone. */
const DOWN_AFTER_MS = 1500;

export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunData> {
  const target = parseTarget(scenario.target);
  const interrupt = options.interrupt ?? new AbortController().signal;

  // Interrupted before the run (while its server started): no traffic, a partial result.
  const preflightStart = performance.now();
  if (!interrupt.aborted) await checkReachable(target);
  const calibration = new Map<string, Calibration>();
  for (const a of scenario.actors) {
    if (interrupt.aborted) break;
    if (a.kind === 'probe') calibration.set(a.name, await calibrateProbe(a, target, interrupt));
    // A load's service time S: measured now, one request at a time, unless declared.
    if ((a.kind === 'load' || a.kind === 'sweep') && a.serviceTimeMs === undefined && a.calibrationRequests > 0) {
      calibration.set(a.name, await calibrateService(a, a.calibrationRequests, target, interrupt, scenario.durationMs));
    }
  }
  checkCalibrationAnswers(scenario.target, scenario.actors, calibration);

  if (options.startAt) await untilWallClock(options.startAt, interrupt);
  const clock = new Clock();
  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // one listener per request in flight
  const selfLag = new LoopLagMonitor(() => clock.now());
  const record: RunRecord = {
    scenario,
    startedAt: clock.startedAt,
    durationMs: 0,
    partial: false,
    actors: new Map(),
    specs: new Map(),
    calibration,
    selfLag,
    preflightMs: performance.now() - preflightStart,
  };

  // The target is gone when, for DOWN_AFTER_MS, every request failed with a "nobody listens" error.
  let lastAnswerMs = 0;
  let downSinceMs: number | undefined;
  let downError = '';
  const noteDown = (atMs: number, error: string) => {
    if (atMs < lastAnswerMs) return;
    downSinceMs ??= atMs;
    downError = error;
  };
  // The last sample's "nobody there" error, whatever came before it (a stream's end carries its 200).
  let endedFailing: string | undefined;
  let lastFailureMs = 0;
  const onSample = (s: Sample) => {
    if (s.error && DOWN_ERRORS.has(s.error)) {
      endedFailing = s.error;
      lastFailureMs = s.endMs;
    }
    else if (isOk(s)) endedFailing = undefined;
    if (s.status > 0 || isOk(s)) {
      lastAnswerMs = s.endMs;
      downSinceMs = undefined;
    } else if (s.error && DOWN_ERRORS.has(s.error)) noteDown(s.endMs, s.error);
  };
  const onHealth = (h: Health) => {
    if (h.lastAnswerMs !== undefined && h.lastAnswerMs > lastAnswerMs) {
      lastAnswerMs = h.lastAnswerMs;
      downSinceMs = undefined;
    }
    if (h.down) noteDown(h.down.atMs, h.down.error);
  };

  const probesRun = scenario.actors.some((a) => a.kind === 'probe');
  const runners: Promise<void>[] = [];
  selfLag.start();
  for (const spec of scenario.actors) {
    const recorder = new ActorRecorder(spec.name, spec.kind, scenario.bucketMs, keepsSamples(spec));
    record.actors.set(spec.name, recorder);
    record.specs.set(spec.name, spec);
    const ctx: ActorContext = { clock, target, durationMs: scenario.durationMs, stop: stop.signal, recorder, onSample, onHealth, probesRun, loadNice: options.loadNice ?? DEFAULT_LOAD_NICE };
    // Interrupted before the run (server start, calibration): the actors are recorded empty, none starts.
    runners.push(interrupt.aborted ? Promise.resolve() : runActor(spec, ctx));
  }

  const onInterrupt = () => {
    record.partial = true;
    record.stoppedBy ??= 'interrupt';
    stop.abort();
  };
  if (interrupt.aborted) onInterrupt();
  else interrupt.addEventListener('abort', onInterrupt, { once: true });
  const deadline = setTimeout(() => stop.abort(), scenario.durationMs);
  const cancelEnd = endWhenDone(scenario, runners, stop);
  const watch = setInterval(() => {
    const now = clock.now();
    if (downSinceMs !== undefined && now - downSinceMs >= DOWN_AFTER_MS && !stop.signal.aborted) {
      record.partial = true;
      record.stoppedBy = 'target-down';
      record.targetDown = { atMs: downSinceMs, error: downError };
      stop.abort();
    }
    options.onProgress?.(now, record);
  }, 250);

  // Every actor ends by itself at the deadline; the stop signal makes sure of it, and the grace
  // bounds the wait for one that cannot be cut short (run-bounds.ts).
  const all = Promise.all(runners);
  if (await settleWithin(all, stop.signal)) await all;
  if (!stop.signal.aborted) stop.abort();
  const gone = record.stoppedBy ? undefined : await goneAtEnd(target, endedFailing);
  if (gone !== undefined) {
    record.partial = true;
    record.stoppedBy = 'target-down';
    record.targetDown = { atMs: downSinceMs ?? lastFailureMs, error: gone };
  }
  for (const recorder of record.actors.values()) recorder.settle();
  clearTimeout(deadline);
  cancelEnd();
  clearInterval(watch);
  interrupt.removeEventListener('abort', onInterrupt);
  selfLag.stop();
  // Probes are scheduled up to the deadline; without any, every actor may be done well before it
  // (streams that ended, single requests): then the run was as long as it really took.
  const toDeadline = !scenario.endWhenDone && scenario.actors.some((a) => a.kind === 'probe');
  record.durationMs = record.stoppedBy ? clock.now() : toDeadline ? scenario.durationMs : Math.min(clock.now(), scenario.durationMs);
  return settle(record);
}

/** Resolves at wall-clock time `at` (at once if it has passed), or when interrupted. */
function untilWallClock(at: Date, interrupt: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      interrupt.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, at.getTime() - Date.now()));
    interrupt.addEventListener('abort', done, { once: true });
  });
}
