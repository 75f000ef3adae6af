// Run data + analysis + verdicts → the JSON result of DESIGN.md §5.
import { round } from '../format.js';
import { latencyOf } from '../metrics/actor-recorder.js';
import { LatencyHistogram } from '../metrics/latency-histogram.js';
import { samplesOf } from '../metrics/sample-log.js';
import { Timeline } from '../metrics/timeline.js';
import type { Analysis } from '../analysis/analyse.js';
import { requestLabel } from '../analysis/analyse.js';
import type { CountsData, RunData } from '../run-data/types.js';
import type { Verdict } from '../types.js';
import { failedActors } from './request-failures.js';
import { VERSION } from '../version.js';
import type { ActorResult, ExpectationResult, RunResult } from './types.js';
import { streamSummary } from './stream-summary.js';
import { phaseResult, sweepResult } from './load-summary.js';
import { inFlightWindows, latencyDistribution, latencyHistogramBuckets, requestPoints } from './chart-data.js';
import { toBlocks } from '../baseline/blocks.js';

/** Counts with nothing in them: the shape of every actor summary (expectations read its fields). */
export const NO_COUNTS: CountsData = { requests: 0, failures: 0, unfinished: 0, bytes: 0, statusCodes: [], errors: [], latency: null };

export function summarise(counts: CountsData, runMs: number): ActorResult['summary'] {
  const l = LatencyHistogram.fromData(counts.latency);
  return {
    requests: counts.requests,
    failures: counts.failures,
    unfinished: counts.unfinished,
    rps: runMs > 0 ? round((counts.requests - counts.failures) / (runMs / 1000), 2) : 0,
    bytes: counts.bytes,
    latencyMs: {
      // HDR answers with the top of a value's bucket, which can exceed the largest value seen.
      p50: round(Math.min(l.percentile(50), l.maxMs), 2),
      p90: round(Math.min(l.percentile(90), l.maxMs), 2),
      p99: round(Math.min(l.percentile(99), l.maxMs), 2),
      max: round(l.maxMs, 2),
      min: round(l.minMs, 2),
      mean: round(l.meanMs, 2),
    },
    statusCodes: Object.fromEntries([...counts.statusCodes].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
    errors: Object.fromEntries(counts.errors),
  };
}

export function buildResult(data: RunData, analysis: Analysis, verdicts: Verdict[], expectations: ExpectationResult[] = []): RunResult {
  const actors: Record<string, ActorResult> = {};
  const specs = new Map(data.scenario.actors.map((a) => [a.name, a]));
  for (const a of data.actors) {
    const name = a.name;
    const spec = specs.get(name)!;
    const timeline = Timeline.fromData(a.timeline);
    const result: ActorResult = {
      kind: spec.kind,
      request: requestLabel(spec),
      summary: summarise(a.counts, data.durationMs),
      timeline: timeline.toJSON(data.durationMs),
      // From the saved per-bucket histograms, so `wobbly analyse` gives the same blocks.
      blocks: toBlocks(timeline.wholeBuckets(data.durationMs), a.timeline.bucketMs),
      identities: Object.fromEntries(a.identities.map(([field, counts]) => [field, Object.fromEntries([...counts].sort((x, y) => y[1] - x[1]))])),
    };
    const latency = LatencyHistogram.fromData(a.counts.latency);
    const distribution = latencyDistribution(latency);
    if (distribution) result.latencyDistribution = distribution;
    const histogram = spec.kind === 'load' || spec.kind === 'sweep' ? latencyHistogramBuckets(latency) : undefined;
    if (histogram) result.latencyHistogram = histogram;
    const samples = a.samples ? samplesOf(a.samples) : undefined;
    if (samples && (spec.kind === 'probe' || spec.kind === 'request')) result.points = requestPoints(samples, Object.keys(spec.extract)[0]);
    if (spec.kind === 'probe') {
      const stalls = analysis.stalls.find((s) => s.probe === name);
      result.probe = {
        ratePerSec: spec.ratePerSec,
        unloadedP99Ms: round(stalls?.unloadedP99Ms ?? 0, 2),
        stallThresholdMs: round(stalls?.thresholdMs ?? 0, 1),
        missed: a.counts.errors.find(([e]) => e === 'missed')?.[1] ?? 0,
      };
    }
    if (spec.kind === 'stream' && a.stream) result.stream = streamSummary(a.stream, spec, data.durationMs);
    if (spec.kind === 'request' && samples) {
      result.requests = samples.map((s) => ({
        sentMs: round(s.sentMs, 1),
        endMs: round(s.endMs, 1),
        latencyMs: round(latencyOf(s) ?? s.endMs - s.sentMs, 1),
        status: s.status,
        ...(s.error ? { error: s.error } : {}),
      }));
    }
    const load = analysis.loads?.find((e) => e.actor === name);
    if (spec.kind === 'load' && load && a.phases[0]) result.load = phaseResult(a.phases[0], load);
    const sweep = analysis.sweeps?.find((x) => x.actor === name);
    if (spec.kind === 'sweep' && sweep) result.sweep = sweepResult(a.phases, sweep);
    actors[name] = result;
  }
  const s = data.scenario;
  const lag = LatencyHistogram.fromData(data.self.loopLag);
  const failed = failedActors(actors, verdicts);
  return {
    schemaVersion: 1,
    tool: { name: 'wobbly', version: VERSION },
    scenario: { name: s.name, description: s.description, source: s.source, params: s.params },
    target: s.target,
    startedAt: data.startedAt,
    durationMs: round(data.durationMs, 1),
    ...(data.preflightMs !== undefined ? { preflightMs: round(data.preflightMs, 1) } : {}),
    bucketMs: s.bucketMs,
    partial: data.partial,
    ...(data.stoppedBy ? { stoppedBy: data.stoppedBy } : {}),
    ...(data.targetDown ? { targetDown: { atMs: round(data.targetDown.atMs, 1), error: data.targetDown.error } } : {}),
    self: {
      eventLoopDelayP99Ms: round(lag.percentile(99), 2),
      eventLoopDelayMaxMs: round(lag.maxMs, 2),
    },
    ...(data.server ? { server: structuredClone(data.server) } : {}),
    actors,
    verdicts,
    ...(failed.length ? { failedActors: failed } : {}),
    expectations,
    ...(analysis.windows.length ? { inFlight: inFlightWindows(analysis.windows) } : {}),
    pass: expectations.every((e) => e.pass) && failed.every((f) => f.explainedBy),
  };
}
