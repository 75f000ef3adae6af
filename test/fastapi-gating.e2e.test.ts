// Issue 13's case on real FastAPI under uvicorn: a `def` endpoint behind 4 anyio tokens, 8
// connections, 6 s runs. The unchanged server passes against its own baseline (5 runs, so it
// knows how far p50 moves between runs: with 8 connections on 4 tokens the latencies are 200 or
// 400 ms, and which of the two the median lands on changes from run to run on a busy machine)
// 10 times out of 10; the same server made 50% slower (SLOWDOWN=1.5 in pools.py) fails.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './helpers.js';
import { FASTAPI_FIXTURES, requirePythonStack } from './fastapi.js';
import type { RunResult } from '../src/result/types.js';
import type { BaselineFile } from '../src/baseline/compare.js';

const dir = tempDir();
const SCENARIO = join(FASTAPI_FIXTURES, 'pools.yaml');
const ARGS = ['--set', 'path=/sync?ms=200', '--set', 'connections=8', '--set', 'duration=6s', '--server-env', 'ANYIO_TOKENS=4', '--max-regression', '15%', '--quiet'];
before(requirePythonStack);

const figures = (r: RunResult) =>
  r.baseline!.comparisons.map((c) => `${c.metric} ${(c.change * 100).toFixed(1)}% [${c.interval?.map((x) => (x * 100).toFixed(1)).join(', ') ?? '-'}] ${c.status}`).join(', ');

test('FastAPI def endpoint, 4 tokens: unchanged passes 10/10 against its baseline, 50% slower fails', async (t) => {
  const baseline = join(dir, 'baseline.json');
  let r = await runCli(['run', SCENARIO, ...ARGS.filter((a) => a !== '--max-regression' && a !== '15%'), '--save-baseline', baseline, '--repeat', '5'], { timeoutMs: 300_000 });
  assert.equal(r.code, 0, r.stderr);
  const base = JSON.parse(readFileSync(baseline, 'utf8')) as BaselineFile;
  assert.equal(base.baselineRuns!.length, 5);
  const p50 = base.actors.load!.summary.latencyMs.p50;
  assert.ok(p50 >= 200 && p50 < 520, `200 ms of service, up to one request ahead in the pool (p50 ${p50} ms)`);

  for (let i = 0; i < 10; i++) {
    const json = join(dir, `same-${i}.json`);
    r = await runCli(['run', SCENARIO, ...ARGS, '--baseline', baseline, '--json', json], { timeoutMs: 90_000 });
    const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
    t.diagnostic(`unchanged ${i + 1}: ${figures(result)}`);
    assert.equal(r.code, 0, `false regression on run ${i + 1}: ${figures(result)}`);
  }

  const json = join(dir, 'slow.json');
  r = await runCli(['run', SCENARIO, ...ARGS, '--server-env', 'SLOWDOWN=1.5', '--baseline', baseline, '--json', json], { timeoutMs: 90_000 });
  const slow = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  t.diagnostic(`50% slower: ${figures(slow)}`);
  assert.equal(r.code, 1, figures(slow));
  // Each metric on its own statistic: the rate (8 connections / 1.5 × the time) falls by a third.
  const rps = slow.baseline!.comparisons.find((x) => x.metric === 'rps')!;
  assert.ok(rps.change < -0.2 && rps.change > -0.45, `rps change ${rps.change}`);
  assert.ok(slow.baseline!.comparisons.some((x) => x.status === 'regression'));
});
