// The runs users make every day, on real FastAPI under uvicorn: short `ab -n K -c N` loads
// against pools of known sizes must decide (pool-starvation with the pool's size, serialized),
// and healthy servers must be clear, never a false pool. Evidence numbers are asserted with the
// tolerance of real timing on a busy 2-core machine (C within 10 %, as in fastapi-pools).
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, unheldConcurrency, within } from './helpers.js';
import { FASTAPI_FIXTURES, requirePythonStack } from './fastapi.js';
import type { RunResult } from '../src/result/types.js';

const dir = tempDir();
const SCENARIO = join(FASTAPI_FIXTURES, 'accuracy.yaml');
before(requirePythonStack);

interface Shape {
  app?: string;
  path: string;
  connections: number;
  amount: number;
  env?: string;
}

interface Evidence {
  effectiveConcurrency: number | null;
  concurrencyInterval?: { lo: number; hi: number };
  poolSizeEstimate?: number;
  poolSizeInterval?: { lo: number; hi: number };
  outcome: string;
  reason?: string;
  requestedConcurrency: number;
  serviceTimeMs: number | null;
  latencyUnderLoadMs?: number;
}

let n = 0;
async function run(s: Shape): Promise<{ pool: RunResult['verdicts'][number]; serialized: RunResult['verdicts'][number]; e: Evidence }> {
  const json = join(dir, `run-${n++}.json`);
  const args = ['run', SCENARIO, '--json', json, '--set', `path=${s.path}`, '--set', `connections=${s.connections}`, '--set', `amount=${s.amount}`];
  if (s.app) args.push('--set', `app=${s.app}`);
  if (s.env) args.push('--server-env', s.env);
  const r = await runCli(args, { timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  const pool = result.verdicts.find((v) => v.id === 'pool-starvation')!;
  const serialized = result.verdicts.find((v) => v.id === 'serialized')!;
  return { pool, serialized, e: pool.evidence as unknown as Evidence };
}

// Side by side: seed 002's 1 s sleeps (C within 100 ms of a request's time) and `ab -n 3 -c 1`, whose
// verdicts are structural (one connection: nothing timed is asserted). Their servers start together;
// its 3 + 3 requests of 100 ms are over during seed 002's calibration (3 sequential 1 s requests).
describe('seed 002 beside a single connection', { concurrency: true }, () => {
  test('seed 002 as typed: def endpoint, 1 s sleep, ab -n 100 -c 50: pool-starvation, a pool of 40', async () => {
    const { pool, e } = await run({ path: '/sync?ms=1000', connections: 50, amount: 100 });
    assert.equal(pool.status, 'detected', pool.summary);
    assert.equal(e.poolSizeEstimate, 40);
    within(e.effectiveConcurrency, 40, '10%', 'C');
    assert.ok(e.concurrencyInterval!.hi < 45, JSON.stringify(e.concurrencyInterval));
  });

  test('ab -n 3 -c 1: no crash; both pool verdicts say one connection cannot show them', async () => {
    const { pool, serialized, e } = await run({ path: '/sync?ms=100', connections: 1, amount: 3 });
    for (const v of [pool, serialized]) {
      assert.equal(v.status, 'inconclusive', v.summary);
      assert.equal((v.evidence as unknown as Evidence).reason, 'single-connection');
    }
    assert.equal(e.requestedConcurrency, 1);
  });
});

test('seed 003 as typed: time.sleep in async def, 4 tabs, 12 requests: serialized', async () => {
  const { pool, serialized, e } = await run({ app: 'blocking_async', path: '/ping-blocking?ms=200', connections: 4, amount: 12 });
  assert.equal(serialized.status, 'detected', serialized.summary);
  assert.equal(pool.status, 'detected');
  within(e.effectiveConcurrency, 1, '10%', 'C');
  assert.ok(e.concurrencyInterval!.hi < 1.5);
  assert.equal(e.poolSizeEstimate, 1);
});

test('the default executor (6 threads on 2 CPUs), 20 connections, 60 requests: a pool of 6', async () => {
  const { pool, serialized, e } = await run({ path: '/executor?ms=200', connections: 20, amount: 60 });
  assert.equal(pool.status, 'detected', pool.summary);
  assert.equal(serialized.status, 'clear');
  assert.equal(e.poolSizeEstimate, 6);
  within(e.effectiveConcurrency, 6, '10%', 'C');
});

test('other pools, other numbers: 4 tokens at 100 ms, 10 tokens with N just above, an executor of 1', async () => {
  const four = await run({ path: '/sync?ms=100', connections: 10, amount: 40, env: 'ANYIO_TOKENS=4' });
  assert.equal(four.pool.status, 'detected', four.pool.summary);
  assert.equal(four.e.poolSizeEstimate, 4);
  within(four.e.effectiveConcurrency, 4, '10%', 'C, 4 tokens');

  const ten = await run({ path: '/threadpool?ms=300', connections: 12, amount: 36, env: 'ANYIO_TOKENS=10' });
  assert.equal(ten.pool.status, 'detected', ten.pool.summary);
  assert.equal(ten.e.poolSizeEstimate, 10);
  within(ten.e.effectiveConcurrency, 10, '10%', 'C, 10 tokens');

  const one = await run({ path: '/executor?ms=200', connections: 3, amount: 9, env: 'EXECUTOR_WORKERS=1' });
  assert.equal(one.serialized.status, 'detected', one.serialized.summary);
  within(one.e.effectiveConcurrency, 1, '10%', 'C, executor of 1');
});

test('healthy servers are clear: asyncio.sleep at N = 50, a def endpoint with N below its 40 tokens, an executor of 40', async () => {
  // The 500 ms and 300 ms sleeps side by side: two servers sleeping, little CPU. The def endpoint,
  // whose C is asserted, alone.
  const [sleeping, big] = await Promise.all([
    run({ path: '/async?ms=500', connections: 50, amount: 100 }),
    run({ path: '/executor?ms=300', connections: 30, amount: 60, env: 'EXECUTOR_WORKERS=40' }),
  ]);
  assert.equal(sleeping.pool.status, 'clear', sleeping.pool.summary);
  assert.equal(sleeping.serialized.status, 'clear');
  assert.equal(big.pool.status, 'clear', big.pool.summary);

  // 500 ms sleeps: all 20 first answers must come within 1.5 S, and 0.5 S of slack is what a busy
  // machine needs: with 200 ms ones (100 ms of slack) a CPU-starved uvicorn, starting 19 new pool
  // threads, answered 11 of 20 in time, a ramp (inconclusive, rightly never a pool).
  const below = await run({ path: '/sync?ms=500', connections: 20, amount: 60 });
  assert.equal(below.pool.status, 'clear', below.pool.summary);
  // A busy machine once read C 16.6 here: the Python server's answers under load took 1.2 S.
  const { serviceTimeMs: S, latencyUnderLoadMs: L } = below.e;
  within(below.e.effectiveConcurrency, unheldConcurrency(20, below.e), '10%', `C, N = 20 < 40 tokens: N × S / L (S ${S} ms, L ${L} ms)`);
});

