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

export type StallEvidence = {
  probe: string;
  thresholdMs: number;
  unloadedP99Ms: number;
  /** The longest stall not explained by wobbly's own lag (0: none). */
  longestStallMs: number;
  stalls: { startMs: number; endMs: number; lengthMs: number; probesAffected: number; during: string[]; selfLagMs: number }[];
};

type StallVerdict = JudgedVerdict<'event-loop-stall', StallEvidence>;

/** A stall explained by wobbly's own lag is not the server's. */
function ownLagExplains(s: { lengthMs: number; selfLagMs: number }, thresholdMs: number): boolean {
  return s.selfLagMs >= Math.max(thresholdMs / 2, s.lengthMs / 2);
}

function whatRan(during: string[], windows: InFlightWindow[]): string {
  if (!during.length) return 'while nothing else wobbly sent was in flight (the cause is inside the server: a timer, a background task, another client)';
  const labels = during.map((actor) => `${windows.find((w) => w.actor === actor)?.label ?? actor} (${actor})`);
  return `while ${labels.join(' and ')} ${labels.length > 1 ? 'were' : 'was'} in flight`;
}

function judgeProbe(a: StallAnalysis, windows: InFlightWindow[]): StallVerdict {
  const base = { id: 'event-loop-stall' as const, hint: STALL_HINT };
  const evidenceBase = { probe: a.probe, thresholdMs: round(a.thresholdMs, 1), unloadedP99Ms: round(a.unloadedP99Ms, 2) };
  const serverStalls = a.stalls.filter((s) => !ownLagExplains(s, a.thresholdMs));
  const stalls = a.stalls.map((s) => ({
    startMs: round(s.startMs, 1),
    endMs: round(s.endMs, 1),
    lengthMs: round(s.lengthMs, 1),
    probesAffected: s.probesAffected,
    during: s.during,
    selfLagMs: round(s.selfLagMs, 1),
  }));
  const longest = serverStalls.reduce((m, s) => Math.max(m, s.lengthMs), 0);
  const evidence: StallEvidence = { ...evidenceBase, longestStallMs: round(longest, 1), stalls };

  if (a.answered === 0) {
    return { ...base, status: 'inconclusive', summary: `${a.label} got no answer at all during the run: wobbly cannot tell a stall from a server that is down or failing.`, evidence };
  }
  if (serverStalls.length) {
    const top = serverStalls.reduce((m, s) => (s.lengthMs > m.lengthMs ? s : m));
    const more = serverStalls.length > 1 ? ` (${serverStalls.length} stalls in all)` : '';
    return {
      ...base,
      status: 'detected',
      summary:
        `The server stopped answering ${a.label} for ${formatMs(top.lengthMs)} (from ${formatMs(top.startMs)} into the run; the delayed probes were all answered by ${formatMs(top.endMs)}) ` +
        `${whatRan(top.during, windows)}: ${top.probesAffected} ${top.probesAffected === 1 ? "probe" : "probes"} waited${more}. Its event loop was blocked.`,
      evidence,
    };
  }
  if (a.stalls.length) {
    const top = a.stalls.reduce((m, s) => (s.lengthMs > m.lengthMs ? s : m));
    return {
      ...base,
      status: 'inconclusive',
      summary: `${a.label} waited ${formatMs(top.lengthMs)} at ${formatMs(top.startMs)}, but wobbly's own event loop lagged ${formatMs(top.selfLagMs)} at the same time: it may be wobbly, not the server. Run again on a less busy machine.`,
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

function evidenceLines(e: StallEvidence): string[] {
  const stalls = e.stalls ?? [];
  const lines = [`threshold ${formatMs(e.thresholdMs)} (unloaded p99 ${formatMs(e.unloadedP99Ms)}); stalls: ${stalls.length}`];
  for (const s of stalls.slice(0, 10)) {
    lines.push(
      `stall ${formatMs(s.startMs)} → ${formatMs(s.endMs)}: ${formatMs(s.lengthMs)}, ${s.probesAffected} probes${s.during.length ? `, during ${s.during.join(', ')}` : ''}${s.selfLagMs >= 20 ? ` (wobbly lagged ${formatMs(s.selfLagMs)})` : ''}`,
    );
  }
  if (stalls.length > 10) lines.push(`… and ${stalls.length - 10} more (see the JSON result)`);
  return lines;
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
