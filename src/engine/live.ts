// The live state of a run, sampled from its record about every 250 ms (rates over the last second,
// what is in flight, a probe that has had no answer for a while): plain data, so that a run in its
// own thread can post it to the CLI's live view (src/cli/progress.ts renders it).
import type { RunRecord } from './run-record.js';
import type { ActorSpec, Scenario } from '../types.js';

export interface LiveActor {
  name: string;
  kind: ActorSpec['kind'];
  ok: number;
  failed: number;
  /** Answers (stream: events) per second over the last second. */
  ratePerSec: number;
  /** Unknown while a load's worker threads hold the counts. */
  p50Ms?: number;
  p99Ms?: number;
  /** Requests due or sent and not answered yet (streams: open). */
  inFlight?: number;
  /** A probe with requests waiting and no answer for this long (shown past SILENT_AFTER_MS). */
  silentMs?: number;
}

export interface LiveState {
  scenario: string;
  elapsedMs: number;
  durationMs: number;
  actors: LiveActor[];
}

/** A probe silent for longer than this (and than a few intervals) is shown as stalled. */
export const SILENT_AFTER_MS = 500;

/** Turns the run record into a LiveState every tick, remembering what a rate and a silence need. */
export class LiveSampler {
  private readonly history = new Map<string, { t: number; ok: number }[]>();
  private readonly lastAnswerMs = new Map<string, number>();

  constructor(private readonly scenario: Scenario) {}

  sample(elapsedMs: number, record: RunRecord): LiveState {
    const actors: LiveActor[] = [];
    for (const spec of this.scenario.actors) {
      const rec = record.actors.get(spec.name);
      if (!rec) continue;
      const failed = rec.failures + rec.live.failures;
      const ok = rec.requests + rec.live.requests - failed;
      const h = this.history.get(spec.name) ?? [];
      h.push({ t: elapsedMs, ok });
      while (h.length > 2 && h[1]!.t <= elapsedMs - 1000) h.shift();
      this.history.set(spec.name, h);
      const dt = elapsedMs - h[0]!.t;
      const live: LiveActor = { name: spec.name, kind: spec.kind, ok, failed, ratePerSec: dt > 0 ? ((ok - h[0]!.ok) * 1000) / dt : 0 };
      if (rec.latency.count) {
        live.p50Ms = Math.min(rec.latency.percentile(50), rec.latency.maxMs);
        live.p99Ms = Math.min(rec.latency.percentile(99), rec.latency.maxMs);
      }
      if (h.length < 2 || ok > h[h.length - 2]!.ok) this.lastAnswerMs.set(spec.name, elapsedMs);
      if (spec.kind === 'probe') {
        const interval = 1000 / spec.ratePerSec;
        const until = Math.min(elapsedMs, spec.stopMs ?? Infinity);
        const due = until < spec.startMs ? 0 : Math.floor((until - spec.startMs) / interval) + 1;
        live.inFlight = Math.max(0, due - rec.requests);
        const silent = elapsedMs - (this.lastAnswerMs.get(spec.name) ?? 0);
        if (live.inFlight > 0 && silent > Math.max(SILENT_AFTER_MS, 5 * interval)) live.silentMs = silent;
      } else if (spec.kind === 'request') {
        live.inFlight = Math.max(0, (elapsedMs >= spec.atMs ? spec.count : 0) - rec.requests - rec.unfinished);
      } else if (spec.kind === 'stream' && rec.stream) {
        live.inFlight = rec.stream.openNow;
      }
      actors.push(live);
    }
    return { scenario: this.scenario.name, elapsedMs, durationMs: this.scenario.durationMs, actors };
  }
}
