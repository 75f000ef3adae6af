// Verdict `serialized` (seeds 003, 004): the server handles one request at a time, from the
// effective concurrency of every closed-model measurement of the run.
import type { Analysis } from '../analysis/analyse.js';
import { RULES, type ConcurrencyEstimate } from '../analysis/concurrency.js';
import { formatConcurrency, formatMs } from '../format.js';
import type { Verdict } from '../types.js';
import { concurrencyEvidenceLines, concurrencyFigures, estimatesOf, evidence, inconclusiveText, intervalText, numbers, perWorker, pick, waveText, who, type ConcurrencyEvidence } from './concurrency-evidence.js';
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
  const sweeps = analysis.sweeps ?? [];
  const hit = pick(all, ['serialized']);
  if (hit) {
    const stalled = probeStalledDuring(analysis, hit);
    const probes = analysis.stalls.length
      ? stalled
        ? ` ${stalled} stalled meanwhile: the event loop itself was blocked.`
        : ' The probes were answered meanwhile: not the event loop, rather a lock or a pool of one.'
      : '';
    const workers = perWorker(hit);
    const who1 = workers
      ? `each of the ${workers.values.length} workers (${workers.field} ${workers.values.slice(0, 4).join(', ')}) handles one request at a time although ${hit.connections} were sent`
      : `the server handles one request at a time although ${hit.connections} were sent`;
    return { ...base, status: 'detected', summary: `${who(hit)}: ${who1}: ${numbers(hit)}; ${waveText(hit)}.${probes}`, evidence: evidence(hit, all, sweeps) };
  }
  const unsure = pick(all, ['inconclusive']);
  if (unsure) return { ...base, status: 'inconclusive', summary: inconclusiveText(unsure), evidence: evidence(unsure, all, sweeps) };
  const e = pick(all, ['pool', 'overhead', 'clear'])!;
  const C = e.effectiveConcurrency;
  const summary =
    C === undefined
      ? `${who(e)}: ${e.firstWave.served} of the first ${e.firstWave.requests} requests were answered within ${formatMs(e.firstWave.withinMs)}: requests are handled concurrently, not one at a time.`
      : `${who(e)}: effective concurrency ${formatConcurrency(C)}${e.concurrencyInterval ? ` (between ${intervalText(e.concurrencyInterval)})` : ''} with ${e.connections} connections (${RULES.serializedBelow} or more): requests are handled concurrently, not one at a time.`;
  return { ...base, status: 'clear', summary, evidence: evidence(e, all, sweeps) };
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
