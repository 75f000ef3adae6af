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
}

export interface InFlightWindow {
  actor: string;
  /** What was in flight, for sentences: "GET /heavy". */
  label: string;
  startMs: number;
  endMs: number;
}

/** Default threshold (DESIGN.md §2): max(100 ms, 10 × the probe's unloaded p99). */
export function stallThreshold(unloadedP99Ms: number, declared?: number): number {
  return declared ?? Math.max(100, 10 * unloadedP99Ms);
}

function isLate(s: Sample, thresholdMs: number): boolean {
  // Cut short by the end of the run: late only if it had already waited past the threshold.
  if (s.error === 'unfinished') return s.endMs - s.scheduledMs > thresholdMs;
  if (s.error && LATE_ERRORS.has(s.error)) return true; // timed out, or could not even be sent
  if (s.status === 0) return false; // refused/reset: an error, not a stall
  return s.endMs - s.scheduledMs > thresholdMs;
}

export function findStalls(probes: readonly Sample[], thresholdMs: number, windows: readonly InFlightWindow[]): Stall[] {
  const ordered = [...probes].sort((a, b) => a.scheduledMs - b.scheduledMs);
  const stalls: Stall[] = [];
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
    stalls.push({ startMs, endMs, lengthMs, probesAffected: run.length, during });
    run = [];
  };
  for (const s of ordered) {
    if (isLate(s, thresholdMs)) run.push(s);
    else close();
  }
  close();
  return mergeOverlapping(stalls);
}

/**
 * While a server drains its backlog, an early probe may be answered in time between late ones:
 * runs of late probes whose intervals overlap are one stall, not several.
 */
function mergeOverlapping(stalls: Stall[]): Stall[] {
  const out: Stall[] = [];
  for (const s of stalls) {
    const last = out[out.length - 1];
    if (last && s.startMs <= last.endMs) {
      last.endMs = Math.max(last.endMs, s.endMs);
      last.lengthMs = Math.max(last.lengthMs, s.lengthMs);
      last.probesAffected += s.probesAffected;
      last.during = [...new Set([...last.during, ...s.during])];
    } else out.push({ ...s });
  }
  return out;
}
