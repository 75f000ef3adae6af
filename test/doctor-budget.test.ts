// The doctor's budget, on a virtual clock: whatever the endpoints, the measurements it starts fit in
// --budget (each scenario's deadline counted in full), they only call the selected operations, and
// the split is fair (no endpoint is left without its service time while others got everything).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, type DoctorDeps } from '../src/doctor/diagnose.js';
import type { Operation } from '../src/doctor/openapi.js';
import type { RunResult } from '../src/result/types.js';
import type { Scenario } from '../src/types.js';
import { actor } from './fixtures/results.js';

/** A fake service: every endpoint answers in its S; a measurement takes its whole deadline, plus 300 ms. */
function fakeService(serviceMs: Record<string, number>) {
  let now = 0;
  const runs: Scenario[] = [];
  const deps: DoctorDeps = {
    now: () => now,
    progress: () => undefined,
    sleep: async (ms) => {
      now += ms;
    },
    stopped: () => false,
    measure: async (s) => {
      runs.push(s);
      const call = s.actors.find((a) => a.name === 'call');
      const S = serviceMs[s.actors[0]!.path]!;
      // A lone call ends when answered (or at its timeout); the others last to their deadline.
      now += (s.name === 'doctor-call' ? Math.min(S, call!.timeoutMs) : s.durationMs) + 300;
      const actors: RunResult['actors'] = {};
      for (const a of s.actors) {
        const S = serviceMs[a.path]!;
        const timedOut = S > a.timeoutMs;
        const result = actor(a.kind, { requests: 1, failures: timedOut ? 1 : 0, rps: 1, latency: { p50: S, max: S } });
        if (timedOut) Object.assign(result.summary, { statusCodes: {}, errors: { timeout: 1 } });
        actors[a.name] = result;
      }
      return { actors, verdicts: [], durationMs: s.durationMs, partial: false } as unknown as RunResult;
    },
  };
  return { deps, runs, elapsed: () => now };
}

const ops = (n: number, slowMs: number): { operations: Operation[]; service: Record<string, number> } => {
  const operations: Operation[] = [];
  const service: Record<string, number> = { '/health': 2 };
  operations.push({ method: 'GET', template: '/health', path: '/health', headers: {} });
  for (let i = 0; i < n; i++) {
    operations.push({ method: 'GET', template: `/e${i}`, path: `/e${i}`, headers: {} });
    service[`/e${i}`] = slowMs;
  }
  return { operations, service };
};

for (const [budgetMs, endpoints, slowMs] of [[10_000, 5, 200], [30_000, 20, 300], [90_000, 40, 1000], [30_000, 3, 5000]] as const) {
  test(`budget ${budgetMs / 1000} s, ${endpoints} endpoints of ${slowMs} ms: within it, only the selected paths`, async () => {
    const { operations, service } = ops(endpoints, slowMs);
    const fake = fakeService(service);
    const report = await diagnose({ target: { base: 'http://127.0.0.1:1', headers: {} }, operations, skipped: [], budgetMs, openapi: null }, fake.deps);
    assert.ok(fake.elapsed() <= budgetMs, `virtual time ${fake.elapsed()} ms of ${budgetMs}`);
    assert.equal(report.elapsedMs, fake.elapsed());
    assert.equal(report.measurements, fake.runs.length);
    const allowed = new Set(operations.map((o) => o.path));
    for (const s of fake.runs) for (const a of s.actors) assert.ok(allowed.has(a.path) && a.method === 'GET', `${a.method} ${a.path}`);
    // Fair: the survey reaches every endpoint before any gets a deeper measurement.
    const firstDeep = fake.runs.findIndex((s) => s.name !== 'doctor-call');
    const surveyed = new Set(fake.runs.slice(0, firstDeep < 0 ? undefined : firstDeep).flatMap((s) => s.actors.map((a) => a.path)));
    assert.equal(surveyed.size, operations.length, 'every endpoint had its service time measured first');
    assert.equal(report.endpoints.length, operations.length);
  });
}
