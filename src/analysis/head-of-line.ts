// Head-of-line blocking, seen from outside (seed 004): fast requests (probes) in flight while a
// slow request was, which of them waited, for how long compared with the slow request's
// remaining time, and how that splits by the identity that answered (worker pid) and by whether
// the request went out on a new or a reused keep-alive connection.
import { LATE_ERRORS, latencyOf } from '../metrics/actor-recorder.js';
import type { RunData } from '../run-data/types.js';
import { maxLagDuring } from '../selfcheck/loop-lag.js';
import type { ActorSpec, ProbeSpec, Sample } from '../types.js';
import { stallThreshold } from './stalls.js';

export interface SlowRequest {
  actor: string;
  label: string;
  sentMs: number;
  endMs: number;
  /** Its value of the identity field (the worker that ran it), when its response had one. */
  identity?: string;
}

/** Fast requests in flight while a slow one was, and how many of them waited. */
export interface ExposedGroup {
  requests: number;
  delayed: number;
  maxDelayMs: number;
}

export interface HeadOfLineFacts {
  /** The identity field the breakdown uses (e.g. "pid"); undefined when the probes extract none. */
  field: string | undefined;
  /** The fast requests: probe name → "GET /2". */
  probes: Record<string, string>;
  slow: SlowRequest[];
  exposed: number;
  delayed: number;
  maxDelayMs: number;
  /** The slow request's remaining time when the most delayed request was due. */
  remainingAtMaxMs: number;
  /** Median, over the delayed requests, of (their answer − the end of the slow request they waited for). */
  answeredAfterSlowEndMs: number;
  byIdentity: Record<string, ExposedGroup>;
  byConnection: { new: ExposedGroup; reused: ExposedGroup; unknown: ExposedGroup };
  byProbe: Record<string, ExposedGroup & { thresholdMs: number }>;
  /** wobbly's own largest loop lag while the slow requests ran. */
  selfLagMs: number;
}

const group = (): ExposedGroup => ({ requests: 0, delayed: 0, maxDelayMs: 0 });

function count(g: ExposedGroup, delayed: boolean, delayMs: number): void {
  g.requests++;
  if (delayed) {
    g.delayed++;
    g.maxDelayMs = Math.max(g.maxDelayMs, delayMs);
  }
}

/** The identity field: the probes' first extract field that a slow request also has, else the probes' first. */
function chooseField(probes: ProbeSpec[], slowFields: Set<string>): string | undefined {
  const names = probes.flatMap((p) => Object.keys(p.extract));
  return names.find((n) => slowFields.has(n)) ?? names[0];
}

/**
 * Judged when the run has a request actor (the slow request) and a probe that extracts an
 * identity (the fast requests whose answers say which worker served them).
 */
export function analyseHeadOfLine(
  data: RunData,
  specs: ReadonlyMap<string, ActorSpec>,
  samples: ReadonlyMap<string, readonly Sample[]>,
  label: (spec: { method: string; path: string }) => string,
): HeadOfLineFacts | undefined {
  const probes: ProbeSpec[] = [];
  const slowSamples: { actor: string; label: string; s: Sample }[] = [];
  for (const actor of data.actors) {
    const spec = specs.get(actor.name)!;
    const log = samples.get(actor.name);
    if (spec.kind === 'probe' && Object.keys(spec.extract).length && log) probes.push(spec);
    if (spec.kind === 'request' && log) for (const s of log) slowSamples.push({ actor: actor.name, label: label(spec), s });
  }
  if (!probes.length || !slowSamples.length) return undefined;
  const field = chooseField(probes, new Set(slowSamples.flatMap(({ s }) => Object.keys(s.ids ?? {}))));
  const slow: SlowRequest[] = slowSamples.map(({ actor, label: l, s }) => ({
    actor,
    label: l,
    sentMs: s.sentMs,
    endMs: s.endMs,
    ...(field && s.ids?.[field] !== undefined ? { identity: s.ids[field] } : {}),
  }));

  const facts: HeadOfLineFacts = {
    field,
    probes: Object.fromEntries(probes.map((p) => [p.name, label(p)])),
    slow,
    exposed: 0,
    delayed: 0,
    maxDelayMs: 0,
    remainingAtMaxMs: 0,
    answeredAfterSlowEndMs: 0,
    byIdentity: {},
    byConnection: { new: group(), reused: group(), unknown: group() },
    byProbe: {},
    selfLagMs: Math.max(0, ...slow.map((w) => maxLagDuring(data.self.episodes, w.sentMs, w.endMs))),
  };
  const afterEnd: number[] = [];
  for (const probe of probes) {
    const calibration = data.calibration[probe.name];
    // Like the stall threshold, but from the unloaded median: one slow calibration request (a new
    // connection on a busy machine) must not hide delays of a few hundred ms.
    const thresholdMs = stallThreshold(calibration?.p50Ms ?? 0, probe.stallThresholdMs);
    const baseMs = calibration?.p50Ms ?? 0;
    const byProbe = (facts.byProbe[probe.name] = { ...group(), thresholdMs });
    for (const s of samples.get(probe.name)!) {
      if (s.error === 'unfinished') continue;
      // In flight at the same time as a slow request (due before it ended, answered after it was sent).
      const windows = slow.filter((w) => s.scheduledMs < w.endMs && s.endMs > w.sentMs);
      if (!windows.length) continue;
      // The slow request it waited for: the one whose end is closest to its answer.
      const w = windows.reduce((best, x) => (Math.abs(x.endMs - s.endMs) < Math.abs(best.endMs - s.endMs) ? x : best));
      const latency = latencyOf(s);
      if (latency === undefined) continue; // refused or reset: an error, not a wait
      const delayMs = Math.max(0, latency - baseMs);
      const delayed = latency > thresholdMs || (s.error !== undefined && LATE_ERRORS.has(s.error));
      facts.exposed++;
      count(byProbe, delayed, delayMs);
      const id = (field && s.ids?.[field]) || '(no answer)';
      count((facts.byIdentity[id] ??= group()), delayed, delayMs);
      count(facts.byConnection[s.reused === undefined ? 'unknown' : s.reused ? 'reused' : 'new'], delayed, delayMs);
      if (!delayed) continue;
      facts.delayed++;
      afterEnd.push(s.endMs - w.endMs);
      if (delayMs > facts.maxDelayMs) {
        facts.maxDelayMs = delayMs;
        facts.remainingAtMaxMs = w.endMs - s.scheduledMs;
      }
    }
  }
  afterEnd.sort((a, b) => a - b);
  facts.answeredAfterSlowEndMs = afterEnd.length ? afterEnd[Math.floor(afterEnd.length / 2)]! : 0;
  return facts;
}
