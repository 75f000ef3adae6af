// Verdicts `pool-starvation` (seed 002) and `serialized` (seeds 003, 004), from the effective
// concurrency of every closed-model measurement of the run (loads, and each step of a sweep).
import type { Analysis } from '../analysis/analyse.js';
import type { ConcurrencyEstimate, SweepAnalysis, Workers } from '../analysis/concurrency.js';
import { RULES } from '../analysis/concurrency.js';
import { estimateFacts } from '../analysis/concurrency-facts.js';
import { round } from '../metrics/timeline.js';
import { formatConcurrency, formatMs } from '../scenario/units.js';
import type { Verdict } from '../types.js';

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

export const SERIALIZED_HINT =
  'Likely cause: a blocking call inside an `async def` endpoint (time.sleep, requests/urllib, a sync database driver, CPU-heavy code) holds the event loop, ' +
  'so the whole worker handles one request at a time (a probe on any endpoint stalls meanwhile: see event-loop-stall). ' +
  'Fix: `await` an async equivalent (asyncio.sleep, httpx.AsyncClient, an async driver); or declare the endpoint with plain `def` so FastAPI runs it in the threadpool; ' +
  'or wrap the call: `await run_in_threadpool(fn, ...)`. If the probes were answered meanwhile, look for a lock or a pool of one (threading.Lock, a single DB connection). ' +
  'CPU-bound work needs processes: a ProcessPoolExecutor, or more workers (`uvicorn --workers N`).';

const fmtRps = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** "GET /pool?ms=200 (load)" or "GET /pool?ms=200 (sweep, N = 8)" */
function who(e: ConcurrencyEstimate): string {
  return `${e.label} (${e.actor}${e.step !== undefined ? `, N = ${e.connections}` : ''})`;
}

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

function numbers(e: ConcurrencyEstimate): string {
  const S = e.serviceTimeMs!;
  const X = e.throughputRps ?? 0;
  const C = e.effectiveConcurrency ?? 0;
  const i = e.concurrencyInterval ? ` (between ${intervalText(e.concurrencyInterval)})` : '';
  return `throughput ${fmtRps(X)} req/s × unloaded service time ${formatMs(S)} = effective concurrency ${formatConcurrency(C)}${i} of ${e.connections}`;
}

function waveText(e: ConcurrencyEstimate): string {
  const w = e.firstWave;
  const next = w.nextGroupMs !== undefined ? `, the next ones after ${formatMs(w.nextGroupMs)}` : '';
  if (w.group === 1) return `the first ${w.requests} requests came back one at a time, about ${formatMs(e.serviceTimeMs!)} apart`;
  const waves = e.waves && e.waves.length > 1 ? `; waves of ${e.waves.slice(0, 8).join(', ')}${e.waves.length > 8 ? ', …' : ''}` : '';
  return `of the first ${w.requests} requests ${w.group ?? w.served} came back within ${formatMs(w.withinMs)}${next}${waves}`;
}

function intervalText(i: { lo: number; hi: number } | undefined): string {
  const f = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(2));
  return i ? `${f(i.lo)} and ${f(i.hi)}` : '?';
}

function inconclusiveText(e: ConcurrencyEstimate): string {
  const N = e.connections;
  switch (e.reason) {
    case 'single-connection':
      return `${who(e)}: one connection sends one request at a time, so the server never had two at once: a pool or a server that handles one request at a time cannot show. Use 2 or more connections (ab -c), above the pool size you suspect, or a sweep.`;
    case 'straddles': {
      const threshold = formatConcurrency(RULES.starvedBelow * N);
      const longer = e.decideAfterMs !== undefined
        ? `a load of about ${formatMs(e.decideAfterMs)} (this one held ${formatMs(e.window!.endMs - e.window!.startMs)} with every connection busy) would decide`
        : 'a longer run would not decide it: the calibration spread of S dominates; calibrate with more requests or declare serviceTime';
      return `${who(e)}: ${numbers(e)}: given what was measured, that interval lies on both sides of ${threshold} (0.9 × ${N}): ${longer}.`;
    }
    case 'no-service-time':
      return e.calibrationStatus
        ? `${who(e)}: the calibration requests got HTTP ${e.calibrationStatus}, so the service time S is unknown: check the path, or declare serviceTime.`
        : `${who(e)}: no service time S (calibrate: 0 and no serviceTime): effective concurrency cannot be computed.`;
    case 'too-short':
      return `${who(e)}: no request was answered while the ${N} connections were all busy${e.serviceTimeMs ? ` (S ${formatMs(e.serviceTimeMs)})` : ''}: run the load longer, at least a few times S.`;
    case 'failures':
      return `${who(e)}: ${Math.round(e.failureRate * 100)}% of the requests failed: the throughput says little about concurrency. Look at the failures first.`;
    case 'too-fast':
      return `${who(e)}: it answers in ${formatMs(e.serviceTimeMs!)} unloaded, too fast to tell a pool from the CPU and the network stack (${numbers(e)} means little here). Point the load at an endpoint that waits (I/O, sleep), or declare its serviceTime.`;
    case 'client-bound':
      return `${who(e)}: wobbly itself may have been the bottleneck (its turnaround ${formatMs(e.turnaroundMs ?? 0)} per request, its load thread lagged up to ${formatMs(e.clientLag.maxMs)}): ${numbers(e)} is not trusted. Use fewer connections or more workers.`;
    case 'ramp':
      return `${who(e)}: ${numbers(e)}, but the first requests were answered one after another without waves (${e.firstWave.served} of ${N} within ${formatMs(e.firstWave.withinMs)}): the server looks CPU-bound at ${fmtRps(e.throughputRps!)} req/s rather than limited by a pool. More worker processes would help.`;
    default:
      return `${who(e)}: inconclusive.`;
  }
}

