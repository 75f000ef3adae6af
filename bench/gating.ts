// `npm run bench:gating`: does the baseline gate catch real regressions and ignore noise?
// Against the demo target (/pool: 4 slots, 8 connections, like the FastAPI case of issue 13), N
// self-comparisons and N comparisons with the target made 25% and 50% slower (DEMO_SLOWDOWN),
// for each design: a single-run baseline, a K-run baseline (--repeat K), and A/B pairs run back
// to back. Prints how often each was declared a regression.
//   GATING_N=20 GATING_SECONDS=6 GATING_K=3 npm run bench:gating
// GATING_SAVE=dir keeps every run's result there; GATING_FROM=dir judges saved runs again (no traffic).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baselineFile, compareToBaseline } from '../src/baseline/compare.js';
import type { BaselineComparison } from '../src/baseline/types.js';
import { defaultTolerances, parseTolerance } from '../src/baseline/tolerance.js';
import { compareAb } from '../src/compare/ab.js';
import { execute } from '../src/pipeline.js';
import type { RunResult } from '../src/result/types.js';
import { parseScenario } from '../src/scenario/load.js';
import { ROOT, startServer, type TestServer } from '../test/helpers.js';

const N = Number(process.env.GATING_N ?? 20);
const SECONDS = Number(process.env.GATING_SECONDS ?? 6);
const K = Number(process.env.GATING_K ?? 3);
const TOLERANCE = process.env.GATING_TOLERANCE ?? '10%';
const SLOWDOWNS = [1, 1.25, 1.5];

const scenarioText = `name: gating\nduration: ${SECONDS}s\nactors:\n  - { name: load, kind: load, path: "/pool?ms=200", connections: 8, calibrate: 0 }\n`;

const SAVE = process.env.GATING_SAVE;
const FROM = process.env.GATING_FROM;
if (SAVE) mkdirSync(SAVE, { recursive: true });
let runs = 0;

async function run(server: TestServer | undefined): Promise<RunResult> {
  const file = `run-${String(runs++).padStart(3, '0')}.json`;
  if (FROM) return JSON.parse(readFileSync(join(FROM, file), 'utf8')) as RunResult;
  const result = await execute(parseScenario(scenarioText, 'bench-gating.yaml', { target: server!.url }));
  if (SAVE) writeFileSync(join(SAVE, file), JSON.stringify(result));
  return result;
}

type Design = 'single' | 'repeat' | 'ab';
const tolerances = parseTolerance(TOLERANCE, defaultTolerances());
const demo = join(ROOT, 'dist/src/demo/main.js');
const servers = FROM ? [] : await Promise.all(SLOWDOWNS.map((s) => startServer(demo, ['--pool', '4'], { DEMO_SLOWDOWN: String(s) })));
const tally = new Map<string, { regressed: number; inconclusive: number; total: number; detectable: number[]; changes: number[]; flagged: string[] }>();
const note = (design: Design, slowdown: number, c: BaselineComparison) => {
  const key = `${design} ${slowdown}`;
  const t = tally.get(key) ?? { regressed: 0, inconclusive: 0, total: 0, detectable: [], changes: [], flagged: [] };
  t.total++;
  if (!c.pass) t.regressed++;
  if (c.inconclusive) t.inconclusive++;
  const p50 = c.comparisons.find((x) => x.metric === 'p50');
  if (p50?.detectable !== undefined) t.detectable.push(p50.detectable);
  if (p50) t.changes.push(p50.change);
  for (const x of c.comparisons.filter((y) => y.regression)) t.flagged.push(x.metric);
  tally.set(key, t);
};

try {
  const started = Date.now();
  const baseRuns: RunResult[] = [];
  for (let i = 0; i < K; i++) baseRuns.push(await run(servers[0]));
  const single = baseRuns[0]!;
  const repeat = baselineFile(baseRuns);
  for (const [s, slowdown] of SLOWDOWNS.entries()) {
    for (let i = 0; i < N; i++) {
      const a = await run(servers[0]);
      const b = await run(servers[s]);
      note('single', slowdown, compareToBaseline(single, b, tolerances, 'single'));
      note('repeat', slowdown, compareToBaseline(repeat, b, tolerances, 'repeat'));
      note('ab', slowdown, compareAb([{ a, b }], tolerances));
      process.stderr.write(`\r${slowdown}× ${i + 1}/${N} (${Math.round((Date.now() - started) / 1000)} s)`);
    }
  }
  process.stderr.write('\n');
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
  console.log(`gating bench: ${SECONDS} s runs of /pool?ms=200 (4 slots, 8 connections), tolerance ${TOLERANCE}, N = ${N}, repeat baseline K = ${K}`);
  console.log('design   target         regressions  cannot-tell  p50 change (median)  p50 detectable (median)  metrics flagged');
  for (const design of ['single', 'repeat', 'ab'] as Design[]) {
    for (const slowdown of SLOWDOWNS) {
      const t = tally.get(`${design} ${slowdown}`)!;
      const what = slowdown === 1 ? 'unchanged' : `${Math.round((slowdown - 1) * 100)}% slower`;
      const rate = slowdown === 1 ? `${t.regressed}/${t.total} false` : `${t.regressed}/${t.total} caught`;
      const flagged = [...new Set(t.flagged)].map((m) => `${m}×${t.flagged.filter((x) => x === m).length}`).join(' ');
      console.log(`${design.padEnd(8)} ${what.padEnd(14)} ${rate.padEnd(12)} ${String(t.inconclusive).padEnd(12)} ${pct(median(t.changes)).padEnd(20)} ${pct(median(t.detectable)).padEnd(24)} ${flagged}`);
    }
  }
} finally {
  await Promise.all(servers.map((s) => s.stop()));
}
