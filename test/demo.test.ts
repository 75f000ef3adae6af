// `wobbly demo` as a newcomer runs it: the built-in target, the built-in scenarios, a detected stall.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './helpers.js';
import type { RunResult } from '../src/result/types.js';

test('wobbly demo finds the demo target\'s 1.5 s event-loop stall, its pool of 40, its serialized handler and the knee of its pool of 4', async (t) => {
  const dir = tempDir();
  const r = await runCli(['demo', '--json-dir', dir], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /== demo: liveness-during-heavy against the built-in target at http:\/\/127\.0\.0\.1:\d+/);
  assert.match(r.stdout, /DETECTED\s+event-loop-stall\s+The server stopped answering GET \/live for 1\.5\d s/);
  const result = JSON.parse(readFileSync(join(dir, 'liveness-during-heavy.json'), 'utf8')) as RunResult;
  const v = result.verdicts.find((x) => x.id === 'event-loop-stall')!;
  assert.equal(v.status, 'detected');
  const longest = (v.evidence as { longestStallMs: number }).longestStallMs;
  assert.ok(Math.abs(longest - 1500) <= 75, `longest stall ${longest}`);
  // Streams and head-of-line blocking (issue 4): rotating threads hop, a stable stream does not;
  // one worker delays every fast request; with two, only keep-alive ones pinned to the busy worker.
  const verdict = (file: string, id: string) => (JSON.parse(readFileSync(join(dir, file), 'utf8')) as RunResult).verdicts.find((x) => x.id === id)!;
  assert.equal(verdict('stream-thread-identity.json', 'thread-hopping').status, 'detected');
  assert.equal(verdict('stream-thread-identity--stable-stream.json', 'thread-hopping').status, 'clear');
  assert.equal(verdict('head-of-line.json', 'head-of-line-blocking').status, 'detected');
  const two = verdict('head-of-line--2-workers.json', 'head-of-line-blocking');
  const e = two.evidence as { byIdentity: Record<string, { delayed: number }>; byConnection: Record<string, { delayed: number }>; slow: { identity: string }[] };
  const delayedIds = Object.entries(e.byIdentity).filter(([, g]) => g.delayed > 0).map(([id]) => id);
  assert.ok(delayedIds.every((id) => id === e.slow[0]!.identity), `only the busy worker delays: ${JSON.stringify(e.byIdentity)}`);
  assert.ok(e.byConnection.new!.delayed <= 2, `new connections go to the free worker: ${JSON.stringify(e.byConnection)}`);
  assert.match(r.stdout, /== demo: head-of-line, 2 workers against/);

  const read = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as RunResult;
  const within = (actual: number | null | undefined, expected: number, share: number, what: string) =>
    assert.ok(typeof actual === 'number' && Math.abs(actual - expected) <= share * expected, `${what}: ${actual} is not within ±${share * 100}% of ${expected}`);

  // Seed 002: 50 concurrent requests against a pool of 40 (the demo runs its target with --pool 40).
  const pool = read('pool-starvation');
  const pv = pool.verdicts.find((x) => x.id === 'pool-starvation')!;
  t.diagnostic(pv.summary);
  assert.equal(pv.status, 'detected');
  within((pv.evidence as { effectiveConcurrency: number }).effectiveConcurrency, 40, 0.1, 'C of the pool of 40');
  assert.match(pv.summary, /although 50 were sent: a pool of about 40 \(FastAPI runs `def` endpoints .*40 tokens by default\)/);
  assert.match(r.stdout, /== demo: pool-starvation [\s\S]*Concurrency Level:\s+50[\s\S]*DETECTED\s+pool-starvation/);

  // Seeds 003/004: a handler that blocks the demo target's event loop (its /blocking).
  const ser = read('serialized-handler');
  const sv = ser.verdicts.find((x) => x.id === 'serialized')!;
  t.diagnostic(sv.summary);
  assert.equal(sv.status, 'detected');
  within(ser.actors.load!.load!.concurrency.effectiveConcurrency, 1, 0.1, 'C of the blocking handler');
  assert.equal(ser.verdicts.find((x) => x.id === 'event-loop-stall')!.status, 'detected');
  assert.match(sv.summary, /stalled meanwhile: the event loop itself was blocked/);

  // The sweep over N = 1…16 against the pool of 4: C follows N up to 4, then stays flat.
  const sweep = read('concurrency-sweep').actors.sweep!.sweep!;
  t.diagnostic(sweep.steps.map((s) => `N=${s.connections} C=${s.concurrency.effectiveConcurrency}`).join(', '));
  assert.deepEqual(sweep.knee, { connections: 8, limit: 4 });
  for (const s of sweep.steps) within(s.concurrency.effectiveConcurrency, Math.min(s.connections, 4), 0.1, `C at N = ${s.connections}`);
  assert.match(r.stdout, /knee at N = 8: the server handles at most ~4 requests at once/);
});
