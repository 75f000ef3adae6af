// `wobbly compare` against a real server whose pool size comes from an environment variable:
// estimates follow the setting, the recommendation is right, and no server is ever left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, ROOT, runCli, sleep, startCli, tempDir, unheldConcurrency, within } from './helpers.js';
import { renderCompare } from '../src/report/compare-table.js';
import type { CompareRow, Recommendation } from '../src/compare/summarise.js';
import type { RunResult } from '../src/result/types.js';

const SCENARIO = join(ROOT, 'test/fixtures/compare-pool.yaml');
const dir = tempDir();

interface CompareJson {
  schemaVersion: number;
  scenario: string;
  runs: (RunResult & { settings: Record<string, string> })[];
  rows: CompareRow[];
  recommended: Recommendation | null;
}


function pidsOf(stderr: string): number[] {
  return [...stderr.matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]));
}

test('compare DEMO_POOL=2,8,16 with 8 connections: C follows the pool, 8 is recommended, no server left', async () => {
  const json = join(dir, 'compare.json');
  const r = await runCli(['compare', SCENARIO, '--vary', 'DEMO_POOL=16,2,8', '--json', json], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(readFileSync(json, 'utf8')) as CompareJson;
  assert.equal(out.schemaVersion, 1);
  assert.equal(out.runs.length, 3);
  for (const run of out.runs) {
    const m = Number(run.settings.DEMO_POOL);
    const v = run.verdicts.find((x) => x.id === 'pool-starvation')!;
    const c = v.evidence.effectiveConcurrency as number;
    // A pool of 2 holds C at 2; pools of 8 and 16 hold none of the 8 connections back: C = N × S / L
    // (the busy machine once slowed the pool of 16's answers: C 6.93).
    const expected = m < 8 ? m : unheldConcurrency(8, v.evidence as { serviceTimeMs: number; latencyUnderLoadMs: number });
    within(c, expected, '10%', `C with DEMO_POOL=${m}`);
    assert.equal(v.status, m < 8 ? 'detected' : 'clear', `DEMO_POOL=${m}: ${v.summary}`);
    assert.ok(run.server && !alive(run.server.pid!), 'server stopped');
  }
  assert.deepEqual(out.recommended!.settings, { DEMO_POOL: '8' });
  // The rows go from small to large settings; only the starved pool of 2 shows pool-starvation.
  assert.deepEqual(out.rows.map((x) => x.label), ['DEMO_POOL=2', 'DEMO_POOL=8', 'DEMO_POOL=16']);
  assert.deepEqual(out.rows.map((x) => x.detected.includes('pool-starvation')), [true, false, false]);
  // The table printed is the rendering of those rows (its wording: golden.test.ts).
  assert.equal(r.stdout, renderCompare(out.rows, out.recommended ?? undefined, out.scenario));
  for (const pid of pidsOf(r.stderr)) assert.equal(alive(pid), false, `server ${pid} left running`);
});

test('compare with a setting the server rejects: exit 3 with its log tail, nothing left running', async () => {
  const r = await runCli(['compare', SCENARIO, '--vary', 'DEMO_POOL=zero'], { timeoutMs: 60_000 });
  assert.equal(r.code, 3, r.stderr);
  const lines = r.stderr.split('\n');
  assert.deepEqual(lines.slice(1, 4), ['wobbly: the server exited before it was ready (exit code 2)', 'its last output:', '  | wobbly-demo-target: --pool: expected an integer, got "zero"']);
});

test('compare interrupted: exit 130, the server of the current setting is stopped', async () => {
  const run = startCli(['compare', SCENARIO, '--vary', 'DEMO_POOL=4,8', '--repeat', '3']);
  let pid = 0;
  for (let i = 0; i < 200 && !pid; i++) {
    await sleep(50);
    pid = pidsOf(run.output().stderr)[0] ?? 0;
  }
  assert.ok(pid > 0, run.output().stderr);
  await sleep(1500);
  run.child.kill('SIGINT');
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr);
  for (const p of pidsOf(r.stderr)) assert.equal(alive(p), false, `server ${p} left running`);
});

test('compare without a server, or with a malformed --vary: exit 2 before anything starts', async () => {
  let r = await runCli(['compare', 'liveness-during-heavy', '--vary', 'X=1,2']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /compare restarts the server for every setting: give it a server: section or --server "CMD"/);
  r = await runCli(['compare', SCENARIO, '--vary', 'DEMO_POOL']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--vary DEMO_POOL: expected NAME=v1,v2,…/);
});
