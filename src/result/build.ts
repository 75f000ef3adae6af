// Raw run record + analysis + verdicts → the JSON result of DESIGN.md §5.
import type { RunRecord } from '../engine/run.js';
import type { ActorRecorder } from '../metrics/actor-recorder.js';
import { latencyOf } from '../metrics/actor-recorder.js';
import { round } from '../metrics/timeline.js';
import type { Analysis } from '../analysis/analyse.js';
import { requestLabel } from '../analysis/analyse.js';
import type { Verdict } from '../types.js';
import { VERSION } from '../version.js';
import type { ActorResult, ExpectationResult, RunResult } from './types.js';
import { streamSummary } from './stream-summary.js';
import { phaseResult, sweepResult } from './load-summary.js';
import { toBlocks } from '../baseline/blocks.js';

export function summarise(rec: ActorRecorder, runMs: number): ActorResult['summary'] {
  const l = rec.latency;
  return {
    requests: rec.requests,
    failures: rec.failures,
    unfinished: rec.unfinished,
    rps: runMs > 0 ? round((rec.requests - rec.failures) / (runMs / 1000), 2) : 0,
    bytes: rec.bytes,
    latencyMs: {
      // HDR answers with the top of a value's bucket, which can exceed the largest value seen.
      p50: round(Math.min(l.percentile(50), l.maxMs), 2),
      p90: round(Math.min(l.percentile(90), l.maxMs), 2),
      p99: round(Math.min(l.percentile(99), l.maxMs), 2),
      max: round(l.maxMs, 2),
      min: round(l.minMs, 2),
      mean: round(l.meanMs, 2),
    },
    statusCodes: Object.fromEntries([...rec.statusCodes].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
    errors: Object.fromEntries(rec.errors),
  };
}

export function buildResult(record: RunRecord, analysis: Analysis, verdicts: Verdict[], expectations: ExpectationResult[] = []): RunResult {
  const actors: Record<string, ActorResult> = {};
  for (const [name, rec] of record.actors) {
    const spec = record.specs.get(name)!;
    const result: ActorResult = {
      kind: spec.kind,
      request: requestLabel(spec),
      summary: summarise(rec, record.durationMs),
      timeline: rec.timeline.toJSON(record.durationMs),
      blocks: toBlocks(rec.timeline.wholeBuckets(record.durationMs), record.scenario.bucketMs),
      identities: Object.fromEntries([...rec.identities].map(([field, counts]) => [field, Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]))])),
    };
    if (spec.kind === 'probe') {
      const stalls = analysis.stalls.find((s) => s.probe === name);
      result.probe = {
        ratePerSec: spec.ratePerSec,
        unloadedP99Ms: round(stalls?.unloadedP99Ms ?? 0, 2),
        stallThresholdMs: round(stalls?.thresholdMs ?? 0, 1),
        missed: rec.errors.get('missed') ?? 0,
      };
    }
    if (spec.kind === 'stream' && rec.stream) result.stream = streamSummary(rec.stream, spec, record.durationMs);
    if (spec.kind === 'request' && rec.log) {
      result.requests = [...rec.log].map((s) => ({
        sentMs: round(s.sentMs, 1),
        endMs: round(s.endMs, 1),
        latencyMs: round(latencyOf(s) ?? s.endMs - s.sentMs, 1),
        status: s.status,
        ...(s.error ? { error: s.error } : {}),
      }));
    }
    const load = analysis.loads?.find((e) => e.actor === name);
    if (spec.kind === 'load' && load && rec.phases[0]) result.load = phaseResult(rec.phases[0], load);
    const sweep = analysis.sweeps?.find((a) => a.actor === name);
    if (spec.kind === 'sweep' && sweep) result.sweep = sweepResult(rec.phases, sweep);
    actors[name] = result;
  }
  const s = record.scenario;
  return {
    schemaVersion: 1,
    tool: { name: 'wobbly', version: VERSION },
    scenario: { name: s.name, description: s.description, source: s.source, params: s.params },
    target: s.target,
    startedAt: record.startedAt.toISOString(),
    durationMs: round(record.durationMs, 1),
    bucketMs: s.bucketMs,
    partial: record.partial,
    ...(record.stoppedBy ? { stoppedBy: record.stoppedBy } : {}),
    ...(record.targetDown ? { targetDown: { atMs: round(record.targetDown.atMs, 1), error: record.targetDown.error } } : {}),
    self: {
      eventLoopDelayP99Ms: round(record.selfLag.histogram.percentile(99), 2),
      eventLoopDelayMaxMs: round(record.selfLag.histogram.maxMs, 2),
    },
    actors,
    verdicts,
    expectations,
    pass: expectations.every((e) => e.pass),
  };
}
