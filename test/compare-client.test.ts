// compare tells the client's parameters (the load wobbly sends) from server settings: it varies
// both, but recommends a server setting per client load. The case: --vary
// connections=20,50 --vary ANYIO_TOKENS=20,40 recommended "ANYIO_TOKENS=40 connections=50 … no
// setting free of starvation" although ANYIO_TOKENS=20 with 20 connections ran clear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recommend, summariseRuns, type CompareRun } from '../src/compare/summarise.js';
import { clientParams, splitSettings } from '../src/compare/settings.js';
import type { RunResult } from '../src/result/types.js';

function run(settings: Record<string, string>, rps: number, status: 'detected' | 'clear'): CompareRun {
  const result = {
    actors: { load: { kind: 'load', summary: { requests: 100, rps, latencyMs: { p50: 500, p99: 900 } } } },
    verdicts: [{ id: 'pool-starvation', status, summary: '', hint: '', evidence: {} }],
  } as unknown as RunResult;
  return { settings, result };
}

test('a param that never changes the server section is the client\'s; an environment variable or a param in the server command is the server\'s', () => {
  const plan = (connections: string, tokens: string, workers: string) => ({
    settings: { connections, ANYIO_TOKENS: tokens, workers },
    scenario: { params: { connections: 1, workers: 1 }, server: { command: `uvicorn app:app --workers ${workers}` } },
  });
  const plans = ['20', '50'].flatMap((c) => ['20', '40'].flatMap((t) => ['1', '2'].map((w) => plan(c, t, w))));
  assert.deepEqual([...clientParams(plans)], ['connections']);
  assert.deepEqual(splitSettings({ connections: '20', ANYIO_TOKENS: '40' }, new Set(['connections'])), { client: { connections: '20' }, server: { ANYIO_TOKENS: '40' } });
});

test('the issue\'s compare: per client load, the smallest healthy server setting; connections never recommended', () => {
  const rows = summariseRuns([
    run({ connections: '20', ANYIO_TOKENS: '20' }, 98, 'clear'),
    run({ connections: '20', ANYIO_TOKENS: '40' }, 99, 'clear'),
    run({ connections: '50', ANYIO_TOKENS: '20' }, 98, 'detected'),
    run({ connections: '50', ANYIO_TOKENS: '40' }, 196, 'detected'),
  ]);
  const rec = recommend(rows, new Set(['connections']))!;
  assert.deepEqual(rec.clientParams, ['connections']);
  assert.deepEqual(
    rec.perClient!.map((p) => [p.client, p.settings]),
    [
      [{ connections: '20' }, { ANYIO_TOKENS: '20' }],
      [{ connections: '50' }, { ANYIO_TOKENS: '40' }],
    ],
  );
  assert.ok(!('connections' in rec.settings));
  assert.ok(rec.perClient![1]!.reason.includes('no setting was free of pool starvation'), rec.perClient![1]!.reason);
  // Without client parameters: one recommendation over all rows, as before.
  assert.deepEqual(recommend(rows)!.perClient, undefined);
});
