// Verdict `pool-starvation` (seed 002), from the effective concurrency of every closed-model
// measurement of the run (loads, and each step of a sweep).
import type { Analysis } from '../analysis/analyse.js';
import { formatConcurrency, formatMs } from '../format.js';
import type { Verdict } from '../types.js';
import { concurrencyEvidenceLines, concurrencyFigures, estimatesOf, evidence, inconclusiveText, numbers, pick, sweepText, waveText, who, type ConcurrencyEvidence } from './concurrency-evidence.js';
import { defineRule, type JudgedVerdict } from './rule.js';
// Kept where callers found it before serialized got its own file.
export { judgeSerialized } from './serialized.js';

/** FastAPI/Starlette's default: anyio's CapacityLimiter for `def` endpoints and run_in_threadpool. */
export const ANYIO_TOKENS = 40;
/** asyncio's default executor (run_in_executor(None, ...), asyncio.to_thread): min(32, cpu + 4) threads. */
export const EXECUTOR_RANGE = [5, 32] as const;

export const POOL_HINT =
  'Likely causes, most common first. ' +
  '(1) FastAPI runs `def` endpoints, sync dependencies, `run_in_threadpool(...)` and the sync generators of StreamingResponse in anyio\'s threadpool, ' +
  `limited to ${ANYIO_TOKENS} tokens per process by default: raise it at startup (in the lifespan or a startup event: ` +
  '`anyio.to_thread.current_default_thread_limiter().total_tokens = 100`), or make the endpoint `async def` with awaitable I/O so it needs no thread. ' +
  '(2) `loop.run_in_executor(None, fn)` and `asyncio.to_thread(fn)` use asyncio\'s default ThreadPoolExecutor, only `min(32, os.cpu_count() + 4)` threads (6 on 2 CPUs): ' +
  'create `ThreadPoolExecutor(max_workers=N)` once at startup and pass it instead of None. ' +
  '(3) A connection pool (database, HTTP client) or a semaphore of that size: size it for the concurrency you expect. ' +
  '(4) A pool of one: a blocking call inside an `async def` endpoint (time.sleep, a sync client) holds the event loop; `await` an async equivalent or declare the endpoint `def` (see serialized). ' +
  'More worker processes (`uvicorn --workers`, gunicorn `-w`) multiply every per-process pool.';

/** Which usual pool a size points at. */
export function poolCause(m: number): string {
  if (Math.abs(m - ANYIO_TOKENS) <= 0.1 * ANYIO_TOKENS) {
    return `FastAPI runs \`def\` endpoints and run_in_threadpool in anyio's threadpool: ${ANYIO_TOKENS} tokens by default`;
  }
  if (m >= EXECUTOR_RANGE[0] && m <= EXECUTOR_RANGE[1]) {
    return `asyncio's default executor behind run_in_executor(None, …) and asyncio.to_thread has min(32, cpu + 4) threads, ${m} on a ${m - 4}-CPU server; or a limiter or pool set to ${m}`;
  }
  return 'a threadpool, a semaphore or a connection pool of that size';
}

export function judgePoolStarvation(analysis: Analysis): Verdict | undefined {
  return judgePool(analysis);
}

function judgePool(analysis: Analysis): JudgedVerdict<'pool-starvation', ConcurrencyEvidence> | undefined {
  const all = estimatesOf(analysis);
  if (!all.length) return undefined;
  const base = { id: 'pool-starvation' as const, hint: POOL_HINT };
  const hit = pick(all, ['pool', 'serialized']);
  if (hit) {
    const C = hit.effectiveConcurrency!;
    const M = hit.poolEstimate ?? Math.round(C);
    const summary =
      hit.outcome === 'serialized'
        ? `${who(hit)}: the server handles one request at a time although ${hit.connections} were sent (${numbers(hit)}): a pool of one, see serialized.`
        : `${who(hit)}: the server handles at most ~${formatConcurrency(C)} requests at once although ${hit.connections} were sent: a pool of about ${M} (${poolCause(M)}). ` +
          `${numbers(hit)[0]!.toUpperCase()}${numbers(hit).slice(1)}; ${waveText(hit)}; latency under load ${formatMs(hit.latencyUnderLoadMs!)} vs ${formatMs(hit.serviceTimeMs!)} unloaded.`;
    return { ...base, status: 'detected', summary: summary + sweepText(analysis.sweeps ?? [], hit), evidence: evidence(hit, all, analysis.sweeps ?? []) };
  }
  const unsure = pick(all, ['inconclusive']);
  if (unsure) return { ...base, status: 'inconclusive', summary: inconclusiveText(unsure), evidence: evidence(unsure, all, analysis.sweeps ?? []) };
  const e = pick(all, ['overhead']) ?? pick(all, ['clear'])!;
  const pct = Math.round(((e.effectiveConcurrency ?? 0) / e.connections) * 100);
  const summary =
    e.outcome === 'overhead'
      ? `${who(e)}: ${numbers(e)} (${pct}% of N), but all ${e.firstWave.served} first requests were answered within ${formatMs(e.firstWave.withinMs)}, no waves: the server is slower under load (${formatMs(e.latencyUnderLoadMs!)} vs ${formatMs(e.serviceTimeMs!)} unloaded: per-request overhead), not queueing for a pool.`
      : e.connections === 1
        ? `${who(e)}: a single connection cannot show a concurrency limit; use more connections (or a sweep).`
        : `${who(e)}: ${numbers(e)} (${pct}% of N): the server handled the ${e.connections} requests at once.`;
  return { ...base, status: 'clear', summary, evidence: evidence(e, all, analysis.sweeps ?? []) };
}

export const poolStarvation = defineRule({
  id: 'pool-starvation',
  reads: ['loads', 'sweeps'],
  judge: (analysis) => {
    const v = judgePool(analysis);
    return v ? [v] : [];
  },
  evidenceLines: concurrencyEvidenceLines,
  blocksRecommendation: true,
  compareFigures: concurrencyFigures,
});
