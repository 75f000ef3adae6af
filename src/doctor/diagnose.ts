// `wobbly doctor`: every selected endpoint measured within one time budget, split fairly.
//   1. survey: a few requests one at a time per endpoint → the unloaded service time S (≤ 25 % of it);
//   2. the cheapest endpoint becomes the probe;
//   3. one call of each beside the probe: how long it holds the event loop (about S each); the
//      streaming endpoints: a few streams beside the probe (first event, gaps, stalls);
//   4. N connections for a few S each (effective concurrency: a pool, serialized), each a fair
//      share of what is left, the slowest first, those that held the loop last (implied already).
// Each measurement is a Scenario run by `measure` (execute() in the CLI); a measurement that would
// not fit in what is left of the budget is not started, and the deadline of each caps it.
import type { RunResult } from '../result/types.js';
import { TargetUnreachableError } from '../engine/preflight.js';
import type { Scenario } from '../types.js';
import { VERSION } from '../version.js';
import { formatMs } from '../format.js';
import type { Operation, Skipped } from './openapi.js';
import { callScenario, concurrencyScenario, stallScenario, streamScenario, STALL_LEAD_MS, type DoctorTarget } from './scenarios.js';
import { callOutcome, categoryOf, concurrencyOf, describe, loopBlockOf, rank, reproduceCommand, streamOf, type Measured } from './findings.js';
import type { DoctorReport, LoopBlock } from './report.js';

export interface DoctorDeps {
  measure(scenario: Scenario): Promise<RunResult>;
  /** Monotonic ms. */
  now(): number;
  progress(line: string): void;
  sleep(ms: number): Promise<void>;
  /** Ctrl-C: stop starting measurements. */
  stopped(): boolean;
}

export interface DoctorInput {
  target: DoctorTarget;
  operations: Operation[];
  skipped: Skipped[];
  budgetMs: number;
  openapi: DoctorReport['openapi'];
}

/** Requests per endpoint in the survey (their median is S). */
const SURVEY_CALLS = 3;
const FAST_SURVEY_CALLS = 9;
const FAST_MS = 50;
const SURVEY_SHARE = 0.25;
/** A call shorter than this cannot hold the loop long enough for a 50/s probe to see it. */
const STALL_MIN_SERVICE_MS = 20;
/**
 * Below this the CPU and the network stack, not a pool, set the pace of a few connections (on a
 * busy 2-core machine a 5 ms endpoint read as "a pool of 1 to 5"), and a pool would not matter there.
 */
const CONCURRENCY_MIN_SERVICE_MS = 20;
/** Connections: enough to exceed the usual small pools (an executor of 6, a limiter of 4). */
const CONNECTIONS = 8;
/** When one call held the loop: serialized is expected, 4 connections show it with the fewest requests. */
const CONNECTIONS_WHEN_BLOCKING = 4;
const STREAMS = 2;
/** Streams are judged by their first events: a short window (a long one mostly collects a busy machine's hiccups). */
const STREAM_WINDOW_MS = [1500, 2500] as const;
/** execute()'s own time around a scenario (reachability, probe calibration, load threads): measured, this to begin with. */
const FIRST_OVERHEAD_MS = 400;
/** A single request needs no calibration nor load thread: a few ms. */
const FIRST_CALL_OVERHEAD_MS = 30;

