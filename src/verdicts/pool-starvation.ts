// Verdicts `pool-starvation` (seed 002) and `serialized` (seeds 003, 004), from the effective
// concurrency of every closed-model measurement of the run (loads, and each step of a sweep).
import type { Analysis } from '../analysis/analyse.js';
import type { ConcurrencyEstimate, SweepAnalysis } from '../analysis/concurrency.js';
import { RULES } from '../analysis/concurrency.js';
import { round } from '../format.js';
import { formatConcurrency, formatMs } from '../format.js';
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

function numbers(e: ConcurrencyEstimate): string {
  const S = e.serviceTimeMs!;
  const X = e.throughputRps!;
  const C = e.effectiveConcurrency!;
  return `throughput ${fmtRps(X)} req/s × unloaded service time ${formatMs(S)} = effective concurrency ${formatConcurrency(C)} of ${e.connections}`;
}

function waveText(e: ConcurrencyEstimate): string {
  const w = e.firstWave;
  if (w.group === 1) return `the first ${w.requests} requests came back one at a time, about ${formatMs(e.serviceTimeMs!)} apart`;
  return `the first ${w.requests} requests came back in waves of ${w.group ?? w.served} (${w.served} within ${formatMs(w.withinMs)})`;
}

function inconclusiveText(e: ConcurrencyEstimate): string {
  const N = e.connections;
  switch (e.reason) {
    case 'no-service-time':
      return e.calibrationStatus
        ? `${who(e)}: the calibration requests got HTTP ${e.calibrationStatus}, so the service time S is unknown: check the path, or declare serviceTime.`
        : `${who(e)}: no service time S (calibrate: 0 and no serviceTime): effective concurrency cannot be computed.`;
    case 'too-short':
      return `${who(e)}: the steady-state window (after the first and before the last S) held ${e.window?.requests ?? 0} requests, fewer than 2 × ${N}: run the load longer (at least ~10 × its latency${e.latencyUnderLoadMs ? `, ${formatMs(e.latencyUnderLoadMs)}` : ''}).`;
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
    ...(e.poolEstimate !== undefined ? { poolSizeEstimate: e.poolEstimate } : {}),
    ...(e.latencyUnderLoadMs !== undefined ? { latencyUnderLoadMs: round(e.latencyUnderLoadMs, 1) } : {}),
    firstWave: { requests: e.firstWave.requests, served: e.firstWave.served, withinMs: round(e.firstWave.withinMs, 1), ...(e.firstWave.group !== undefined ? { group: e.firstWave.group } : {}) },
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

function estimatesOf(analysis: Analysis): ConcurrencyEstimate[] {
  return [...(analysis.loads ?? []), ...(analysis.sweeps ?? []).flatMap((s) => s.steps)];
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

export function judgePoolStarvation(analysis: Analysis): Verdict | undefined {
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

export function judgeSerialized(analysis: Analysis): Verdict | undefined {
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
