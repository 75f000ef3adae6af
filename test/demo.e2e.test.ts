// `wobbly demo` as a newcomer runs it: the built-in target, the built-in scenarios, a detected stall.
// One demo run shared by the assertions; it runs the scenarios no other test covers against the
// demo target (the pool of 40, the streams and head-of-line blocking have their own end-to-end
// tests: load.e2e, compare.e2e, streams.e2e, head-of-line.e2e), and the 1.5 s stall everyone runs first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertPrinted, runCli, tempDir, unheldConcurrency, within } from './helpers.js';
import type { RunResult } from '../src/result/types.js';

const ONLY = ['liveness-during-heavy', 'serialized-handler', 'concurrency-sweep'];

test('wobbly demo finds the demo target\'s 1.5 s event-loop stall, its serialized handler and the knee of its pool of 4', async (t) => {
  const dir = tempDir();
  const r = await runCli(['demo', '--only', ONLY.join(','), '--json-dir', dir], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const read = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as RunResult;
  const verdict = (result: RunResult, id: string) => {
    const v = result.verdicts.find((x) => x.id === id);
    assert.ok(v, `verdict ${id} in ${result.verdicts.map((x) => x.id).join(', ')}`);
    return v;
  };
  const results = ONLY.map(read);
  // Every scenario's report is printed, each the rendering of its JSON result (wording: golden.test.ts).
  for (const result of results) assertPrinted(r.stdout, result);
  assert.ok(r.stdout.includes(`== demo: concurrency-sweep against the built-in target at ${results[2]!.target}`), r.stdout.slice(0, 300));

  // Seed 001's shape: /heavy blocks the loop for 1.5 s; the longest probe wait is that, within a probe interval and jitter.
  const stall = verdict(read('liveness-during-heavy'), 'event-loop-stall');
  assert.equal(stall.status, 'detected', stall.summary);
  within((stall.evidence as { longestStallMs: number }).longestStallMs, 1500, 75, 'longest stall (ms)');

  // Seeds 003/004: a handler that blocks the demo target's event loop (its /blocking): C ≈ 1, and the probe stalled meanwhile.
  const ser = read('serialized-handler');
  const sv = verdict(ser, 'serialized');
  t.diagnostic(sv.summary);
  assert.equal(sv.status, 'detected', sv.summary);
  within(ser.actors.load!.load!.concurrency.effectiveConcurrency, 1, '10%', 'C of the blocking handler');
  const loopStall = verdict(ser, 'event-loop-stall');
  assert.equal(loopStall.status, 'detected', loopStall.summary);
  assert.ok((loopStall.evidence as { stalls: { during: string[] }[] }).stalls.some((s) => s.during.includes('load')), 'the probe stalled while the load ran');

  // The sweep over N = 1…16 against the pool of 4: C follows N up to 4, then stays flat.
  const sweep = read('concurrency-sweep').actors.sweep!.sweep!;
  t.diagnostic(sweep.steps.map((s) => `N=${s.connections} C=${s.concurrency.effectiveConcurrency} S=${s.concurrency.serviceTimeMs} L=${s.concurrency.latencyUnderLoadMs}`).join(', '));
  assert.deepEqual(sweep.knee, { connections: 8, limit: 4 });
  for (const s of sweep.steps) {
    const c = s.concurrency;
    // Up to the pool no request waits: C = N × S / L, which is N unless the CPU-starved target
    // answered slower than it calibrated (C 3.56 for N = 4 once, L 1.12 S).
    if (s.connections <= 4) within(c.effectiveConcurrency, unheldConcurrency(s.connections, c), '10%', `C at N = ${s.connections}: N × S / L`);
    // Beyond it the answers come in waves of 4 (their size counted, whatever the CPU did to S), or C rounds to 4.
    else assert.equal(c.poolSizeEstimate ?? Math.round(c.effectiveConcurrency ?? 0), 4, `the pool at N = ${s.connections}: ${JSON.stringify(c)}`);
  }
});
