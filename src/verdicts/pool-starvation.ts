// Verdict `pool-starvation` (seed 002), from the effective concurrency of every closed-model
// measurement of the run (loads, and each step of a sweep).
import type { Analysis } from '../analysis/analyse.js';
import { RULES, type ConcurrencyEstimate, type SweepAnalysis, type Workers } from '../analysis/concurrency.js';
import { formatConcurrency, formatMs } from '../format.js';
import type { Verdict } from '../types.js';
import { concurrencyEvidenceLines, concurrencyFigures, estimatesOf, evidence, inconclusiveText, intervalText, numbers, perWorker, pick, sweepText, waveText, who, type ConcurrencyEvidence } from './concurrency-evidence.js';
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

/**
 * Which usual pools a size is consistent with. The size alone cannot tell anyio's tokens from an
 * executor or a semaphore set to the same number, nor the server's CPU count: say what each
 * would mean, claim none of them.
 */
export function poolCause(m: number, workers?: Workers): string {
  if (workers && workers.values.length >= 2) {
    const k = workers.values.length;
    const per = m / k;
    const ids = `${workers.field} ${workers.values.slice(0, 4).join(', ')}${k > 4 ? ', …' : ''}`;
    if (per < RULES.serializedBelow) return `one request at a time in each of the ${k} workers (${ids}): a blocking call inside \`async def\` holds each worker's event loop`;
    return `about ${formatConcurrency(per)} per worker in each of the ${k} workers (${ids}): ${poolCause(Math.round(per))}`;
  }
  if (m < RULES.serializedBelow) return 'a pool of one: a blocking call inside `async def` holding the event loop, a lock, or a single connection';
  if (Math.abs(m - ANYIO_TOKENS) <= 0.1 * ANYIO_TOKENS) {
    return `FastAPI runs \`def\` endpoints and run_in_threadpool in anyio's threadpool: ${ANYIO_TOKENS} tokens by default`;
  }
  const limiter = `a limiter set to ${m} (anyio's total_tokens for \`def\` endpoints, ThreadPoolExecutor(max_workers=${m}), a semaphore, a connection pool)`;
  if (m >= EXECUTOR_RANGE[0] && m <= EXECUTOR_RANGE[1]) {
    const cpus = m === EXECUTOR_RANGE[1] ? '28 or more CPUs' : `${m - 4} CPU${m - 4 === 1 ? '' : 's'}`;
    return `${limiter}, or asyncio's default executor behind run_in_executor(None, …) and asyncio.to_thread, min(32, cpu + 4) threads: ${m} if the server has ${cpus}`;
  }
  return limiter;
}

function detectedPool(e: ConcurrencyEstimate, sweeps: readonly SweepAnalysis[]): string {
  const C = e.effectiveConcurrency ?? e.poolEstimate!;
  const M = e.poolEstimate ?? Math.round(C);
  const range = e.poolInterval && e.poolInterval.lo !== e.poolInterval.hi ? `, between ${intervalText(e.poolInterval)}` : '';
  const workers = perWorker(e);
  if (e.outcome === 'serialized' && !workers) return `${who(e)}: the server handles one request at a time although ${e.connections} were sent (${numbers(e)}): a pool of one, see serialized.`;
  return (
    `${who(e)}: the server handles at most ~${formatConcurrency(C)} requests at once although ${e.connections} were sent: a pool of about ${M}${range} (${poolCause(M, workers)}). ` +
    `${numbers(e)[0]!.toUpperCase()}${numbers(e).slice(1)}; ${waveText(e)}` +
    (e.latencyUnderLoadMs !== undefined ? `; latency under load ${formatMs(e.latencyUnderLoadMs)} vs ${formatMs(e.serviceTimeMs!)} unloaded.` : '.') +
    sweepText(sweeps, e)
  );
}

export function judgePoolStarvation(analysis: Analysis): Verdict | undefined {
  return judgePool(analysis);
}

function judgePool(analysis: Analysis): JudgedVerdict<'pool-starvation', ConcurrencyEvidence> | undefined {
  const all = estimatesOf(analysis);
  if (!all.length) return undefined;
  const base = { id: 'pool-starvation' as const, hint: POOL_HINT };
  const sweeps = analysis.sweeps ?? [];
  const hit = pick(all, ['pool', 'serialized']);
  if (hit) return { ...base, status: 'detected', summary: detectedPool(hit, sweeps), evidence: evidence(hit, all, sweeps) };
  const unsure = pick(all, ['inconclusive']);
  if (unsure) return { ...base, status: 'inconclusive', summary: inconclusiveText(unsure), evidence: evidence(unsure, all, sweeps) };
  const e = pick(all, ['overhead']) ?? pick(all, ['clear'])!;
  const pct = Math.round(((e.effectiveConcurrency ?? 0) / e.connections) * 100);
  const summary =
    e.outcome === 'overhead'
      ? `${who(e)}: ${numbers(e)} (${pct}% of N), but all ${e.firstWave.served} first requests were answered within ${formatMs(e.firstWave.withinMs)}, no waves: the server is slower under load${e.latencyUnderLoadMs !== undefined ? ` (${formatMs(e.latencyUnderLoadMs)} vs ${formatMs(e.serviceTimeMs!)} unloaded: per-request overhead)` : ''}, not queueing for a pool.`
      : e.effectiveConcurrency === undefined
        ? `${who(e)}: all ${e.firstWave.served} of the first ${e.firstWave.requests} requests were answered within ${formatMs(e.firstWave.withinMs)}: the server handled them at once.`
        : `${who(e)}: ${numbers(e)} (${pct}% of N): the server handled the ${e.connections} requests at once.`;
  return { ...base, status: 'clear', summary, evidence: evidence(e, all, sweeps) };
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
