// The live view on a terminal: a header (elapsed, ETA) and one line per actor (rate, p50/p99,
// errors, in flight), updated in place; a probe that gets no answer says so while it happens.
// Three parts: the sampler (run record → state), a pure formatter (state → lines, tested on
// fixtures) and a small TTY writer. Only shown on a TTY, without NO_COLOR/TERM=dumb and --quiet.
import { LiveSampler, type LiveState } from '../engine/live.js';
import type { RunRecord } from '../engine/run.js';
import type { Scenario } from '../types.js';
import type { Io } from './io.js';

export { LiveSampler, SILENT_AFTER_MS, type LiveActor, type LiveState } from '../engine/live.js';

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

/** The TTY writer: rewrites its lines in place (cursor up, clear line), and erases them at the end. */
export function progressLine(io: Io, scenario: Scenario) {
  const sampler = new LiveSampler(scenario);
  let shown = 0;
  const up = () => (shown > 1 ? `\u001b[${shown - 1}A` : '');
  const show = (state: LiveState) => {
    const lines = liveLines(state, { color: io.color, width: io.width });
    io.err(`\r${up()}\u001b[0J${lines.join('\n')}`);
    shown = lines.length;
  };
  return {
    /** From the run record (a run on this thread). */
    update: (elapsedMs: number, record: RunRecord) => show(sampler.sample(elapsedMs, record)),
    /** From a state sampled elsewhere (a run in its own thread). */
    show,
    clear: () => {
      if (shown) io.err(`\r${up()}\u001b[0J`);
      shown = 0;
    },
  };
}
