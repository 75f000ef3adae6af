// Stalls, seen from outside: maximal runs of consecutive probes (in scheduled order) that got no
// answer within the threshold. A stall's length is the longest probe latency inside it; its
// attribution is the other requests that were in flight meanwhile.
import { latencyOf, LATE_ERRORS } from '../metrics/actor-recorder.js';
import type { Sample } from '../types.js';

export interface Stall {
  startMs: number;
  endMs: number;
  lengthMs: number;
  probesAffected: number;
  /** Actor names with a request in flight during the stall. */
  during: string[];
  /**
   * With several workers (the probe extracts an identity such as pid): the identities of the
   * late probes, and those of probes answered in time meanwhile. Unset without identities.
   */
  workers?: { field: string; stalled: string[]; answering: string[] };
}

export interface InFlightWindow {
  actor: string;
  /** What was in flight, for sentences: "GET /heavy". */
  label: string;
  startMs: number;
  endMs: number;
}

/**
 * Default threshold (DESIGN.md §2): max(100 ms, 10 × the probe's unloaded p99), but no more
 * than the probe's timeout (a probe that timed out is late; beyond the timeout none could be).
 */
export function stallThreshold(unloadedP99Ms: number, declared?: number, timeoutMs = Infinity): number {
  return declared ?? Math.min(timeoutMs, Math.max(100, 10 * unloadedP99Ms));
}

function isLate(s: Sample, thresholdMs: number): boolean {
  // Cut short by the end of the run: late only if it had already waited past the threshold.
  if (s.error === 'unfinished') return s.endMs - s.scheduledMs > thresholdMs;
  if (s.error && LATE_ERRORS.has(s.error)) return true; // timed out, or could not even be sent
  if (s.status === 0) return false; // refused/reset: an error, not a stall
  return s.endMs - s.scheduledMs > thresholdMs;
}

type Run = Stall & { late: Sample[] };

export function findStalls(probes: readonly Sample[], thresholdMs: number, windows: readonly InFlightWindow[]): Stall[] {
  const ordered = [...probes].sort((a, b) => a.scheduledMs - b.scheduledMs);
  const stalls: Run[] = [];
  let run: Sample[] = [];
  const close = () => {
    if (!run.length) return;
    const startMs = run[0]!.scheduledMs;
    let endMs = 0;
    let lengthMs = 0;
    for (const s of run) {
      endMs = Math.max(endMs, s.endMs);
      lengthMs = Math.max(lengthMs, latencyOf(s) ?? s.endMs - s.scheduledMs);
    }
    const during = [...new Set(windows.filter((w) => w.startMs < endMs && w.endMs > startMs).map((w) => w.actor))];
    stalls.push({ startMs, endMs, lengthMs, probesAffected: run.length, during, late: run });
    run = [];
  };
  for (const s of ordered) {
    if (isLate(s, thresholdMs)) run.push(s);
    else close();
  }
  close();
  // A run of late probes whose longest wait is under the threshold is no stall (probes missed or
  // cut short early, while the threshold is huge: a probe whose unloaded p99 is seconds).
  return mergeOverlapping(stalls)
    .filter((st) => st.lengthMs >= thresholdMs)
    .map(({ late, ...st }) => withWorkers(st, late, ordered, thresholdMs));
}

/** The identity field that tells workers apart (pid, worker, …), else the first one. */
function workerField(samples: readonly Sample[]): string | undefined {
  const fields = new Set<string>();
  for (const s of samples) for (const k of Object.keys(s.ids ?? {})) fields.add(k);
  const all = [...fields];
  return all.find((f) => /pid|worker|process/i.test(f)) ?? all[0];
}

function withWorkers(st: Stall, late: readonly Sample[], all: readonly Sample[], thresholdMs: number): Stall {
  const field = workerField(all);
  if (!field) return st;
  const stalled = new Set(late.map((s) => s.ids?.[field]).filter((v): v is string => v !== undefined));
  const answering = new Set<string>();
  for (const s of all) {
    const v = s.ids?.[field];
    if (v === undefined || stalled.has(v) || isLate(s, thresholdMs)) continue;
    if (s.endMs >= st.startMs && s.endMs <= st.endMs) answering.add(v);
  }
  if (!stalled.size) return st;
  return { ...st, workers: { field, stalled: [...stalled].sort(), answering: [...answering].sort() } };
}

/**
 * While a server drains its backlog, an early probe may be answered in time between late ones:
 * runs of late probes whose intervals overlap are one stall, not several.
 */
function mergeOverlapping(stalls: Run[]): Run[] {
  const out: Run[] = [];
  for (const s of stalls) {
    const last = out[out.length - 1];
    if (last && s.startMs <= last.endMs) {
      last.endMs = Math.max(last.endMs, s.endMs);
      last.lengthMs = Math.max(last.lengthMs, s.lengthMs);
      last.probesAffected += s.probesAffected;
      last.during = [...new Set([...last.during, ...s.during])];
      last.late = [...last.late, ...s.late];
    } else out.push({ ...s, late: [...s.late] });
  }
  return out;
}
