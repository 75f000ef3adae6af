// Verdict `serialized` (seeds 003, 004): the server handles one request at a time, from the
// effective concurrency of every closed-model measurement of the run.
import type { Analysis } from '../analysis/analyse.js';
import { RULES, type ConcurrencyEstimate } from '../analysis/concurrency.js';
import { formatConcurrency } from '../format.js';
import type { Verdict } from '../types.js';
import { concurrencyEvidenceLines, concurrencyFigures, estimatesOf, evidence, inconclusiveText, numbers, pick, waveText, who, type ConcurrencyEvidence } from './concurrency-evidence.js';
import { defineRule, type JudgedVerdict } from './rule.js';

export const SERIALIZED_HINT =
  'Likely cause: a blocking call inside an `async def` endpoint (time.sleep, requests/urllib, a sync database driver, CPU-heavy code) holds the event loop, ' +
  'so the whole worker handles one request at a time (a probe on any endpoint stalls meanwhile: see event-loop-stall). ' +
  'Fix: `await` an async equivalent (asyncio.sleep, httpx.AsyncClient, an async driver); or declare the endpoint with plain `def` so FastAPI runs it in the threadpool; ' +
  'or wrap the call: `await run_in_threadpool(fn, ...)`. If the probes were answered meanwhile, look for a lock or a pool of one (threading.Lock, a single DB connection). ' +
  'CPU-bound work needs processes: a ProcessPoolExecutor, or more workers (`uvicorn --workers N`).';

/** Whether a probe of the run stalled while this measurement ran. */
function probeStalledDuring(analysis: Analysis, e: ConcurrencyEstimate): string | undefined {
  if (!e.window) return undefined;
  for (const a of analysis.stalls) {
    if (a.stalls.some((s) => s.startMs < e.window!.endMs && s.endMs > e.window!.startMs && s.selfLagMs < s.lengthMs / 2)) return a.label;
  }
  return undefined;
}

export function judgeSerialized(analysis: Analysis): Verdict | undefined {
  return judgeOneAtATime(analysis);
}

function judgeOneAtATime(analysis: Analysis): JudgedVerdict<'serialized', ConcurrencyEvidence> | undefined {
  const all = estimatesOf(analysis);
  if (!all.length) return undefined;
  const base = { id: 'serialized' as const, hint: SERIALIZED_HINT };
  const hit = pick(all, ['serialized']);
  if (hit) {
    const stalled = probeStalledDuring(analysis, hit);
    const probes = analysis.stalls.length
      ? stalled
        ? ` ${stalled} stalled meanwhile: the event loop itself was blocked.`
        : ' The probes were answered meanwhile: not the event loop, rather a lock or a pool of one.'
      : '';
    return {
      ...base,
      status: 'detected',
      summary: `${who(hit)}: the server handles one request at a time although ${hit.connections} were sent: ${numbers(hit)}; ${waveText(hit)}.${probes}`,
      evidence: evidence(hit, all, analysis.sweeps ?? []),
    };
  }
  const multi = all.filter((e) => e.connections >= 2);
  const unsure = pick(multi, ['inconclusive']);
  if (unsure) return { ...base, status: 'inconclusive', summary: inconclusiveText(unsure), evidence: evidence(unsure, all, analysis.sweeps ?? []) };
  const e = pick(all, ['pool', 'overhead', 'clear'])!;
  const C = e.effectiveConcurrency ?? 0;
  const summary =
    e.connections < 2
      ? `${who(e)}: one connection cannot show serialization; use 2 or more.`
      : `${who(e)}: effective concurrency ${formatConcurrency(C)} with ${e.connections} connections (${RULES.serializedBelow} or more): requests are handled concurrently, not one at a time.`;
  return { ...base, status: 'clear', summary, evidence: evidence(e, all, analysis.sweeps ?? []) };
}

export const serialized = defineRule({
  id: 'serialized',
  reads: ['loads', 'sweeps', 'stalls'],
  judge: (analysis) => {
    const v = judgeOneAtATime(analysis);
    return v ? [v] : [];
  },
  evidenceLines: concurrencyEvidenceLines,
  blocksRecommendation: true,
  compareFigures: concurrencyFigures,
});
