// On real FastAPI: a typo'd path stops the run before the load (exit 3, status and path named);
// a run whose requests mostly failed says so first and exits 1, never 0; and behind gunicorn
// workers, time.sleep in async def is read per worker (C ≈ the number of workers seen).
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './helpers.js';
import { FASTAPI_FIXTURES, requirePythonStack } from './fastapi.js';
import type { RunResult } from '../src/result/types.js';

const dir = tempDir();
before(requirePythonStack);
const ACCURACY = join(FASTAPI_FIXTURES, 'accuracy.yaml');

// Side by side: two refusals whose assertions are exit codes and counts, nothing timed. The gunicorn
// run, whose C is asserted, alone after them.
describe('a wrong path: 404s', { concurrency: true }, () => {
  test('a typo\'d path: the calibration\'s 404 stops the run before the load, exit 3, status and path named', async () => {
    const json = join(dir, 'typo.json');
    const r = await runCli(['run', ACCURACY, '--set', 'path=/nope', '--json', json]);
    assert.equal(r.code, 3, r.stderr + r.stdout);
    const line = r.stderr.split('\n').find((l) => l.includes('answered'));
    assert.equal(line, 'wobbly: GET /nope answered 404 Not Found: check the path (while calibrating actor load, before any load was sent).');
  });

  test('no calibration (calibrate: 0), every request 404: listed first as failed, exit 1', async () => {
    const json = join(dir, 'failed.json');
    const r = await runCli(['run', ACCURACY, '--set', 'path=/nope', '--set', 'calibrate=0', '--set', 'amount=200', '--json', json]);
    assert.equal(r.code, 1, r.stderr + r.stdout);
    const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
    assert.equal(result.pass, false);
    const f = result.failedActors![0]!;
    assert.equal(f.actor, 'load');
    assert.equal(f.requests, 200);
    assert.equal(f.failures, 200);
    assert.deepEqual(f.reasons, { 'HTTP 404': 200 });
    assert.equal(f.explainedBy, undefined);
  });
});

test('gunicorn -w 2, time.sleep in async def, 8 connections: one request at a time per worker', async () => {
  const json = join(dir, 'workers.json');
  const r = await runCli(['run', join(FASTAPI_FIXTURES, 'workers-load.yaml'), '--set', 'connections=8', '--set', 'amount=24', '--json', json], { timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  const v = result.verdicts.find((x) => x.id === 'serialized')!;
  assert.equal(v.status, 'detected', v.summary);
  const e = v.evidence as { effectiveConcurrency: number; poolSizeEstimate: number; workers: { field: string; values: string[] } };
  const k = e.workers.values.length;
  assert.equal(e.workers.field, 'pid');
  assert.ok(k >= 1 && k <= 2, `workers ${e.workers.values}`);
  assert.equal(e.poolSizeEstimate, k);
  assert.ok(Math.abs(e.effectiveConcurrency - k) <= 0.1 * k, `C = ${e.effectiveConcurrency} with ${k} workers`);
});
