// compare's rows and recommendation from fixture results: medians over repeats, the smallest
// healthy setting within 5% of the best, inconclusive starvation is not healthy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recommend, summariseRuns, type CompareRun } from '../src/compare/summarise.js';
import { combinations, parseVary } from '../src/compare/settings.js';
import type { RunResult } from '../src/result/types.js';

function run(tokens: string, rps: number, status: 'detected' | 'clear' | 'inconclusive', c: number): CompareRun {
  const result = {
    actors: { load: { kind: 'load', summary: { requests: 100, rps, latencyMs: { p50: 500, p99: 900 } } } },
    verdicts: [{ id: 'pool-starvation', status, summary: '', hint: '', evidence: { effectiveConcurrency: c } }],
  } as unknown as RunResult;
  return { settings: { TOKENS: tokens }, result };
}

test('--vary parsing and the matrix of combinations', () => {
  assert.deepEqual(parseVary('A=1, 2,3'), { name: 'A', values: ['1', '2', '3'] });
  assert.match(parseVary('A') as string, /expected NAME=v1,v2/);
  assert.deepEqual(combinations([{ name: 'A', values: ['1', '2'] }, { name: 'B', values: ['x', 'y'] }]), [
    { A: '1', B: 'x' },
    { A: '1', B: 'y' },
    { A: '2', B: 'x' },
    { A: '2', B: 'y' },
  ]);
});

test('rows sort numerically, medians and spreads over repeats; the smallest healthy setting within 5% wins', () => {
  const rows = summariseRuns([
    run('60', 86, 'clear', 48),
    run('10', 18, 'detected', 10),
    run('40', 73, 'detected', 40),
    run('50', 87, 'clear', 49),
    run('50', 85, 'clear', 48.5),
    run('50', 89, 'clear', 49.5),
  ]);
  assert.deepEqual(rows.map((r) => r.label), ['TOKENS=10', 'TOKENS=40', 'TOKENS=50', 'TOKENS=60']);
  assert.deepEqual(rows[2]!.throughputRps, { median: 87, min: 85, max: 89 });
  assert.equal(rows[2]!.runs, 3);
  const rec = recommend(rows)!;
  assert.deepEqual(rec.settings, { TOKENS: '50' });
  assert.match(rec.reason, /TOKENS=50 is the smallest setting within 5% of the best throughput \(87\.0 vs 87\.0 req\/s\)/);
  assert.match(rec.reason, /TOKENS=40 73\.0 req\/s \(pool-starvation\)/);
});

test('an inconclusive starvation verdict is not healthy; nothing healthy: the best, with advice', () => {
  const rows = summariseRuns([run('40', 100, 'inconclusive', 40), run('50', 99, 'clear', 49)]);
  assert.deepEqual(recommend(rows)!.settings, { TOKENS: '50' });
  assert.deepEqual(rows[0]!.inconclusive, ['pool-starvation']);
  const bad = recommend(summariseRuns([run('2', 10, 'detected', 2), run('4', 20, 'detected', 4)]))!;
  assert.deepEqual(bad.settings, { TOKENS: '4' });
  assert.match(bad.reason, /no setting was free of pool starvation.*Try larger values/);
});
