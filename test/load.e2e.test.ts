// End to end: the real CLI's load actor against real loopback servers with known concurrency
// limits: pools of M slots with S = 200 ms, a server with no pool that is merely slower under load,
// and a probe that must stay accurate during a full-speed load. (The handler that blocks its event
// loop, serialized, is the demo target's /blocking: see demo.e2e.test.ts.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertPrinted, ROOT, runCli, startServer, stallServer, tempDir, within, type TestServer } from './helpers.js';
import type { LoadPhaseResult, RunResult } from '../src/result/types.js';
import { unexplainedMs } from '../src/verdicts/event-loop-stall.js';

let server: TestServer;
const dir = tempDir();

before(async () => {
  server = await startServer(join(ROOT, 'dist/test/servers/pool-server.js'));
});
after(async () => {
  await server.stop();
});

function scenarioFile(name: string, duration: string, actors: string[]): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [`name: ${name}`, `duration: ${duration}`, 'actors:', ...actors.map((a) => `  - ${a}`), ''].join('\n'));
  return file;
}

async function run(file: string, target = server.url): Promise<{ result: RunResult; stdout: string; code: number | null }> {
  const json = file.replace(/\.yaml$/, '.json');
  const r = await runCli(['run', file, '--target', target, '--json', json], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  return { result: JSON.parse(readFileSync(json, 'utf8')) as RunResult, stdout: r.stdout, code: r.code };
}

const loadOf = (r: RunResult, actor: string): LoadPhaseResult => r.actors[actor]!.load!;

test('pools of M = 1, 4, 10 slots (S = 200 ms): C within ±10% of M; clear when M ≥ N, and for a server merely slower under load at N = 50', async (t) => {
  const pools = scenarioFile('pools', '4s', [
    '{ name: m1, kind: load, path: "/pool/1?ms=200", connections: 3, calibrate: 3 }',
    '{ name: m4, kind: load, path: "/pool/4?ms=200", connections: 8, calibrate: 3 }',
    // two worker threads of 10 connections each: their first requests still leave together
    '{ name: m10, kind: load, path: "/pool/10?ms=200", connections: 20, calibrate: 3, workers: 2 }',
  ]);
  const clear = scenarioFile('clear', '4s', [
    '{ name: fits, kind: load, path: "/pool/10?ms=200&id=fits", connections: 10, calibrate: 3 }',
    // no pool; each request sleeps 200 ms + 1 ms per request in flight: 250 ms at N = 50
    '{ name: slower, kind: load, path: "/slower?ms=200&per=1", connections: 50, calibrate: 3 }',
  ]);
  const ab = scenarioFile('amount', '10s', ['{ name: ab, kind: load, path: /live, connections: 10, amount: 500, calibrate: 0, workers: 2, extract: { body: { from: body, regex: "(OK)" } } }']);
  // Timers only, little CPU: the three runs share the server without disturbing each other.
  const [p, c, n] = await Promise.all([run(pools), run(clear), run(ab)]);

  for (const [actor, M] of [['m1', 1], ['m4', 4], ['m10', 10]] as const) {
    const cc = loadOf(p.result, actor).concurrency;
    t.diagnostic(`M = ${M}: C = ${cc.effectiveConcurrency} (X ${cc.throughputRps} req/s × S ${cc.serviceTimeMs} ms), first wave ${cc.firstWave.served}/${cc.firstWave.requests}, ${cc.outcome}`);
    within(cc.effectiveConcurrency, M, '10%', `C of the pool of ${M}`);
    within(cc.serviceTimeMs, 200, '10%', 'S (ms)');
    assert.equal(cc.poolSizeEstimate, M);
    assert.equal(cc.outcome, M === 1 ? 'serialized' : 'pool');
  }
  const pool = p.result.verdicts.find((v) => v.id === 'pool-starvation')!;
  assert.equal(pool.status, 'detected');
  const e = pool.evidence as { actor: string; effectiveConcurrency: number; requestedConcurrency: number; serviceTimeMs: number; throughputRps: number; poolSizeEstimate?: number };
  // The verdict names the largest pool found: m10's 10 slots although 20 were sent.
  assert.equal(e.actor, 'm10');
  within(e.effectiveConcurrency, 10, '10%', 'C in the verdict');
  assert.equal(e.requestedConcurrency, 20);
  assert.equal(e.poolSizeEstimate ?? Math.round(e.effectiveConcurrency), 10);
  // C = X × S (Little's law), up to the rounding of the three figures.
  within((e.throughputRps * e.serviceTimeMs) / 1000, e.effectiveConcurrency, '1%', 'X × S');
  assert.equal(p.result.verdicts.find((v) => v.id === 'serialized')!.status, 'detected');
  // The ab-like summary, in the JSON and the terminal.
  const m4 = loadOf(p.result, 'm4');
  assert.equal(m4.connections, 8);
  assert.ok(m4.complete > 50 && m4.failed === 0, `m4 complete ${m4.complete}`);
  within(m4.requestsPerSec, 20, '15%', 'm4 req/s');
  within(m4.timePerRequestMs, 400, '15%', 'm4 time per request (ms)');
  assert.ok(m4.servedWithinMs['50']! >= 380 && m4.servedWithinMs['100']! < 1000, JSON.stringify(m4.servedWithinMs));
  // The terminal report (the ab-like sections among it) is the rendering of this result.
  assertPrinted(p.stdout, p.result);

  const fits = loadOf(c.result, 'fits').concurrency;
  const slower = loadOf(c.result, 'slower').concurrency;
  t.diagnostic(`M = N = 10: C = ${fits.effectiveConcurrency}; slower N = 50: C = ${slower.effectiveConcurrency}, latency ${slower.latencyUnderLoadMs} ms vs ${slower.serviceTimeMs} ms`);
  within(fits.effectiveConcurrency, 10, '10%', 'C when M = N = 10');
  assert.equal(fits.outcome, 'clear');
  // The trap: C is well under 0.9 N, but all 50 first requests came back within 1.5 S.
  assert.ok(slower.effectiveConcurrency! < 0.9 * 50, `C = ${slower.effectiveConcurrency}`);
  assert.equal(slower.firstWave.served, 50);
  assert.equal(slower.outcome, 'overhead');
  for (const id of ['pool-starvation', 'serialized']) assert.equal(c.result.verdicts.find((v) => v.id === id)!.status, 'clear', id);

  // ab -n: exactly the amount (shared by two threads), and the run ends when it is done.
  const amount = loadOf(n.result, 'ab');
  assert.equal(amount.complete, 500);
  assert.deepEqual(n.result.actors.ab!.identities, { body: { OK: 500 } });
  assert.equal(amount.unfinished, 0);
  assert.ok(n.result.durationMs < 10_000, `run lasted ${n.result.durationMs} ms`);
});

test('a probe in the same run as a full-speed load on a healthy server reports no stall', async (t) => {
  const file = scenarioFile('full-speed', '3s', ['{ name: probe, kind: probe, path: /live, rate: 100/s }', '{ name: load, kind: load, path: /live, connections: 50, calibrate: 3 }']);
  const { result } = await run(file);
  const load = loadOf(result, 'load');
  const probe = result.actors.probe!.summary;
  const v = result.verdicts.find((x) => x.id === 'event-loop-stall')!;
  const ev = v.evidence as { thresholdMs: number; machineLagMs: number; stalls: { lengthMs: number; selfLagMs: number }[] };
  t.diagnostic(`load ${load.requestsPerSec} req/s; probe p50 ${probe.latencyMs.p50} ms, p99 ${probe.latencyMs.p99} ms; wobbly's loop delay p99 ${result.self.eventLoopDelayP99Ms} ms; ${v.status}`);
  assert.ok(load.requestsPerSec > 1000, `the load ran at ${load.requestsPerSec} req/s`);
  assert.ok(probe.requests >= 280, `probes answered: ${probe.requests}`);
  assert.notEqual(v.status, 'detected', v.summary);
  // Inconclusive only where wobbly's own loop (not its load thread) and the machine explain the wait: the self-check, never a stall of the server.
  for (const s of ev.stalls) assert.ok(unexplainedMs(s, ev.machineLagMs) <= ev.thresholdMs, JSON.stringify(s));
  // No false pool-starvation either. An endpoint this fast says nothing about pools: inconclusive,
  // too fast to tell (2 ms unloaded) or wobbly's own load thread lagging first; on a machine busy
  // enough to slow its unloaded answers past "too fast" it is clear (seen beside a CPU hog), which
  // is true of a server without a pool.
  const pool = result.verdicts.find((x) => x.id === 'pool-starvation')!;
  assert.notEqual(pool.status, 'detected', pool.summary);
  if (pool.status === 'inconclusive') assert.ok(['too-fast', 'client-bound'].includes((pool.evidence as { reason?: string }).reason ?? ''), pool.summary);
});

test('a target that dies under load: the run stops, the results so far are kept, exit 3', async () => {
  const victim = await stallServer();
  try {
    const file = scenarioFile('dies', '10s', ['{ name: load, kind: load, path: /live, connections: 5, calibrate: 0 }', '{ name: bye, kind: request, path: /exit, at: 500ms }']);
    const json = join(dir, 'dies.json');
    const r = await runCli(['run', file, '--target', victim.url, '--json', json, '--quiet'], { timeoutMs: 30_000 });
    assert.equal(r.code, 3, r.stderr);
    const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
    assert.equal(result.partial, true);
    assert.equal(result.stoppedBy, 'target-down');
    assert.ok(result.durationMs < 5000, `stopped after ${result.durationMs} ms`);
    assert.ok(result.actors.load!.summary.requests > 0);
  } finally {
    await victim.stop();
  }
});
