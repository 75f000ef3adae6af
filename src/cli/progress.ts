// The live view on a terminal: a header (elapsed, ETA) and one line per actor (rate, p50/p99,
// errors, in flight), updated in place; a probe that gets no answer says so while it happens.
// Three parts: the sampler (run record → state), a pure formatter (state → lines, tested on
// fixtures) and a small TTY writer. Only shown on a TTY, without NO_COLOR/TERM=dumb and --quiet.
import type { RunRecord } from '../engine/run.js';
import type { ActorSpec, Scenario } from '../types.js';
import type { Io } from './io.js';

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

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const lat = (ms: number | undefined) => (ms === undefined ? '-' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);
const rate = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

function paint(on: boolean, code: number, text: string): string {
  return on ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** Cut to `width` characters (a wrapped line would break the in-place update). */
function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
}

/** The live view's lines: pure, from the state. */
export function liveLines(state: LiveState, opts: { color: boolean; width: number }): string[] {
  const w = Math.max(20, opts.width - 1);
  const pct = state.durationMs > 0 ? Math.min(100, Math.round((state.elapsedMs / state.durationMs) * 100)) : 0;
  const eta = Math.max(0, state.durationMs - state.elapsedMs);
  // Times first: on a narrow terminal the scenario's name is what gets cut.
  const lines = [paint(opts.color, 1, fit(`${secs(state.elapsedMs)} of ${secs(state.durationMs)}  ${pct}%  ETA ${secs(eta)}  ${state.scenario}`, w))];
  const nameWidth = Math.min(24, Math.max(0, ...state.actors.map((a) => a.name.length)));
  for (const a of state.actors) {
    const unit = a.kind === 'stream' ? 'events/s' : 'ok/s';
    const parts = [`${a.name.padEnd(nameWidth)}`, `${rate(a.ratePerSec).padStart(6)} ${unit}`, `p50 ${lat(a.p50Ms).padStart(7)}`, `p99 ${lat(a.p99Ms).padStart(7)}`, `${a.failed} ${a.failed === 1 ? 'error' : 'errors'}`];
    if (a.inFlight !== undefined) parts.push(`${a.inFlight} ${a.kind === 'stream' ? 'open' : 'in flight'}`);
    const base = fit(`  ${parts.join('  ')}`, w);
    const errored = a.failed > 0 ? paint(opts.color, 33, base) : base;
    if (a.silentMs === undefined) {
      lines.push(errored);
      continue;
    }
    const silent = `  NO ANSWER FOR ${secs(a.silentMs)}`;
    const room = w - base.length;
    lines.push(room >= silent.length ? `${errored}${paint(opts.color, 31, silent)}` : paint(opts.color, 31, fit(`  ${a.name} ${silent.trim()}`, w)));
  }
  return lines;
}

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

/** The TTY writer: rewrites its lines in place (cursor up, clear line), and erases them at the end. */
export function progressLine(io: Io, scenario: Scenario) {
  const sampler = new LiveSampler(scenario);
  let shown = 0;
  const up = () => (shown > 1 ? `\u001b[${shown - 1}A` : '');
  return {
    update: (elapsedMs: number, record: RunRecord) => {
      const lines = liveLines(sampler.sample(elapsedMs, record), { color: io.color, width: io.width });
      io.err(`\r${up()}\u001b[0J${lines.join('\n')}`);
      shown = lines.length;
    },
    clear: () => {
      if (shown) io.err(`\r${up()}\u001b[0J`);
      shown = 0;
    },
  };
}
