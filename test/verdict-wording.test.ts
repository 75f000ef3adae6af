// The wording of the pool, serialized, concurrency-limit and stall sentences, from fixed
// fixtures (simulated runs, exact), against a golden file: a change in wording shows as a diff
// of test/golden/verdict-wording.txt. Regenerate with UPDATE_GOLDEN=1 after checking it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyseSweep, classify, estimateConcurrency, type ConcurrencyEstimate } from '../src/analysis/concurrency.js';
import type { Analysis } from '../src/analysis/analyse.js';
import { judgePoolStarvation, judgeSerialized } from '../src/verdicts/pool-starvation.js';
import { judgeConcurrencyLimit } from '../src/verdicts/concurrency-limit.js';
import { judgeEventLoopStall } from '../src/verdicts/event-loop-stall.js';
import { ROOT } from './helpers.js';
import { pool, simulate, type SimOptions } from './closed-model-sim.js';

const GOLDEN = join(ROOT, 'test/golden/verdict-wording.txt');

function est(o: SimOptions, S: number, extra: Partial<ConcurrencyEstimate> = {}): ConcurrencyEstimate {
  const e = estimateConcurrency({ actor: 'load', label: 'GET /x', phase: simulate(o), serviceTimeMs: S, serviceSpreadMs: 1, serviceTimeSource: 'calibrated' });
  return classify({ ...e, ...extra });
}

function lines(title: string, a: Analysis): string {
  const vs = [judgePoolStarvation(a), judgeSerialized(a), judgeConcurrencyLimit(a), judgeEventLoopStall(a)].filter((v) => v !== undefined);
  return `## ${title}\n${vs.map((v) => `${v.id} ${v.status}: ${v.summary}`).join('\n')}\n`;
}

test('verdict sentences match the golden file', () => {
  const out: string[] = [];
  const loads = (e: ConcurrencyEstimate): Analysis => ({ windows: [], stalls: [], loads: [e] });
  out.push(lines('ab -n 100 -c 50 against 40 tokens, 1 s', loads(est({ N: 50, model: pool(40, 1000), durationMs: 60_000, amount: 100 }, 1000))));
  out.push(lines('ab -n 60 -c 20 against 6 threads, 200 ms', loads(est({ N: 20, model: pool(6, 200), durationMs: 60_000, amount: 60 }, 200))));
  out.push(lines('ab -n 12 -c 4, one at a time', loads(est({ N: 4, model: pool(1, 200), durationMs: 60_000, amount: 12 }, 200))));
  out.push(lines('two workers, one at a time each', loads(est({ N: 8, model: pool(2, 300), durationMs: 60_000, amount: 24 }, 300, { workers: { field: 'pid', values: ['4312', '4313'] } }))));
  out.push(lines('ab -n 3 -c 1', loads(est({ N: 1, model: pool(1, 200), durationMs: 60_000, amount: 3 }, 200))));
  out.push(lines('M ≥ N', loads(est({ N: 10, model: pool(20, 200), durationMs: 60_000, amount: 40 }, 200))));
  const steps = [1, 2, 4, 5, 6, 8].map((N, step) => {
    const e = estimateConcurrency({ actor: 'sweep', label: 'GET /async', step, phase: simulate({ N, model: pool(N, 100), durationMs: 60_000, amount: 4 * N }), serviceTimeMs: 100, serviceTimeSource: 'calibrated' });
    return N > 5 ? { ...e, rejections: { requests: 400, rejected: 380, byReason: { 'HTTP 503': 380 }, firstWaveAnswered: 0 } } : e;
  });
  out.push(lines('a sweep against --limit-concurrency 6', { windows: [], stalls: [], sweeps: [analyseSweep('sweep', 'GET /async', steps)] }));
  const stall = (startMs: number, lengthMs: number, selfLagMs: number, workers?: { field: string; stalled: string[]; answering: string[] }) => ({
    startMs, endMs: startMs + lengthMs, lengthMs, probesAffected: lengthMs / 10, during: ['heavy'], selfLagMs, ...(workers ? { workers } : {}),
  });
  const probe = (stalls: ReturnType<typeof stall>[]): Analysis => ({
    windows: [{ actor: 'heavy', label: 'GET /clients', startMs: 900, endMs: 6000 }],
    stalls: [{ probe: 'probe', label: 'GET /live', thresholdMs: 100, unloadedP99Ms: 2, answered: 300, sent: 320, stalls }],
  });
  out.push(lines('two stalls and one of wobbly\'s own lag', probe([stall(1000, 800, 3), stall(3000, 300, 290), stall(5000, 400, 2)])));
  out.push(lines('a stall of one worker while the other answered', probe([stall(1000, 3000, 2, { field: 'pid', stalled: ['4312'], answering: ['4313'] })])));
  const text = out.join('\n');
  if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, text);
  assert.equal(text, readFileSync(GOLDEN, 'utf8'));
});