export async function diagnose(input: DoctorInput, deps: DoctorDeps): Promise<DoctorReport> {
  const started = deps.now();
  const startedAt = new Date().toISOString();
  const { target, budgetMs } = input;
  // execute()'s own time around each kind of scenario, as measured so far.
  const overheads = new Map<string, number>();
  const overheadOf = (name: string) => overheads.get(name) ?? (name === 'doctor-call' ? FIRST_CALL_OVERHEAD_MS : FIRST_OVERHEAD_MS);
  let measurements = 0;
  let requestsSent = 0;
  let partial = false;
  let stoppedBy: DoctorReport['stoppedBy'];
  const left = () => budgetMs - (deps.now() - started);
  const ranOut = () => (stoppedBy === 'interrupt' ? 'interrupted' : stoppedBy === 'target-down' ? 'the service stopped answering' : 'the budget ran out');

  /** Runs a scenario if it fits in what is left; undefined when it does not (or after Ctrl-C). */
  const run = async (scenario: Scenario, label: string): Promise<RunResult | undefined> => {
    if (stoppedBy) return undefined;
    if (deps.stopped()) {
      partial = true;
      stoppedBy ??= 'interrupt';
      return undefined;
    }
    if (scenario.durationMs + overheadOf(scenario.name) > left()) return undefined;
    deps.progress(`${label} (up to ${formatMs(scenario.durationMs)}; ${formatMs(Math.max(0, left()))} of the budget left)`);
    const t = deps.now();
    let result: RunResult;
    try {
      result = await deps.measure(scenario);
    } catch (err) {
      // The service went away: keep what was measured, start nothing more.
      if (!(err instanceof TargetUnreachableError)) throw err;
      partial = true;
      stoppedBy = 'target-down';
      return undefined;
    }
    if (result.stoppedBy) {
      partial = true;
      stoppedBy = result.stoppedBy;
    }
    measurements++;
    for (const a of Object.values(result.actors)) requestsSent += a.summary.requests + a.summary.unfinished;
    overheads.set(scenario.name, Math.max(overheadOf(scenario.name) * 0.5, deps.now() - t - result.durationMs));
    return result;
  };

  const measured = new Map<Operation, Measured>(input.operations.map((op) => [op, { op, serviceTimeMs: null, status: null, notes: [] }]));
  const plain = input.operations.filter((op) => !op.stream);

  // 1. Survey: S of each plain endpoint, one request at a time, in rounds: every endpoint gets its
  // first call before any gets a second (each a fair share of what the survey has left).
  const surveyEnd = deps.now() + SURVEY_SHARE * budgetMs;
  const latencies = new Map<Operation, number[]>(plain.map((op) => [op, []]));
  const done = new Set<Operation>();
  const wanted = (op: Operation) => {
    const l = latencies.get(op)!;
    // A fast endpoint is asked more often: its calls are cheap and one hiccup weighs more.
    return l.length && median(l) < FAST_MS ? FAST_SURVEY_CALLS : SURVEY_CALLS;
  };
  for (let k = 0; k < FAST_SURVEY_CALLS; k++) {
    const round = plain.filter((op) => !done.has(op) && latencies.get(op)!.length === k && k < wanted(op));
    for (const [j, op] of round.entries()) {
      const m = measured.get(op)!;
      const l = latencies.get(op)!;
      // The first call of each may use the whole budget's fair share when the survey's is spent.
      const surveyShare = (surveyEnd - deps.now()) / (round.length - j);
      const share = k === 0 ? Math.max(surveyShare, Math.min(1000, left() / (round.length - j))) : surveyShare;
      const timeoutMs = Math.min(share, left()) - overheadOf('doctor-call');
      // The next call would not fit: S from those so far.
      if (timeoutMs < 50 || (l.length && 1.2 * Math.max(...l) > timeoutMs)) {
        done.add(op);
        continue;
      }
      const r = await run(callScenario(op, target, timeoutMs), `[${plain.indexOf(op) + 1}/${plain.length}] ${op.method} ${op.path}: service time, request ${k + 1}`);
      if (!r) {
        done.add(op);
        continue;
      }
      const out = callOutcome(r);
      m.status ??= out.status;
      if (out.error) {
        done.add(op);
        if (out.error.includes('timeout') && out.status === null) {
          m.timedOut = true;
          m.notes.push(`no answer within ${formatMs(timeoutMs)}, its share of the survey: too slow to measure within --budget ${formatMs(budgetMs)}`);
        } else m.error = out.error;
        continue;
      }
      if (out.latencyMs !== null) l.push(out.latencyMs);
    }
  }
  for (const op of plain) {
    const m = measured.get(op)!;
    const l = latencies.get(op)!;
    if (l.length) m.serviceTimeMs = median(l);
    else if (!m.error && !m.timedOut) m.notes.push(`the service time was not measured: ${ranOut()}`);
  }

  // 2. The probe: the cheapest GET that answered 2xx.
  const answered = plain.filter((op) => {
    const m = measured.get(op)!;
    return m.serviceTimeMs !== null && !m.error && m.status !== null && m.status < 400;
  });
  const probeOp = answered.filter((op) => op.method === 'GET').sort((a, b) => measured.get(a)!.serviceTimeMs! - measured.get(b)!.serviceTimeMs!)[0];

  // 3. One call of each beside the probe (cheap: about S each), and the streams.
  const bySpeed = [...answered].sort((a, b) => measured.get(a)!.serviceTimeMs! - measured.get(b)!.serviceTimeMs!);
  for (const [i, op] of bySpeed.entries()) {
    const m = measured.get(op)!;
    const S = m.serviceTimeMs!;
    if (!probeOp) m.notes.push('loop blocking not measured: no endpoint answered well enough to be the probe');
    else if (op === probeOp) m.notes.push('the probe itself');
    else if (S < STALL_MIN_SERVICE_MS) m.notes.push(`loop blocking not measured: a ${formatMs(S)} call is below the probe's resolution (20 ms)`);
    else {
      const once = async (again: string) => {
        const r = await run(stallScenario(op, probeOp, target, S), `[${i + 1}/${bySpeed.length}] ${op.method} ${op.path}: one call beside the probe${again}`);
        return r && loopBlockOf(r);
      };
      m.loopBlock = await confirmed(once);
      if (!m.loopBlock) m.notes.push(`loop blocking not measured: ${ranOut()}`);
    }
  }
  const streams = input.operations.filter((op) => op.stream);
  const concurrencyTargets = bySpeed.filter((op) => measured.get(op)!.serviceTimeMs! >= CONCURRENCY_MIN_SERVICE_MS);
  for (const [i, op] of streams.entries()) {
    const m = measured.get(op)!;
    const share = left() / (streams.length - i + concurrencyTargets.length);
    const windowMs = clamp(share - overheadOf('doctor-stream') - STALL_LEAD_MS, STREAM_WINDOW_MS[0], STREAM_WINDOW_MS[1]);
    const r = await run(streamScenario(op, probeOp, target, STREAMS, windowMs), `[${i + 1}/${streams.length}] ${op.method} ${op.path}: ${STREAMS} streams${probeOp ? ' beside the probe' : ''}`);
    if (!r) {
      m.notes.push(`not measured: the streams need ${formatMs(windowMs)} and the budget had ${formatMs(Math.max(0, left()))} left`);
      continue;
    }
    const s = streamOf(r, op.stream!);
    if (s) m.stream = s;
    m.status = Object.keys(r.actors.stream?.summary.statusCodes ?? {}).map(Number)[0] ?? null;
    if (s && s.responded < s.streams) m.error = Object.keys(r.actors.stream?.stream?.failedBy ?? {}).join(', ') || 'no 2xx response';
    if (probeOp) {
      const first = loopBlockOf(r, STALL_LEAD_MS);
      m.loopBlock = await confirmed(async (again) => {
        if (!again) return first;
        const retry = await run(streamScenario(op, probeOp, target, STREAMS, windowMs), `[${i + 1}/${streams.length}] ${op.method} ${op.path}: ${STREAMS} streams beside the probe${again}`);
        return retry && loopBlockOf(retry, STALL_LEAD_MS);
      });
    }
  }

  // 4. Effective concurrency, each a fair share of what is left (what one leaves goes to the next).
  // Those whose one call held the loop come last: one at a time is what that implies already.
  for (const m of bySpeed.map((op) => measured.get(op)!)) {
    if (m.serviceTimeMs! < CONCURRENCY_MIN_SERVICE_MS) m.notes.push(`effective concurrency not measured: ${formatMs(m.serviceTimeMs!)} is too fast for a pool to show (or matter) with a few connections`);
  }
  // The slowest first: a pool shows best where each request waits long; fast ones rarely show one.
  const blocks = (op: Operation) => measured.get(op)!.loopBlock?.status === 'detected';
  const slowest = [...concurrencyTargets].reverse();
  const ordered = [...slowest.filter((op) => !blocks(op)), ...slowest.filter(blocks)];
  for (const [i, op] of ordered.entries()) {
    const m = measured.get(op)!;
    const S = m.serviceTimeMs!;
    const blocking = blocks(op);
    const share = left() / (ordered.length - i) - overheadOf('doctor-concurrency');
    const plan = concurrencyPlan(S, blocking, share);
    const implied = blocking ? '; one call holding the loop for its whole length implies one request at a time' : '';
    if (!plan) {
      m.notes.push(`effective concurrency not measured: it needs about ${formatMs(minimumCost(S, blocking))} and the budget had ${formatMs(Math.max(0, share))} left for it${implied}`);
      continue;
    }
    const r = await run(concurrencyScenario(op, target, S, plan.connections, plan.amount, plan.capMs), `[${i + 1}/${ordered.length}] ${op.method} ${op.path}: ${plan.amount} requests over ${plan.connections} connections (about ${formatMs(plan.expectedMs)})`);
    if (!r) {
      m.notes.push(`effective concurrency not measured: ${ranOut()}${implied}`);
      continue;
    }
    m.concurrency = concurrencyOf(r, plan.amount);
    // Requests cut at the deadline still run in the server: let them drain before the next measurement.
    const unfinished = r.actors.load?.summary.unfinished ?? 0;
    const drainMs = Math.min(left(), Math.ceil(unfinished / Math.max(1, Math.floor(m.concurrency.effectiveConcurrency ?? 1))) * S);
    if (drainMs > 0) await deps.sleep(drainMs);
  }

  const base = target.base;
  const withHeaders = Object.keys(target.headers).length > 0;
  const endpoints = rank(
    [...measured.values()].map((m) => {
      const category = categoryOf(m);
      const { evidence, fix } = describe(m, category);
      return {
        method: m.op.method,
        template: m.op.template,
        path: m.op.path,
        category,
        serviceTimeMs: m.serviceTimeMs,
        status: m.status,
        ...(m.error ? { error: m.error } : {}),
        ...(m.loopBlock ? { loopBlock: m.loopBlock } : {}),
        ...(m.concurrency ? { concurrency: m.concurrency } : {}),
        ...(m.stream ? { stream: m.stream } : {}),
        evidence,
        fix,
        reproduce: reproduceCommand(m, category, base, probeOp, withHeaders),
        notes: m.notes,
      };
    }),
  );
  return {
    schemaVersion: 1,
    kind: 'doctor',
    tool: { name: 'wobbly', version: VERSION },
    target: base,
    startedAt,
    budgetMs,
    elapsedMs: Math.round(deps.now() - started),
    partial,
    ...(stoppedBy ? { stoppedBy } : {}),
    openapi: input.openapi,
    probe: probeOp ? { path: probeOp.path, serviceTimeMs: measured.get(probeOp)!.serviceTimeMs! } : null,
    measurements,
    requestsSent,
    endpoints,
    skipped: input.skipped,
  };
}

