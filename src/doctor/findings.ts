// From the RunResults of the doctor's measurements to one finding per endpoint: its category, the
// sentence with the numbers, a one-line fix, the command that reproduces it. Pure. Reads only the
// result's public JSON fields (verdicts' status and evidence, actors' summaries), not the analysis.
import type { RunResult } from '../result/types.js';
import type { VerdictStatus } from '../types.js';
import type { VerdictId } from '../verdicts/registry.js';
import { formatConcurrency, formatMs } from '../format.js';
import type { Operation } from './openapi.js';
import { CATEGORIES, type Category, type ConcurrencyFinding, type EndpointReport, type LoopBlock, type StreamFinding } from './report.js';

// VerdictId, not Verdict['id'] (a string): a misspelt id would find nothing, silently.
const verdict = (r: RunResult, id: VerdictId) => r.verdicts.find((v) => v.id === id);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** One call alone: its latency, status, error. */
export function callOutcome(r: RunResult): { latencyMs: number | null; status: number | null; error?: string } {
  const a = r.actors.call;
  if (!a) return { latencyMs: null, status: null, error: 'not sent' };
  const codes = Object.keys(a.summary.statusCodes).map(Number);
  const errors = Object.keys(a.summary.errors);
  const answered = a.summary.requests > a.summary.failures;
  return {
    latencyMs: answered ? a.summary.latencyMs.max : null,
    status: codes[0] ?? null,
    ...(errors.length ? { error: errors.join(', ') } : codes[0]! >= 400 ? { error: `HTTP ${codes[0]}` } : {}),
  };
}

/**
 * The probe's view of one call: only a stall while it was in flight counts. Streams are not in the
 * stalls' `during` lists: with `streamsFromMs`, a stall while they were open counts (until the
 * last event of streams that all ended; the whole run when one stayed open).
 */
export function loopBlockOf(r: RunResult, streamsFromMs?: number): LoopBlock {
  const streams = r.actors.stream?.stream;
  const streamsUntilMs = streams && streams.open === 0 && streams.events
    ? (streamsFromMs ?? 0) + streams.firstEventMs.max + streams.eventsPerStream.max * Math.max(streams.gapMs.max, 1) + 50
    : Infinity;
  const stall = verdict(r, 'event-loop-stall');
  const probe = r.actors.probe?.summary.latencyMs;
  const call = r.actors.call ? callOutcome(r).latencyMs : null;
  const stalls = Array.isArray(stall?.evidence.stalls) ? (stall.evidence.stalls as { startMs?: unknown; endMs?: unknown; lengthMs?: unknown; during?: unknown; selfLagMs?: unknown }[]) : [];
  const ours = stalls.filter((s) =>
    streamsFromMs !== undefined
      ? (num(s.endMs) ?? 0) > streamsFromMs && (num(s.startMs) ?? 0) < streamsUntilMs
      : Array.isArray(s.during) && s.during.includes('call'));
  const longest = ours.reduce((m, s) => Math.max(m, num(s.lengthMs) ?? 0), 0);
  // A stall with nothing of ours in flight (work left over in the server, a timer) is not this endpoint's.
  const status = stall?.status === 'detected' && !ours.length ? 'inconclusive' : (stall?.status ?? 'inconclusive');
  return {
    status,
    probeMaxMs: probe?.max ?? 0,
    probeP50Ms: probe?.p50 ?? 0,
    longestStallMs: ours.length ? longest : stall?.status === 'clear' ? 0 : null,
    selfLagMs: ours.reduce((m, s) => Math.max(m, num(s.selfLagMs) ?? 0), 0),
    callMs: call,
    ...traceOf('probeTraceMs', [...(r.actors.probe?.points ?? [])].sort((a, b) => a.t - b.t).map((p) => p.ms)),
  };
}

/** A sparkline's values: at most this many. */
export const TRACE_POINTS = 120;

/**
 * At most TRACE_POINTS values, each the worst of its run of neighbours (no answer counts as worst):
 * a stall or a late wave must survive the thinning.
 */
export function thinTrace(values: (number | null)[], max = TRACE_POINTS): (number | null)[] {
  if (values.length <= max) return values.map((v) => (v === null ? null : Math.round(v * 10) / 10));
  const out: (number | null)[] = [];
  for (let i = 0; i < max; i++) {
    const group = values.slice(Math.floor((i * values.length) / max), Math.floor(((i + 1) * values.length) / max));
    out.push(group.includes(null) ? null : Math.round(Math.max(...(group as number[])) * 10) / 10);
  }
  return out;
}

