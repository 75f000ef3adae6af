// The concurrency-limit verdict on real uvicorn `--limit-concurrency 6` (it counts open
// connections, so keep-alive connections beyond the limit get 503 on every request): a load of
// 12 connections detects it, a sweep over 1–12 finds K (5: uvicorn serves K − 1 connections),
// a load below the limit is clear. The 503s it provokes are that verdict's evidence: the run
// still passes (exit 0), with the failures listed first as explained.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './helpers.js';
import { FASTAPI_FIXTURES, requirePythonStack } from './fastapi.js';
import type { RunResult } from '../src/result/types.js';
import type { ConcurrencyLimitEvidence } from '../src/verdicts/concurrency-limit.js';

const dir = tempDir();
before(requirePythonStack);

async function run(file: string, args: string[] = []): Promise<{ result: RunResult; e: ConcurrencyLimitEvidence; status: string }> {
  const json = join(dir, `${file}-${args.join('_').replace(/\W/g, '')}.json`);
  const r = await runCli(['run', join(FASTAPI_FIXTURES, file), '--json', json, ...args], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  const v = result.verdicts.find((x) => x.id === 'concurrency-limit')!;
  assert.ok(v, `concurrency-limit in ${result.verdicts.map((x) => x.id)}`);
  return { result, e: v.evidence as unknown as ConcurrencyLimitEvidence, status: v.status };
}

// Side by side: one server each, the verdicts counts of 503s (uvicorn counts open connections, not
// time), 1 s of 100 ms asyncio.sleep. The sweep alone after them: between its 400 ms steps the last
// step's connections must be closed on the server before the next step's are counted.
describe('a load above and below the limit', { concurrency: true }, () => {
  test('a load of 12 connections against --limit-concurrency 6: detected, 503s counted, the failures explained', async () => {
    const { result, e, status } = await run('limit-load.yaml');
    assert.equal(status, 'detected', JSON.stringify({ e, summary: result.actors.load!.summary, calibration: result.actors.load!.load?.concurrency }));
    assert.equal(e.status, 'HTTP 503');
    assert.ok(e.rejected > 0 && e.rejected < e.requests, `${e.rejected} of ${e.requests}`);
    assert.equal(e.rejected, result.actors.load!.summary.statusCodes['503']);
    assert.equal(e.limit, null);
    assert.deepEqual(e.limitInterval, { lo: 0, hi: 11 });
    assert.equal(result.failedActors?.[0]?.explainedBy, 'concurrency-limit');
    assert.equal(result.pass, true);
  });

  test('below the limit (4 connections): clear, nothing rejected', async () => {
    const { result, e, status } = await run('limit-load.yaml', ['--set', 'connections=4']);
    assert.equal(status, 'clear');
    assert.equal(e.rejected, 0);
    assert.equal(result.failedActors, undefined);
  });
});

test('a sweep over 1–12 connections finds the limit: 5 (uvicorn serves K − 1 connections) or 6', async () => {
  const { e, status } = await run('limit-sweep.yaml');
  assert.equal(status, 'detected');
  assert.ok(e.limit === 5 || e.limit === 6, `limit ${e.limit}`);
  const steps = e.measurements;
  assert.equal(steps.length, 12);
  for (const s of steps.filter((x) => x.connections <= e.limit!)) assert.equal(s.rejected, 0, `N = ${s.connections}`);
  assert.ok(steps.find((x) => x.connections === e.limit! + 1)!.rejected > 0);
});
