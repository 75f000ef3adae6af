// Issue 13's case on real FastAPI under uvicorn: a `def` endpoint behind 4 anyio tokens, 8
// connections, 4 s runs of 50 ms requests (about 80 answers a second, in 250 ms blocks: more
// answers and blocks than the 6 s runs at 200 ms this test used to make). The unchanged server
// passes against its own baseline (3 runs, so it knows how far p50 moves between runs: with 8
// connections on 4 tokens the latencies are one or two service times, and which of the two the
// median lands on changes from run to run on a busy machine) 3 times out of 3; the same server
// made 50% slower (SLOWDOWN=1.5 in pools.py) fails. The comparisons run one after the other, as
// the baseline's runs did: run side by side, their servers would share the CPU, which the
// baseline's did not (seen: rps 10% lower in each of five at once). The 10-of-10 and power
// figures at N = 20 are `npm run bench:gating`'s, not this test's.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './helpers.js';
import { FASTAPI_FIXTURES, requirePythonStack } from './fastapi.js';
import type { RunResult } from '../src/result/types.js';
import type { BaselineFile } from '../src/baseline/compare.js';

const dir = tempDir();
const SCENARIO = join(FASTAPI_FIXTURES, 'gating.yaml');
const ARGS = ['--server-env', 'ANYIO_TOKENS=4', '--max-regression', '15%', '--quiet'];
before(requirePythonStack);

const figures = (r: RunResult) =>
  r.baseline!.comparisons.map((c) => `${c.metric} ${(c.change * 100).toFixed(1)}% [${c.interval?.map((x) => (x * 100).toFixed(1)).join(', ') ?? '-'}] ${c.status}`).join(', ');

test('FastAPI def endpoint, 4 tokens: unchanged passes 3/3 against its baseline, 50% slower fails', async (t) => {
  const baseline = join(dir, 'baseline.json');
  const saved = await runCli(['run', SCENARIO, ...ARGS.filter((a) => a !== '--max-regression' && a !== '15%'), '--save-baseline', baseline, '--repeat', '3'], { timeoutMs: 120_000 });
  assert.equal(saved.code, 0, saved.stderr);
  const base = JSON.parse(readFileSync(baseline, 'utf8')) as BaselineFile;
  assert.equal(base.baselineRuns!.length, 3);
  const p50 = base.actors.load!.summary.latencyMs.p50;
  assert.ok(p50 >= 50 && p50 < 130, `50 ms of service, up to one request ahead in the pool (p50 ${p50} ms)`);

  const compare = async (name: string, env: string[]) => {
    const json = join(dir, `${name}.json`);
    const r = await runCli(['run', SCENARIO, ...ARGS, ...env, '--baseline', baseline, '--json', json], { timeoutMs: 90_000 });
    return { code: r.code, result: JSON.parse(readFileSync(json, 'utf8')) as RunResult };
  };
  for (let i = 1; i <= 3; i++) {
    const { code, result } = await compare(`same-${i}`, []);
    t.diagnostic(`unchanged ${i}: ${figures(result)}`);
    assert.equal(code, 0, `false regression on run ${i}: ${figures(result)}`);
  }
  const { code, result: slow } = await compare('slow', ['--server-env', 'SLOWDOWN=1.5']);
  t.diagnostic(`50% slower: ${figures(slow)}`);
  assert.equal(code, 1, figures(slow));
  // Each metric on its own statistic: the rate (8 connections / 1.5 × the time) falls by a third.
  const rps = slow.baseline!.comparisons.find((x) => x.metric === 'rps')!;
  assert.ok(rps.change < -0.2 && rps.change > -0.45, `rps change ${rps.change}`);
  assert.ok(slow.baseline!.comparisons.some((x) => x.status === 'regression'));
});
