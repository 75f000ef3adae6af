// Verdict `event-loop-stall` (seeds 001, 003): the server stopped answering cheap probes while
// something else ran: sync work on its event loop.
import type { Analysis, StallAnalysis } from '../analysis/analyse.js';
import type { HeadOfLineFacts } from '../analysis/head-of-line.js';
import type { InFlightWindow } from '../analysis/stalls.js';
import { formatMs, round } from '../format.js';
import type { Verdict } from '../types.js';
import { defineRule, type JudgedVerdict } from './rule.js';

export const STALL_HINT =
  'Likely cause: synchronous work on the server\'s event-loop thread, so nothing else is answered meanwhile: ' +
  'serialising a large response_model (FastAPI validates and encodes it on the loop), time.sleep() or CPU-heavy code inside an `async def` endpoint, ' +
  'or a blocking client library called without await. Fix: declare the endpoint with plain `def` (FastAPI runs it in the threadpool) or move the work into ' +
  '`await run_in_threadpool(...)` / `loop.run_in_executor(...)`; for big responses build the JSON in the thread and return `Response(content=model.json(), media_type="application/json")`; ' +
  'CPU-bound work belongs in a ProcessPoolExecutor; several workers (`uvicorn --workers N`) keep other requests answered while one loop is stuck.';

export type StallFacts = {
  startMs: number;
  endMs: number;
  lengthMs: number;
  probesAffected: number;
  during: string[];
  selfLagMs: number;
  /** With several workers: who stopped, who kept answering meanwhile. */
  workers?: { field: string; stalled: string[]; answering: string[] };
};

export type StallEvidence = {
  probe: string;
  thresholdMs: number;
  unloadedP99Ms: number;
  /** wobbly's longest own lag of the run: how long the machine may have kept the server off the CPU. */
  machineLagMs: number;
  /** The longest stall not explained by wobbly's own lag and the machine's (0: none). */
  longestStallMs: number;
  /** The server's stalls. */
  stalls: StallFacts[];
  /** Stalls wobbly's own lag explains, listed apart (not counted in `stalls`). */
  ownLagStalls: StallFacts[];
};

type StallVerdict = JudgedVerdict<'event-loop-stall', StallEvidence>;

/**
 * Self-check (DESIGN.md §2): what part of a late probe's wait the server can be blamed for. A probe
 * waits for wobbly at most twice, to be sent and to be read, each time at most wobbly's longest
 * loop lag during the stall (`selfLagMs`); and it waits while a busy machine keeps the server's
 * process off the CPU, which wobbly cannot see but which its own longest lag of the run measures
 * (`machineLagMs`: the same scheduler serves both processes). A stall is the server's only if the
 * wait left after both is still over the threshold.
 */
export function unexplainedMs(s: { lengthMs: number; selfLagMs: number }, machineLagMs: number): number {
  return s.lengthMs - 2 * s.selfLagMs - machineLagMs;
}

function whatRan(during: string[], windows: InFlightWindow[]): string {
  if (!during.length) return 'while nothing else wobbly sent was in flight (the cause is inside the server: a timer, a background task, another client)';
  const labels = during.map((actor) => `${windows.find((w) => w.actor === actor)?.label ?? actor} (${actor})`);
  return `while ${labels.join(' and ')} ${labels.length > 1 ? 'were' : 'was'} in flight`;
}

function judgeProbe(a: StallAnalysis, windows: InFlightWindow[]): StallVerdict {
  const base = { id: 'event-loop-stall' as const, hint: STALL_HINT };
  const machineLagMs = a.selfLagMaxMs ?? 0;
  const evidenceBase = { probe: a.probe, thresholdMs: round(a.thresholdMs, 1), unloadedP99Ms: round(a.unloadedP99Ms, 2), machineLagMs: round(machineLagMs, 1) };
  // The server's stalls, and apart from them those wobbly's own lag (or the machine's) explains: counts and lists agree.
  const explained = (s: { lengthMs: number; selfLagMs: number }) => unexplainedMs(s, machineLagMs) <= a.thresholdMs;
  const serverStalls = a.stalls.filter((s) => !explained(s));
  const ownLag = a.stalls.filter(explained);
  const facts = (list: typeof a.stalls): StallFacts[] =>
    list.map((s) => ({
      startMs: round(s.startMs, 1),
      endMs: round(s.endMs, 1),
      lengthMs: round(s.lengthMs, 1),
      probesAffected: s.probesAffected,
      during: s.during,
      selfLagMs: round(s.selfLagMs, 1),
      ...(s.workers ? { workers: s.workers } : {}),
    }));
  const longest = serverStalls.reduce((m, s) => Math.max(m, s.lengthMs), 0);
  const evidence: StallEvidence = { ...evidenceBase, longestStallMs: round(longest, 1), stalls: facts(serverStalls), ownLagStalls: facts(ownLag) };

  if (a.answered === 0) {
    return { ...base, status: 'inconclusive', summary: `${a.label} got no answer at all during the run: wobbly cannot tell a stall from a server that is down or failing.`, evidence };
  }
  if (serverStalls.length) {
    const top = serverStalls.reduce((m, s) => (s.lengthMs > m.lengthMs ? s : m));
    const apart = ownLag.length ? `; ${ownLag.length} more explained by wobbly's own lag, not counted` : '';
    const more = serverStalls.length > 1 || ownLag.length ? ` (${serverStalls.length} stall${serverStalls.length === 1 ? '' : 's'} in all${apart})` : '';
    const w = top.workers;
    const who = w && w.answering.length ? `${w.field} ${w.stalled.join(', ')} (the worker${w.stalled.length === 1 ? '' : 's'} behind the probe's connections)` : 'The server';
    const others = w && w.answering.length ? ` while ${w.field} ${w.answering.join(', ')} answered` : '';
    const tail = w && w.answering.length ? `That worker's event loop was blocked; the others were not.` : 'Its event loop was blocked.';
    return {
      ...base,
      status: 'detected',
      summary:
        `${who} stopped answering ${a.label} for ${formatMs(top.lengthMs)}${others} (from ${formatMs(top.startMs)} into the run; the delayed probes were all answered by ${formatMs(top.endMs)}) ` +
        `${whatRan(top.during, windows)}: ${top.probesAffected} ${top.probesAffected === 1 ? "probe" : "probes"} waited${more}. ${tail}`,
      evidence,
    };
  }
  if (ownLag.length) {
    const top = ownLag.reduce((m, s) => (s.lengthMs > m.lengthMs ? s : m));
    return {
      ...base,
      status: 'inconclusive',
      summary:
        `${a.label} waited ${formatMs(top.lengthMs)} at ${formatMs(top.startMs)}, but wobbly's own event loop lagged up to ${formatMs(top.selfLagMs)} meanwhile (twice that may delay a probe: sent late, read late) ` +
        `and up to ${formatMs(machineLagMs)} at once during the run (a machine that busy delays the server as much): what is left, ${formatMs(Math.max(0, unexplainedMs(top, machineLagMs)))}, ` +
        `is within the ${formatMs(a.thresholdMs)} stall threshold. It may be wobbly or the machine, not the server: run again on a less busy machine.`,
      evidence,
    };
  }
  return {
    ...base,
    status: 'clear',
    summary: `${a.label} answered every probe within the ${formatMs(a.thresholdMs)} stall threshold (${a.answered} answers): no event-loop stall.`,
    evidence,
  };
}