function traceOf<K extends string>(key: K, values: (number | null)[]): Partial<Record<K, (number | null)[]>> {
  return values.length ? ({ [key]: thinTrace(values) } as Record<K, (number | null)[]>) : {};
}

export function concurrencyOf(r: RunResult, amount: number): ConcurrencyFinding {
  const pool = verdict(r, 'pool-starvation');
  const serialized = verdict(r, 'serialized');
  const c = r.actors.load?.load?.concurrency;
  const e = pool?.evidence ?? {};
  return {
    connections: r.actors.load?.load?.connections ?? num(e.requestedConcurrency) ?? 0,
    amount,
    effectiveConcurrency: num(e.effectiveConcurrency) ?? c?.effectiveConcurrency ?? null,
    poolSizeEstimate: num(e.poolSizeEstimate) ?? c?.poolSizeEstimate ?? null,
    throughputRps: num(e.throughputRps) ?? c?.throughputRps ?? null,
    poolStatus: pool?.status ?? 'inconclusive',
    serializedStatus: serialized?.status ?? 'inconclusive',
    outcome: typeof e.outcome === 'string' ? e.outcome : (c?.outcome ?? null),
    reason: typeof e.reason === 'string' ? e.reason : (c?.reason ?? null),
    ...traceOf('firstWaveMs', c?.firstWave.answerMs ?? []),
  };
}

export function streamOf(r: RunResult, format: StreamFinding['format']): StreamFinding | undefined {
  const s = r.actors.stream?.stream;
  if (!s) return undefined;
  return {
    format,
    streams: s.streams,
    responded: s.responded,
    events: s.events,
    firstEventMs: { p50: s.firstEventMs.p50, max: s.firstEventMs.max },
    gapMs: { p50: s.gapMs.p50, max: s.gapMs.max },
  };
}

/** What the measurements of one endpoint add up to (before ranking). */
export interface Measured {
  op: Operation;
  serviceTimeMs: number | null;
  status: number | null;
  error?: string;
  /** The survey got no answer in time: the endpoint is too slow for the budget. */
  timedOut?: boolean;
  loopBlock?: LoopBlock;
  concurrency?: ConcurrencyFinding;
  stream?: StreamFinding;
  notes: string[];
}

export function categoryOf(m: Measured): Category {
  if (m.loopBlock?.status === 'detected') return 'stalls-loop';
  if (m.concurrency?.serializedStatus === 'detected') return 'serialized';
  if (m.concurrency?.poolStatus === 'detected') return 'pool-limited';
  if (m.timedOut) return 'not-measured';
  if (m.error || (m.status !== null && m.status >= 400)) return 'failing';
  const unsure = (s: VerdictStatus | undefined) => s === 'inconclusive';
  // Too fast to show a pool is no doubt about the endpoint: a few ms cannot hold a worker up.
  const tooFast = m.concurrency?.reason === 'too-fast';
  if (unsure(m.loopBlock?.status) || (!tooFast && (unsure(m.concurrency?.poolStatus) || unsure(m.concurrency?.serializedStatus)))) return 'inconclusive';
  if (!m.loopBlock && !m.concurrency && !m.stream && m.serviceTimeMs === null) return 'not-measured';
  return 'healthy';
}

