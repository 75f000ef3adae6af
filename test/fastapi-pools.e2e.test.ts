// Seeds 002 and 003 on real FastAPI under uvicorn: the pool behind each endpoint, estimated from
// outside, equals the configured size; a blocking `async def` is serialized; asyncio.sleep is clear.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, unheldConcurrency, within } from './helpers.js';
import { FASTAPI_FIXTURES, requirePythonStack } from './fastapi.js';
import type { RunResult } from '../src/result/types.js';

const dir = tempDir();
const SCENARIO = join(FASTAPI_FIXTURES, 'pools.yaml');
before(requirePythonStack);

async function run(name: string, args: string[]): Promise<RunResult> {
  const json = join(dir, `${name}.json`);
  const r = await runCli(['run', SCENARIO, ...args, '--json', json], { timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return JSON.parse(readFileSync(json, 'utf8')) as RunResult;
}

function concurrency(r: RunResult, id: 'pool-starvation' | 'serialized') {
  const v = r.verdicts.find((x) => x.id === id)!;
  assert.ok(v, `${id} in ${r.verdicts.map((x) => x.id)}`);
  const e = v.evidence as { effectiveConcurrency: number; requestedConcurrency: number; poolSizeEstimate?: number; serviceTimeMs: number | null; latencyUnderLoadMs?: number };
  return { v, c: e.effectiveConcurrency, e };
}

test('def endpoint: anyio\'s 40 tokens; ANYIO_TOKENS=10: 10', async () => {
  // Two uvicorn servers side by side: threads sleeping 500 ms, little CPU.
  const [sync, small] = await Promise.all([run('sync', []), run('sync-10', ['--server-env', 'ANYIO_TOKENS=10'])]);
  const a = concurrency(sync, 'pool-starvation');
  assert.equal(a.v.status, 'detected', a.v.summary);
  within(a.c, 40, '10%', '/sync, default limiter');
  assert.equal(a.e.requestedConcurrency, 50);
  // The pool the sentence names: the first wave's size, whose edge can blur by scheduler jitter like C.
  within(a.e.poolSizeEstimate ?? Math.round(a.c), 40, '10%', 'the pool the sentence names');
  assert.match(a.v.hint, /total_tokens/);

  const b = concurrency(small, 'pool-starvation');
  within(b.c, 10, '10%', '/sync, ANYIO_TOKENS=10');
});

/** The executor and asyncio.sleep runs are independent and sleep-bound: started together, each test awaits its own. */
let sideBySide: Promise<[RunResult, RunResult]> | undefined;
const executorAndAsync = () =>
  (sideBySide ??= Promise.all([
    // 6 threads × 200 ms: 30 req/s; 8 s holds enough whole waves for a steady window.
    run('executor', ['--set', 'path=/executor?ms=200', '--set', 'duration=8s']),
    run('async', ['--set', 'path=/async?ms=500']),
  ]));

test('run_in_executor(None, ...): the default executor, min(32, cpu + 4) threads', async () => {
  const [r] = await executorAndAsync();
  const { v, c, e } = concurrency(r, 'pool-starvation');
  assert.equal(v.status, 'detected', v.summary);
  within(c, Math.min(32, cpus().length + 4), '10%', '/executor');
  within(e.poolSizeEstimate ?? Math.round(c), Math.min(32, cpus().length + 4), '10%', 'the pool the sentence names');
  assert.match(v.hint, /min\(32, os\.cpu_count\(\) \+ 4\)/);
});

test('await asyncio.sleep: no pool, clear', async () => {
  const [, r] = await executorAndAsync();
  const { v, c, e } = concurrency(r, 'pool-starvation');
  assert.equal(v.status, 'clear', v.summary);
  // 50 connections never held back: C = N × S / L (beside a CPU hog it read 44.65, under 0.9 N).
  within(c, unheldConcurrency(50, e), '10%', `/async: N × S / L (S ${e.serviceTimeMs} ms, L ${e.latencyUnderLoadMs} ms)`);
});

test('seed 003: time.sleep inside async def is serialized; the def twin is not', async () => {
  // Two servers side by side: 5 and 20 requests/s of sleeping, little CPU.
  const [blocking, def] = await Promise.all([
    run('blocking', ['--set', 'app=blocking_async', '--set', 'path=/ping-blocking?ms=200', '--set', 'connections=4']),
    run('def', ['--set', 'app=blocking_async', '--set', 'path=/ping-def?ms=200', '--set', 'connections=4']),
  ]);
  const s = concurrency(blocking, 'serialized');
  assert.equal(s.v.status, 'detected', s.v.summary);
  within(s.c, 1, '10%', '/ping-blocking');

  const d = concurrency(def, 'serialized');
  assert.equal(d.v.status, 'clear', d.v.summary);
  // Four connections never held back (a busy machine once read C 4.62: S calibrated slow).
  within(d.c, unheldConcurrency(4, d.e), '10%', `/ping-def: N × S / L (S ${d.e.serviceTimeMs} ms, L ${d.e.latencyUnderLoadMs} ms)`);
});