/** One verdict per run: the worst probe's (detected > inconclusive > clear). */
function judgeWorstProbe(analysis: Analysis): StallVerdict | undefined {
  if (!analysis.stalls.length) return undefined;
  const verdicts = analysis.stalls.map((a) => judgeProbe(a, analysis.windows));
  const rank = { detected: 2, inconclusive: 1, clear: 0 } as const;
  return verdicts.reduce((worst, v) => (rank[v.status] > rank[worst.status] ? v : worst));
}

export function judgeEventLoopStall(analysis: Analysis): Verdict | undefined {
  return judgeWorstProbe(analysis);
}

/**
 * With several workers, a detected event-loop stall was one worker's: say which one stopped and
 * which kept answering (the stall verdict alone reads as if the whole server had).
 */
export function noteOtherWorkers<V extends { status: string; summary: string }>(stall: V, facts: HeadOfLineFacts | undefined): V {
  if (stall.status !== 'detected' || !facts?.field || !facts.delayed) return stall;
  const ids = Object.entries(facts.byIdentity).filter(([id]) => id !== '(no answer)');
  const busy = ids.filter(([, g]) => g.delayed > 0).map(([id]) => id);
  const free = ids.filter(([, g]) => g.delayed === 0).map(([id]) => id);
  if (!free.length || !busy.length) return stall;
  const f = facts.field;
  return {
    ...stall,
    summary: `${stall.summary} Only ${f} ${busy.join(', ')} stopped; ${f} ${free.join(', ')} kept answering (see head-of-line-blocking).`,
  };
}

function stallLine(s: StallFacts): string {
  const w = s.workers ? `, ${s.workers.field} ${s.workers.stalled.join(', ')} stopped` : '';
  return `${formatMs(s.startMs)} → ${formatMs(s.endMs)}: ${formatMs(s.lengthMs)}, ${s.probesAffected} probes${s.during.length ? `, during ${s.during.join(', ')}` : ''}${w}${s.selfLagMs >= 20 ? ` (wobbly lagged ${formatMs(s.selfLagMs)})` : ''}`;
}

function listed(label: string, stalls: StallFacts[]): string[] {
  const lines = stalls.slice(0, 10).map((s) => `${label} ${stallLine(s)}`);
  if (stalls.length > 10) lines.push(`… and ${stalls.length - 10} more (see the JSON result)`);
  return lines;
}

function evidenceLines(e: StallEvidence): string[] {
  // A result saved by an older wobbly has no ownLagStalls: its stalls were all listed together.
  const stalls = e.stalls ?? [];
  const own = e.ownLagStalls ?? [];
  const apart = own.length ? `; ${own.length} more explained by wobbly's own lag` : '';
  return [
    `threshold ${formatMs(e.thresholdMs)} (unloaded p99 ${formatMs(e.unloadedP99Ms)}); stalls: ${stalls.length}${apart}`,
    ...listed('stall', stalls),
    ...listed("wobbly's own lag:", own),
  ];
}

export const eventLoopStall = defineRule({
  id: 'event-loop-stall',
  reads: ['stalls', 'windows', 'headOfLine'],
  judge: (analysis) => {
    const v = judgeWorstProbe(analysis);
    return v ? [noteOtherWorkers(v, analysis.headOfLine)] : [];
  },
  evidenceLines,
  blocksRecommendation: false,
});