/** Shell-quoted for POSIX shells: the path comes from the server and must stay one inert word. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

export function reproduceCommand(m: Measured, category: Category, base: string, probe: Operation | undefined, withHeaders: boolean): string {
  const url = shellQuote(base + m.op.path);
  const target = shellQuote(base);
  const set = (k: string, v: string) => `--set ${shellQuote(`${k}=${v}`)}`;
  const h = withHeaders ? " -H 'Authorization: …'" : '';
  const method = m.op.method !== 'GET' ? ` -m ${m.op.method}` : '';
  if (m.op.stream) return `wobbly run stream-thread-identity --target ${target} ${set('streamPath', m.op.path)} ${set('streams', '8')}`;
  switch (category) {
    case 'stalls-loop':
      return probe
        ? `wobbly run liveness-during-heavy --target ${target} ${set('probePath', probe.path)} ${set('heavyPath', m.op.path)}`
        : `wobbly ${url}${method} -n 24 -c 4${h}`;
    case 'serialized':
      return `wobbly ${url}${method} -n 24 -c 4${probe ? ` --probe ${shellQuote(probe.path)}` : ''}${h}`;
    case 'pool-limited':
      return `wobbly run concurrency-sweep --target ${target} ${set('path', m.op.path)} ${set('connections', '1,2,4,8,16,32,64')}`;
    default:
      return `wobbly ${url}${method} -c 50 -t 10s${probe ? ` --probe ${shellQuote(probe.path)}` : ''}${h}`;
  }
}

function poolFix(size: number | null): string {
  const n = size === null ? 'that many' : formatConcurrency(size);
  if (size !== null && Math.abs(size - 40) <= 4) return 'anyio\'s 40 threadpool tokens for `def` endpoints: raise `anyio.to_thread.current_default_thread_limiter().total_tokens` at startup, or make it `async def` with awaitable I/O';
  if (size !== null && size >= 5 && size <= 32) return `a pool of ${n}: if it is \`run_in_executor(None, …)\`/\`asyncio.to_thread\` (min(32, cpu + 4) threads), pass a ThreadPoolExecutor(max_workers=…) sized for your load; else raise that limiter, semaphore or connection pool`;
  return `a limit of ${n} (anyio tokens, a CapacityLimiter, a semaphore or a connection pool): size it for the concurrency you expect, or make the endpoint \`async def\` with awaitable I/O`;
}

export function describe(m: Measured, category: Category): { evidence: string; fix: string } {
  const S = m.serviceTimeMs === null ? 'unknown' : formatMs(m.serviceTimeMs);
  const c = m.concurrency;
  const cText = c && c.effectiveConcurrency !== null ? `effective concurrency ${formatConcurrency(c.effectiveConcurrency)} of ${c.connections}` : '';
  const lb = m.loopBlock;
  switch (category) {
    case 'stalls-loop':
      return {
        evidence: `one call (${formatMs(lb!.callMs ?? m.serviceTimeMs ?? 0)}) held the event loop: the probe waited up to ${formatMs(lb!.probeMaxMs)} (longest stall ${formatMs(lb!.longestStallMs ?? lb!.probeMaxMs)}); every other request of the worker waits meanwhile${cText ? `; ${cText}` : ''}`,
        fix: 'blocking work in `async def`: `await` an async equivalent, declare the endpoint `def`, or `await run_in_threadpool(fn)`; CPU-bound work: a ProcessPoolExecutor or more workers',
      };
    case 'pool-limited':
      return {
        evidence: `${cText} (pool ≈ ${c!.poolSizeEstimate ?? formatConcurrency(c!.effectiveConcurrency ?? 0)}), ${c!.throughputRps !== null ? `${c!.throughputRps.toFixed(1)} req/s` : ''} at S ${S} unloaded; the loop stayed free (probe max ${formatMs(lb?.probeMaxMs ?? 0)})`,
        fix: poolFix(c!.poolSizeEstimate ?? c!.effectiveConcurrency),
      };
    case 'serialized':
      return {
        evidence: `one request at a time: ${cText} at S ${S}, while the probe was answered (not the event loop)`,
        fix: 'a lock or a pool of one (threading.Lock, one DB connection, a CapacityLimiter(1)): remove or widen it, or run more workers',
      };
    case 'failing':
      return { evidence: `answered ${m.error ?? `HTTP ${m.status}`} unloaded: its timings say nothing until it answers`, fix: 'fix the error first (see the server log), or --exclude it' };
    case 'not-measured':
      return { evidence: m.notes[0] ?? 'not measured', fix: 'raise --budget, or measure it alone with the command' };
    case 'inconclusive':
      return { evidence: `S ${S}${cText ? `, ${cText}` : ''}: the measurement within the budget did not decide${c?.reason ? ` (${c.reason})` : ''}`, fix: 'run the command below, longer, to decide' };
    default: {
      const stream = m.stream ? `; ${m.stream.streams} streams: first event p50 ${formatMs(m.stream.firstEventMs.p50)}, gaps p50 ${formatMs(m.stream.gapMs.p50)}, max ${formatMs(m.stream.gapMs.max)}` : '';
      const loop = lb ? `; probe max ${formatMs(lb.probeMaxMs)} during a call` : '';
      return { evidence: `S ${S}${cText ? `, ${cText}` : ''}${loop}${stream}`, fix: '—' };
    }
  }
}

/** Worst first: by category, then the longest loop block, the lowest C/N, the slowest S. */
export function rank(endpoints: Omit<EndpointReport, 'rank'>[]): EndpointReport[] {
  const severity = (e: Omit<EndpointReport, 'rank'>) => {
    if (e.category === 'stalls-loop') return -(e.loopBlock?.probeMaxMs ?? 0);
    if (e.category === 'pool-limited' || e.category === 'serialized') return (e.concurrency?.effectiveConcurrency ?? 0) / (e.concurrency?.connections || 1);
    return -(e.serviceTimeMs ?? 0);
  };
  return [...endpoints]
    .sort((a, b) => CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) || severity(a) - severity(b) || a.path.localeCompare(b.path))
    .map((e, i) => ({ rank: i + 1, ...e }));
}