function sweepText(sweeps: readonly SweepAnalysis[], e: ConcurrencyEstimate): string {
  const sweep = sweeps.find((s) => s.actor === e.actor);
  if (!sweep?.knee) return '';
  const ns = sweep.steps.map((s) => s.connections);
  const best = sweep.best ? `; best throughput ${fmtRps(sweep.best.throughputRps)} req/s, from N = ${sweep.best.connections}` : '';
  return ` Over N = ${ns.join(', ')} the knee is at N = ${sweep.knee.connections}: the concurrency limit is about ${formatConcurrency(sweep.knee.limit)}${best}.`;
}

function evidence(e: ConcurrencyEstimate, all: readonly ConcurrencyEstimate[], sweeps: readonly SweepAnalysis[]): Record<string, unknown> {
  const sweep = sweeps.find((s) => s.actor === e.actor);
  return {
    actor: e.actor,
    ...(e.step !== undefined ? { step: e.step } : {}),
    request: e.label,
    effectiveConcurrency: e.effectiveConcurrency !== undefined ? round(e.effectiveConcurrency, 2) : null,
    requestedConcurrency: e.connections,
    serviceTimeMs: e.serviceTimeMs !== undefined ? round(e.serviceTimeMs, 2) : null,
    serviceTimeSource: e.serviceTimeSource,
    throughputRps: e.throughputRps !== undefined ? round(e.throughputRps, 2) : null,
    ...(e.latencyUnderLoadMs !== undefined ? { latencyUnderLoadMs: round(e.latencyUnderLoadMs, 1) } : {}),
    ...estimateFacts(e),
    ...(e.workers ? { workers: e.workers } : {}),
    outcome: e.outcome,
    ...(e.reason ? { reason: e.reason } : {}),
    ...(sweep?.knee ? { knee: sweep.knee } : {}),
    measurements: all.map((m) => ({
      actor: m.actor,
      connections: m.connections,
      effectiveConcurrency: m.effectiveConcurrency !== undefined ? round(m.effectiveConcurrency, 2) : null,
      throughputRps: m.throughputRps !== undefined ? round(m.throughputRps, 2) : null,
      outcome: m.outcome,
    })),
  };
}

/** Every closed-model measurement; one-connection ones only when there is nothing else (they cannot show a limit). */
function estimatesOf(analysis: Analysis): ConcurrencyEstimate[] {
  const all = [...(analysis.loads ?? []), ...(analysis.sweeps ?? []).flatMap((s) => s.steps)];
  const multi = all.filter((e) => e.connections >= 2);
  return multi.length ? multi : all;
}

/** The most telling estimate with one of these outcomes: the largest N, then the lowest C/N. */
function pick(all: ConcurrencyEstimate[], outcomes: ConcurrencyEstimate['outcome'][]): ConcurrencyEstimate | undefined {
  const hits = all.filter((e) => outcomes.includes(e.outcome));
  const ratio = (e: ConcurrencyEstimate) => (e.effectiveConcurrency ?? 0) / e.connections;
  return hits.sort((a, b) => b.connections - a.connections || ratio(a) - ratio(b))[0];
}

/** Whether a probe of the run stalled while this measurement ran. */
function probeStalledDuring(analysis: Analysis, e: ConcurrencyEstimate): string | undefined {
  if (!e.window) return undefined;
  for (const a of analysis.stalls) {
    if (a.stalls.some((s) => s.startMs < e.window!.endMs && s.endMs > e.window!.startMs && s.selfLagMs < s.lengthMs / 2)) return a.label;
  }
  return undefined;
}

const perWorker = (e: ConcurrencyEstimate) => (e.workers && e.workers.values.length >= 2 ? e.workers : undefined);

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

export function judgeSerialized(analysis: Analysis): Verdict | undefined {
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
