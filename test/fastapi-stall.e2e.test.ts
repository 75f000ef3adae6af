// Seed 001 on real FastAPI under uvicorn: serialising a large response_model stalls the event
// loop; returning a pre-serialised Response (the seed's fix) shortens the stall.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './helpers.js';
import { FASTAPI_FIXTURES, requirePythonStack } from './fastapi.js';
import type { RunResult } from '../src/result/types.js';

const dir = tempDir();
before(requirePythonStack);

async function run(heavyPath: string, name: string): Promise<RunResult> {
  const json = join(dir, `${name}.json`);
  const r = await runCli(['run', join(FASTAPI_FIXTURES, 'large-response.yaml'), '--set', `heavyPath=${heavyPath}`, '--json', json], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return JSON.parse(readFileSync(json, 'utf8')) as RunResult;
}

test('seed 001: /clients stalls the event loop for most of its serialisation; /clients-fixed much less', async (t) => {
  // One after the other: serialising is CPU work, and with other test files running beside this one
  // two at once would wait for the CPU (seen: the fixed variant's stall then 585 ms against 747 ms).
  const slow = await run('/clients', 'clients');
  const fixed = await run('/clients-fixed', 'clients-fixed');
  const v = slow.verdicts.find((x) => x.id === 'event-loop-stall')!;
  assert.equal(v.status, 'detected', v.summary);
  const e = v.evidence as { longestStallMs: number; thresholdMs: number; stalls: { during: string[]; lengthMs: number }[] };
  const heavyMs = slow.actors.heavy!.requests![0]!.latencyMs;
  // The stalls are part of the request's own time (validation, then model → dict → JSON, on the loop),
  // and most of it: how long that takes depends on the machine (0.8 s quiet here, 2.8–5 s busy), so
  // the figures are relative to the request's own latency. A short await between the steps may split
  // the block into two stalls.
  const stalled = e.stalls.filter((s) => s.during.includes('heavy')).reduce((sum, s) => sum + s.lengthMs, 0);
  // Seen: 54–68 % of the request on a quiet machine, 25–45 % on a busy one (the server then also waits for the CPU).
  assert.ok(stalled >= 0.25 * heavyMs, `stalled ${stalled} ms of the request's ${heavyMs} ms`);
  assert.ok(e.longestStallMs >= 2 * e.thresholdMs, `longest stall ${e.longestStallMs} ms, threshold ${e.thresholdMs} ms`);
  assert.ok(e.longestStallMs <= heavyMs + 50, `stall ${e.longestStallMs} ms within the request's ${heavyMs} ms`);
  const longest = e.stalls.reduce((m, s) => (s.lengthMs > m.lengthMs ? s : m));
  assert.deepEqual(longest.during, ['heavy']);

  const vf = fixed.verdicts.find((x) => x.id === 'event-loop-stall')!;
  const fixedLongest = (vf.evidence as { longestStallMs: number }).longestStallMs;
  const fixedMs = fixed.actors.heavy!.requests![0]!.latencyMs;
  t.diagnostic(`/clients: ${heavyMs} ms, stalled ${stalled} ms, longest ${e.longestStallMs} ms; /clients-fixed: ${fixedMs} ms, longest ${fixedLongest} ms; own lag p99 ${slow.self.eventLoopDelayP99Ms} / ${fixed.self.eventLoopDelayP99Ms} ms`);
  // Serialised in the threadpool, the loop waits only while that thread holds the GIL: quiet runs
  // read 0–165 ms against 580–630 ms. (Beside a CPU hog the GIL holder loses the CPU and this
  // fails: 317 vs 467 ms, 1,911 vs 485 ms; open in issue 10.)
  assert.ok(fixedLongest < e.longestStallMs / 2, `fixed variant's longest stall ${fixedLongest} ms vs ${e.longestStallMs} ms`);
  assert.ok(fixed.server && slow.server, 'wobbly started and stopped uvicorn');
});