/**
 * A loop block is measured again when it was not clear: what the endpoint causes comes back,
 * a busy machine's hiccup (wobbly's own lag, the server descheduled) rarely does. The smaller of
 * the two is kept: noise only ever adds to a stall.
 */
async function confirmed(measure: (again: string) => Promise<LoopBlock | undefined>): Promise<LoopBlock | undefined> {
  const first = await measure('');
  if (!first || first.status === 'clear') return first;
  const second = await measure(' (again, to confirm)');
  if (!second) return first;
  const size = (b: LoopBlock) => (b.status === 'clear' ? -1 : (b.longestStallMs ?? b.probeMaxMs));
  return size(second) < size(first) ? second : first;
}

interface ConcurrencyPlan {
  connections: number;
  /** Requests in all (ab -n): a count, so that load threads slow to start on a busy machine cost no window. */
  amount: number;
  /** The scenario's deadline: the fair share; a slower server than expected is cut there. */
  capMs: number;
  /** How long it should take: serialized at one answer per S, else a pool of half N. */
  expectedMs: number;
}

/**
 * N and the requests: enough for the steady window (after the first S, before the last) to hold
 * max(2 N, 8) answers: 3 N + 4 requests one at a time when one call held the loop (serialized
 * expected); otherwise 7 N, so that even no pool at all (N answers per S) leaves 4 S of window,
 * 2 N of margin over the 2 N needed (5 N was just enough, and too short on a busy machine).
 */
function concurrencyPlan(S: number, blocking: boolean, shareMs: number): ConcurrencyPlan | undefined {
  const connections = blocking ? CONNECTIONS_WHEN_BLOCKING : CONNECTIONS;
  const amount = amountFor(blocking);
  const expectedMs = blocking ? amount * S : (amount / (connections / 2)) * S;
  // Room for a pool down to 2 (or twice the serial time); at least the expected time and one S.
  const capMs = Math.min(shareMs, (blocking ? 2 * amount : amount / 2) * S + 1000);
  if (capMs < minimumCost(S, blocking)) return undefined;
  return { connections, amount, capMs, expectedMs };
}

function amountFor(blocking: boolean): number {
  return blocking ? 3 * CONNECTIONS_WHEN_BLOCKING + 4 : 7 * CONNECTIONS;
}

/** The least a measurement is given: serialized at one answer per S, or a pool of half N. */
function minimumCost(S: number, blocking: boolean): number {
  const amount = amountFor(blocking);
  return (blocking ? amount : amount / (CONNECTIONS / 2)) * S + S;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
