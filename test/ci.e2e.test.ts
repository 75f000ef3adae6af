// CI gating end to end: the real CLI against real loopback servers whose service time is known
// (test/servers/stall-server.ts: /slow?ms=30 answers in 30 ms, or 45 ms with SLOWDOWN=1.5):
// expectations, baselines of one and of K runs, A/B in one job, --fail-on, and secrets from the
// environment that never reach a report.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { assertPrinted, getJson, ROOT, runCli, sleep, type CliResult, startServer, tempDir, track, within, type TestServer } from './helpers.js';
import { githubAnnotations } from '../src/report/github.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderJunit } from '../src/report/junit.js';
import { renderDiff } from '../src/report/diff.js';
import type { RunResult } from '../src/result/types.js';
import type { BaselineFile } from '../src/baseline/compare.js';
import type { BaselineComparison } from '../src/baseline/types.js';

const SCENARIO = join(ROOT, 'test/fixtures/latency.yaml');
const SERVER = join(ROOT, 'dist/test/servers/stall-server.js');
const dir = tempDir();
let server: TestServer;
let slower: TestServer;

before(async () => {
  server = await startServer(SERVER);
  slower = await startServer(SERVER, [], { SLOWDOWN: '1.5' });
});
after(async () => {
  await server.stop();
  await slower.stop();
});

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RunResult;
const readAs = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;
const STALL = join(ROOT, 'test/fixtures/stall.yaml');
const ms = (actual: string) => Number(/^([\d.]+) ms$/.exec(actual)?.[1] ?? NaN);
const noEscapes = (text: string) => assert.doesNotMatch(text, /\u001b/, 'no colour or cursor codes off a terminal');
type Stats = { requests: number; connections: number };

const p50Of = (b: BaselineComparison) => b.comparisons.find((c) => c.metric === 'p50')!;

/**
 * wobbly's self-check (src/baseline/own-lag.ts), computed here from the JSON's figures: an interval
 * wholly beyond the tolerance, but its own loop lagged so much more in this run than in the baseline
 * that the excess, taken off the interval's lower end, leaves the change within the tolerance. Then a busy machine, not the server, may have
 * made it, and the gate must say it cannot tell (with a note naming both lags), never ok.
 */
function ownLagExplains(b: BaselineComparison, c: BaselineComparison['comparisons'][number]): boolean {
  assert.ok(b.ownLag, 'every run records its own lag');
  const excess = Math.max(0, b.ownLag.currentP99Ms - b.ownLag.baselineP99Ms);
  // Only a change whose interval lies wholly beyond the tolerance is a regression to explain away.
  return c.interval![0] > c.tolerance && c.interval![0] - excess / c.baseline <= c.tolerance;
}
function assertOwnLagInconclusive(b: BaselineComparison, c: BaselineComparison['comparisons'][number]): void {
  assert.equal(c.status, 'inconclusive', JSON.stringify(c));
  assert.ok(c.note!.startsWith("wobbly's own event loop lagged more"), c.note);
}

interface JunitCase {
  classname: string;
  name: string;
  failure: string | null;
}

/** Parse with Python's expat-based parser (a real XML parser: it rejects anything not well-formed). */
function parseJunit(file: string): { suite: Record<string, string>; cases: JunitCase[] } {
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const script = [
    'import json, sys, xml.dom.minidom as m',
    'doc = m.parse(sys.argv[1])',
    'root = doc.documentElement',
    'assert root.tagName == "testsuites", root.tagName',
    'suites = root.getElementsByTagName("testsuite")',
    'assert len(suites) == 1',
    's = suites[0]',
    'cases = []',
    'for c in s.getElementsByTagName("testcase"):',
    '    f = c.getElementsByTagName("failure")',
    '    cases.append({"classname": c.getAttribute("classname"), "name": c.getAttribute("name"), "failure": f[0].getAttribute("message") if f else None})',
    'print(json.dumps({"suite": {k: s.getAttribute(k) for k in ["tests", "failures", "errors", "skipped"]}, "cases": cases}))',
  ].join('\n');
  const out = spawnSync(python, ['-c', script, file], { encoding: 'utf8' });
  assert.equal(out.status, 0, `not well-formed XML: ${out.stderr}`);
  return JSON.parse(out.stdout) as { suite: Record<string, string>; cases: JunitCase[] };
}

// The third lane starts once the first baseline is saved: the file's first moments then start
// three processes, not five (five at once starved that baseline run: its first 200 ms blocks were
// left out as warm-up). A run filtered without that test waits 10 s at most.
let baselineSaved = (): void => undefined;
const firstBaselineSaved = Promise.race([new Promise<void>((resolve) => (baselineSaved = resolve)), sleep(10_000)]);

// Three lanes side by side, each one test at a time. What they share is idle time: every server
// here answers on a timer (/slow) or sleeps (/heavy: Atomics.wait), every probe is light (40/s or
// 100/s; a whole run costs about 0.5 s of CPU). A test that blocks a server or counts its requests
// has a server of its own.
describe('CI gating', { concurrency: true }, () => {
  // The baselines and the runs compared against them in one lane. The A/B lane lasts about as long,
  // so that a baseline and its later runs have the same light neighbours.
  describe('baselines', { concurrency: false }, () => {
    test('the same server against its own baseline passes 10 times; 50% slower fails with the figures', async (t) => {
      const baseline = join(dir, 'baseline.json');
      let r: CliResult;
      try {
        r = await runCli(['run', SCENARIO, '--target', server.url, '--save-baseline', baseline, '--quiet']);
      } finally {
        baselineSaved();
      }
      assert.equal(r.code, 0, r.stderr);
      assert.equal(read(baseline).schemaVersion, 1);

      // Ten runs against the baseline, five at a time: each is a light probe of 40/s (the server's
      // /slow waits on a timer), so they do not disturb each other's latencies; the calibration
      // each run starts with overlaps instead of adding up. Their starts are 0.6 s apart, which
      // spreads the CPU of their starts and reports for the other lanes (five started at once, the
      // A/B run that started with them read a p50 of 39 ms where the other A runs read 32).
      const compareOnce = async (i: number) => {
        const json = join(dir, `same-${i}.json`);
        const run = await runCli(['run', SCENARIO, '--target', server.url, '--baseline', baseline, '--json', json, '--quiet']);
        const b = read(json).baseline!;
        const line = b.comparisons.map((c) => `${c.metric} ${(c.change * 100).toFixed(1)}% [${c.interval?.map((x) => (x * 100).toFixed(1)).join(', ')}]`).join(', ');
        t.diagnostic(`self-baseline run ${i + 1}: ${line}; own loop delay p99 ${read(json).self.eventLoopDelayP99Ms} ms (baseline ${read(baseline).self.eventLoopDelayP99Ms})`);
        assert.equal(run.code, 0, `false regression on run ${i + 1}: ${line}\n${run.stdout}${run.stderr}`);
        assert.equal(b.regressions, 0);
        assert.equal(b.comparisons.length, 4);
        for (const c of b.comparisons.filter((x) => x.metric === 'rps' || x.metric === 'p50')) assert.deepEqual(c.noise?.blocks, [10, 10], `${c.metric}: 10 full 200 ms blocks in each run`);
        // 80 answers: 8 beyond their p90, and their p99 is their max: too few for a resampled interval.
        for (const tail of ['p90', 'p99']) {
          const c = b.comparisons.find((x) => x.metric === tail)!;
          assert.equal(c.status, 'not tested');
          assert.match(c.note!, new RegExp(`answers are too few to measure ${tail} \\(at least ${tail === 'p90' ? 100 : 1000}: 10 beyond it\\)`));
        }
      };

      const json = join(dir, 'slower.json');
      const junit = join(dir, 'slower.xml');
      const markdown = join(dir, 'slower.md');
      const summary = join(dir, 'step-summary.md');
      writeFileSync(summary, 'earlier step\n');
      await Promise.all(
        [0, 1, 2, 3, 4].map(async (k) => {
          await sleep(600 * k);
          await compareOnce(k);
          await compareOnce(k + 5);
        }),
      );
      // The 50% slower server's run alone in its lane: its per-bucket medians must be as quiet as the baseline's.
      r = await runCli(['run', SCENARIO, '--target', slower.url, '--baseline', baseline, '--json', json, '--junit', junit, '--markdown', markdown], {
        env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
      });
      const result = read(json);
      const b = result.baseline!;
      const p50 = b.comparisons.find((c) => c.metric === 'p50')!;
      t.diagnostic(`50% slower: ${b.comparisons.map((c) => `${c.metric} ${(c.change * 100).toFixed(1)}% [${c.interval?.map((x) => (x * 100).toFixed(1)).join(', ')}]${c.regression ? ' REGRESSION' : ''}`).join(', ')}; own loop delay p99 ${b.ownLag?.currentP99Ms} ms (baseline ${b.ownLag?.baselineP99Ms})`);
      if (ownLagExplains(b, p50)) return assertOwnLagInconclusive(b, p50);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(p50.regression, true);
      assert.ok(p50.change > 0.35 && p50.change < 0.65, `p50 change ${p50.change}`);
      assert.ok(p50.baseline >= 30 && p50.baseline < 40 && p50.current >= 45 && p50.current < 55, `${p50.baseline} → ${p50.current}`);
      assert.ok(p50.interval![0] > p50.tolerance, `interval ${p50.interval} wholly beyond the tolerance`);
      assert.ok(p50.interval![0] <= p50.change && p50.change <= p50.interval![1], 'the interval holds the change');
      assert.ok(p50.detectable! > 0.1 && p50.detectable! < p50.change, `detectable ${p50.detectable}`);
      assert.equal(b.comparisons.find((c) => c.metric === 'rps')!.regression, false, 'the probe still sends 40/s');
      assert.equal(result.pass, false);
      assertPrinted(r.stdout, result);

      // GitHub Actions: an ::error annotation per regression (escaped: golden.test.ts), printed as rendered; the Markdown appended to the step summary.
      // The terminal report sits between stop-commands markers (server text in it is never a command).
      const token = /^::stop-commands::([0-9a-f]{32})$/m.exec(r.stdout)?.[1];
      assert.ok(token && r.stdout.includes(`\n::${token}::\n`), 'the report is fenced by stop-commands');
      const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::') && !l.includes(token));
      assert.equal(annotations.filter((l) => l.startsWith('::error ')).length, b.regressions, annotations.join('\n'));
      assert.ok(annotations.some((l) => l.startsWith('::error title=wobbly test-latency%3A regression%3A api.p50 ')), annotations.join('\n'));
      assert.equal(`${annotations.join('\n')}\n`, githubAnnotations(result));
      const step = readFileSync(summary, 'utf8');
      assert.equal(readFileSync(markdown, 'utf8'), renderMarkdown(result));
      assert.equal(step, `earlier step\n${renderMarkdown(result)}\n`);

      // JUnit: well-formed for a real XML parser, one testcase per expectation, verdict and comparison.
      const cases = parseJunit(junit);
      const regressions = b.comparisons.filter((c) => c.regression).length;
      assert.deepEqual(cases.suite, { tests: '6', failures: String(regressions), errors: '0', skipped: '0' });
      assert.deepEqual(
        cases.cases.map((c) => [c.classname, c.name, c.failure !== null]),
        [
          ['wobbly.test-latency.expectations', 'api.errorRate < 1%', false],
          ['wobbly.test-latency.verdicts', 'event-loop-stall', false],
          ...b.comparisons.map((c) => ['wobbly.test-latency.baseline', `api.${c.metric}`, c.regression]),
        ],
      );
      assert.ok(cases.cases.find((c) => c.name === 'api.p50')!.failure!.startsWith('api.p50: baseline '));
      assert.equal(readFileSync(junit, 'utf8'), renderJunit(result));

      // wobbly diff: the two results side by side.
      const [d, bad] = await Promise.all([runCli(['diff', baseline, json]), runCli(['diff', baseline, SCENARIO])]);
      assert.equal(d.code, 0, d.stderr);
      assert.equal(d.stdout, renderDiff(read(baseline), result, { color: false, names: ['baseline.json', 'slower.json'] }));
      noEscapes(d.stdout);
      assert.equal(bad.code, 2);
      assert.equal(bad.stderr, `wobbly: ${SCENARIO}: not a readable JSON result (Unexpected token '#', "# A probe "... is not valid JSON)\n`);
    });

    test('--save-baseline F --repeat 3 saves 3 runs; the same server passes against them, 50% slower fails', async (t) => {
      const baseline = join(dir, 'repeat.json');
      let r = await runCli(['run', SCENARIO, '--target', server.url, '--save-baseline', baseline, '--repeat', '3', '--quiet']);
      assert.equal(r.code, 0, r.stderr);
      const file = readAs<BaselineFile>(baseline);
      assert.equal(file.baselineRuns!.length, 3);
      assert.equal(new Set(file.baselineRuns!.map((x) => x.startedAt)).size, 3, 'three distinct runs');
      for (const run of file.baselineRuns!) assert.equal(run.actors.api!.blocks!.count.length, 10, '10 whole 200 ms blocks per run');

      const same = join(dir, 'repeat-same.json');
      const slow = join(dir, 'repeat-slow.json');
      // The two runs against the baseline are independent: side by side, as the self-baseline
      // test's compares are (two light probes on two timer servers).
      const [sameRun, slowRun] = await Promise.all([
        runCli(['run', SCENARIO, '--target', server.url, '--baseline', baseline, '--json', same, '--quiet']),
        runCli(['run', SCENARIO, '--target', slower.url, '--baseline', baseline, '--json', slow]),
      ]);
      r = sameRun;
      const b = read(same).baseline!;
      t.diagnostic(`same: ${b.comparisons.map((c) => `${c.metric} ${(c.change * 100).toFixed(1)}% [${c.interval?.map((x) => (x * 100).toFixed(1)).join(', ')}]`).join(', ')}`);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(b.baselineRuns, 3);
      // The blocks each run's figures come from: 10 of 200 ms, less a leading one with fewer than half
      // the median answers, left out as warm-up (seen once beside a CPU hog: 9).
      const blocks = p50Of(b).noise!.blocks!;
      assert.equal(blocks.length, 4, JSON.stringify(blocks));
      for (const n of blocks) assert.ok(n === 10 || n === 9, JSON.stringify(blocks));
      assert.ok(p50Of(b).noise!.betweenRuns !== undefined);

      r = slowRun;
      const p50 = p50Of(read(slow).baseline!);
      t.diagnostic(`50% slower: p50 ${(p50.change * 100).toFixed(1)}% [${p50.interval!.map((x) => (x * 100).toFixed(1)).join(', ')}], between runs ${p50.noise!.betweenRuns!.toFixed(3)}`);
      assert.equal(read(slow).baseline!.baselineRuns, 3);
      assertPrinted(r.stdout, read(slow)); // the wording of "3 baseline runs": golden.test.ts
      // Baseline runs that agree (here 30 ms each, give or take the machine): 50% slower is a regression.
      // When a busy machine made them disagree by more than 5% (log spread), the gate may say it cannot tell, never ok.
      if (ownLagExplains(read(slow).baseline!, p50)) assertOwnLagInconclusive(read(slow).baseline!, p50);
      else if (p50.noise!.betweenRuns! <= 0.05) {
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.equal(p50.status, 'regression');
        assert.ok(p50.change > 0.35 && p50.change < 0.65, `p50 change ${p50.change}`);
      } else assert.notEqual(p50.status, 'ok');

      r = await runCli(['run', SCENARIO, '--target', server.url, '--repeat', '3']);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, 'wobbly: --repeat K saves a baseline of K runs: give it --save-baseline FILE\n');
    });
  });

  // A and B alternate within the one job: a busy machine slows both alike, but a burst of CLI starts
  // beside one run slows that run only (hence the staggered starts of the self-baseline's runs).
  describe('A/B, secrets', { concurrency: false }, () => {
    test('A/B in one job, 3 pairs: B 50% slower is a regression (exit 1) unless the pairs disagree; A against A exits 0', async (t) => {
      const cmd = (env: string) => `${env}${JSON.stringify(process.execPath)} ${JSON.stringify(SERVER)} --port {port}`;
      const json = join(dir, 'ab.json');
      let r = await runCli(['compare', SCENARIO, '--server-a', cmd(''), '--server-b', cmd('SLOWDOWN=1.5 '), '--repeat', '3', '--json', json, '--server-ready', '/live'], { timeoutMs: 120_000 });
      const out = readAs<{ pairs: { a: RunResult; b: RunResult }[]; comparison: BaselineComparison }>(json);
      assert.equal(out.pairs.length, 3);
      // Interleaved: A, B, A, B, A, B.
      const starts = out.pairs.flatMap((p) => [p.a.startedAt, p.b.startedAt]);
      assert.deepEqual([...starts].sort(), starts);
      const p50 = p50Of(out.comparison);
      const p50s = out.pairs.map((p) => `${p.a.actors.api!.summary.latencyMs.p50} → ${p.b.actors.api!.summary.latencyMs.p50} ms`);
      t.diagnostic(`A/B p50 by pair: ${p50s.join(', ')}; change ${(p50.change * 100).toFixed(1)}%, between pairs ${p50.noise!.betweenRuns!.toFixed(3)}; own loop delay p99 A ${out.comparison.ownLag?.baselineP99Ms} ms, B ${out.comparison.ownLag?.currentP99Ms} ms`);
      assert.ok(p50.change > 0.35 && p50.change < 0.65, `p50 change ${p50.change}`);
      // Pairs that agree (each B about 1.5 × its A): a regression, exit 1. Pairs a busy machine made
      // disagree by more than 5% (log spread): the gate may say it cannot tell, never ok.
      if (ownLagExplains(out.comparison, p50)) assertOwnLagInconclusive(out.comparison, p50);
      else if (p50.noise!.betweenRuns! <= 0.05) {
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.equal(p50.status, 'regression');
        assert.ok(p50.interval![0] > 0.1);
        // The verdict line counts the regressions of the JSON comparison.
        const n = out.comparison.regressions;
        assert.ok(r.stdout.split('\n').includes(`FAIL: ${n} regression${n === 1 ? '' : 's'} of B against A`), r.stdout);
      } else assert.notEqual(p50.status, 'ok', r.stdout);

      r = await runCli(['compare', SCENARIO, '--server-a', cmd(''), '--server-b', cmd(''), '--json', json, '--server-ready', '/live'], { timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(readAs<{ comparison: BaselineComparison }>(json).comparison.regressions, 0);

      r = await runCli(['compare', SCENARIO, '--server-a', cmd('')]);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, 'wobbly: A/B: give both --server-a "CMD" and --server-b "CMD"\n');
    });

    test('secrets: ${env:NAME} and --set x=@env:NAME are used but masked in the terminal, JSON, JUnit, Markdown and the --raw run data', async () => {
      const scenario = join(dir, 'secret.yaml');
      writeFileSync(
        scenario,
        [
          'name: secret',
          'params:',
          '  token: ${env:WOBBLY_TEST_TOKEN}',
          '  tag: none',
          'duration: 1s',
          'actors:',
          '  - name: api',
          '    kind: probe',
          '    path: /slow?ms=5&t=${token}&tag=${tag}',
          '    rate: 20/s',
          '    calibrate: 10',
          '    headers: { authorization: "Bearer ${env:WOBBLY_TEST_TOKEN}" }',
          'expect:',
          '  - api.errorRate < 1%',
          '',
        ].join('\n'),
      );
      const json = join(dir, 'secret.json');
      const junit = join(dir, 'secret.xml');
      const md = join(dir, 'secret.md');
      const raw = join(dir, 'secret.run.gz');
      const env = { WOBBLY_TEST_TOKEN: 's3cr3t-T0KEN', WOBBLY_TEST_TAG: 'tag-from-env' };
      const r = await runCli(['run', scenario, '--target', server.url, '--set', 'tag=@env:WOBBLY_TEST_TAG', '--json', json, '--junit', junit, '--markdown', md, '--raw', raw], { env });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const result = read(json);
      assert.deepEqual(result.scenario.params, { token: '***', tag: '***' });
      const sent = result.actors.api!.summary.requests + result.actors.api!.summary.unfinished;
      assert.ok(sent >= 19 && sent <= 21, `20/s for 1 s: ${sent} sent`);
      assert.equal(result.actors.api!.request, 'GET /slow?ms=5&t=***&tag=***');
      const rawText = gunzipSync(readFileSync(raw)).toString('utf8');
      assert.ok(rawText.includes('"wobbly-run-data"'), 'the run data was saved');
      assert.equal((JSON.parse(rawText) as { calibration: Record<string, { samples: number }> }).calibration.api!.samples, 10, 'calibrate: 10 after the request that opens the connection');
      for (const text of [r.stdout, r.stderr, readFileSync(json, 'utf8'), readFileSync(junit, 'utf8'), readFileSync(md, 'utf8'), rawText]) {
        assert.ok(!text.includes('s3cr3t-T0KEN') && !text.includes('tag-from-env'), `a secret leaked: ${text.slice(0, 200)}`);
      }
      assert.match(readFileSync(junit, 'utf8'), /<property name="param\.token" value="\*\*\*"\/>/);

      const missing = await runCli(['run', scenario, '--target', server.url]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /secret\.yaml:3: params\.token: \$\{env:WOBBLY_TEST_TOKEN\}: the environment variable WOBBLY_TEST_TOKEN is not set/);
      assert.ok(missing.stderr.includes('secret.yaml:12: actors.0.headers.authorization: ${env:WOBBLY_TEST_TOKEN}'), missing.stderr);
    });
  });

  describe('expectations, refusals, terminal, --fail-on', { concurrency: false }, () => {
    before(() => firstBaselineSaved);
    test('expectations that hold exit 0; a failing one exits 1, with the actual value in JSON and report', async () => {
      const json = join(dir, 'pass.json');
      const failed = join(dir, 'fail.json');
      // Two independent light runs (a probe of 40/s each): side by side.
      const [passing, failing] = await Promise.all([
        runCli(['run', SCENARIO, '--target', server.url, '--json', json, '--expect', 'api.p50 < 100ms', '--expect', 'api.p50 >= 30ms', '--expect', 'verdict.event-loop-stall == clear']),
        runCli(['run', SCENARIO, '--target', server.url, '--json', failed, '--expect', 'api.p99 < 10ms', '--expect', 'verdict.pool-starvation == clear']),
      ]);
      let r = passing;
      assert.equal(r.code, 0, r.stdout + r.stderr);
      let result = read(json);
      assert.equal(result.pass, true);
      assert.deepEqual(result.expectations.map((e) => e.expr), ['api.errorRate < 1%', 'api.p50 < 100ms', 'api.p50 >= 30ms', 'verdict.event-loop-stall == clear']);
      const p50 = ms(result.expectations[1]!.actual);
      // A 30 ms timer: never early; late by loopback and scheduler jitter.
      assert.ok(p50 >= 30 && p50 < 45, `p50 ${p50}`);
      assert.equal(p50, Math.round(result.actors.api!.summary.latencyMs.p50));
      assert.deepEqual(result.expectations.map((e) => e.pass), [true, true, true, true]);
      assertPrinted(r.stdout, result);
      noEscapes(r.stdout + r.stderr);

      r = failing;
      assert.equal(r.code, 1, r.stdout + r.stderr);
      result = read(failed);
      assert.equal(result.pass, false);
      const [, p99, pool] = result.expectations;
      assert.equal(p99!.pass, false);
      assert.ok(ms(p99!.actual) >= 30, p99!.actual);
      // No actor of this scenario can show pool starvation: not measured, so not passed.
      assert.deepEqual(pool, { expr: 'verdict.pool-starvation == clear', pass: false, actual: 'not measured (no actor of this run can show pool-starvation)' });
      assert.deepEqual(result.expectations.map((e) => e.pass), [true, false, false]);
      assertPrinted(r.stdout, result);
    });

    test('malformed expectations, tolerances and baselines exit 2 before any request reaches the server', async () => {
      // A server of its own: its request count is exact while the other lanes send to theirs.
      const own = await startServer(SERVER);
      try {
        const before = await getJson<Stats>(`${own.url}/stats`);
        const json = join(dir, 'never.json');
        let r = await runCli(['run', SCENARIO, '--target', own.url, '--json', json, '--expect', 'api.p99 < 200']);
        assert.equal(r.code, 2);
        assert.deepEqual(r.stderr.split('\n').slice(0, 4), [
          `${SCENARIO}: --expect[0]: "api.p99 < 200" — expected a unit after 200 (ms or s): p99 is a latency (column 14)`,
          '    api.p99 < 200',
          '                 ^',
          'wobbly: 1 problem in the scenario; nothing was sent to the target. Fix them and check with `wobbly validate <file>`.',
        ]);

        r = await runCli(['run', SCENARIO, '--target', own.url, '--expect', 'apx.p99 < 2s', '--expect', 'api.p95 < 2s']);
        assert.equal(r.code, 2);
        assert.equal(
          r.stderr,
          [
            `${SCENARIO}: --expect[0]: "apx.p99 < 2s" — unknown actor "apx" (did you mean "api"?); the actors are: api (or verdict.<id>) (column 1)`,
            '    apx.p99 < 2s',
            '    ^',
            `${SCENARIO}: --expect[1]: "api.p95 < 2s" — unknown metric "p95" (did you mean "p90"?); api (probe) has: rps, p50, p90, p99, max, min, mean, failures, errorRate, requests, unfinished, bytes (column 5)`,
            '    api.p95 < 2s',
            '        ^',
            'wobbly: 2 problems in the scenario; nothing was sent to the target. Fix them and check with `wobbly validate <file>`.',
            '',
          ].join('\n'),
        );

        // In the file: the line of the expectation.
        const file = join(dir, 'bad-expect.yaml');
        const badText = readFileSync(SCENARIO, 'utf8').replace('  - api.errorRate < 1%', '  - api.errorRate < 1%\n  - verdict.event-loop-stall => clear');
        writeFileSync(file, badText);
        const badLine = badText.split('\n').indexOf('  - verdict.event-loop-stall => clear') + 1;
        r = await runCli(['validate', file]);
        assert.equal(r.code, 2);
        assert.deepEqual(r.stderr.split('\n').slice(0, 3), [
          `${file}:${badLine}: expect[1]: "verdict.event-loop-stall => clear" — "=>" is not a comparison; did you mean ">="? (column 26)`,
          '    verdict.event-loop-stall => clear',
          '                             ^',
        ]);

        r = await runCli(['run', SCENARIO, '--target', own.url, '--baseline', join(dir, 'missing.json')]);
        assert.equal(r.code, 2);
        assert.equal(r.stderr, `wobbly: ${join(dir, 'missing.json')}: not a readable JSON baseline (ENOENT)\n`);
        r = await runCli(['run', SCENARIO, '--target', own.url, '--max-regression', '10%']);
        assert.equal(r.code, 2);
        assert.equal(r.stderr, 'wobbly: --max-regression needs --baseline FILE (a result saved with --save-baseline or --json)\n');
        r = await runCli(['run', SCENARIO, '--target', own.url, '--baseline', SCENARIO, '--max-regression', 'p95=10%']);
        assert.equal(r.code, 2);
        assert.equal(r.stderr, `error: option '--max-regression <tolerance>' argument 'p95=10%' is invalid. "p95" is not a metric a baseline compares; use one of rps, p50, p90, p99, max, mean, errorRate\n`);

        const afterStats = await getJson<Stats>(`${own.url}/stats`);
        assert.equal(afterStats.requests, before.requests, 'no request reached the server');
        assert.ok(afterStats.connections - before.connections <= 1, 'no connection but our own /stats');
        assert.equal(existsSync(json), false);
      } finally {
        await own.stop();
      }
    });

    test('on a terminal: colours and a progress line; with NO_COLOR neither', async () => {
      // script(1) gives the CLI a pseudo-terminal; util-linux has it everywhere CI runs.
      assert.ok(existsSync('/usr/bin/script'), 'this test needs script(1) (util-linux) for a pseudo-terminal');
      const onTerminal = (env: Record<string, string | undefined>) =>
        new Promise<string>((resolve, reject) => {
          const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'bin/wobbly.js'))} run ${JSON.stringify(SCENARIO)} --target ${server.url} --set duration=1s`;
          const e = { ...process.env, ...env };
          if (env.NO_COLOR === undefined) delete e.NO_COLOR;
          const child = track(spawn('/usr/bin/script', ['-qefc', cmd, '/dev/null'], { env: e, stdio: ['ignore', 'pipe', 'pipe'] }));
          let out = '';
          child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
          child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
          const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
          child.once('close', (code) => {
            clearTimeout(timer);
            if (code === 0) resolve(out);
            else reject(new Error(`exit ${code}: ${out}`));
          });
        });
      // The two runs are independent: side by side.
      const [plain, colored] = await Promise.all([onTerminal({ NO_COLOR: '1', TERM: 'xterm' }), onTerminal({ TERM: 'xterm' })]);
      assert.match(plain, /event-loop-stall/);
      assert.doesNotMatch(plain, /\u001b/);
      // The live view's header, redrawn in place: elapsed, share and ETA of the one clock, in order.
      const frames = [...colored.matchAll(/\r\u001b\[0J\u001b\[1m(\d+\.\d) s of 1\.0 s {2}(\d+)% {2}ETA (\d+\.\d) s {2}test-latency/g)].map((m) => ({ elapsed: Number(m[1]), pct: Number(m[2]), eta: Number(m[3]) }));
      assert.ok(frames.length >= 1, 'live view');
      for (const [i, f] of frames.entries()) {
        // Each figure is rounded on its own (0.1 s, 1 %) from the same elapsed time, and the share stops
        // at 100 %, the ETA at 0, if the last frame comes after the duration: they agree within that.
        within(f.pct, Math.min(100, f.elapsed * 100), 5.51, `frame ${i}: share`);
        within(f.elapsed + f.eta, Math.max(1.0, f.elapsed), 0.101, `frame ${i}: elapsed + ETA`);
        if (i > 0) assert.ok(f.elapsed >= frames[i - 1]!.elapsed, `frame ${i}: elapsed goes forward`);
      }
      assert.match(colored, /\u001b\[3[123]m(clear|DETECTED|INCONCLUSIVE)/, 'coloured verdict');
    });

    test('--fail-on detected: a detected verdict fails the run (exit 1, in the outcome); a bad level is exit 2', async () => {
      // A server of its own: /heavy blocks its event loop for 1 s, which would stall the other lanes' probes.
      const own = await startServer(SERVER);
      try {
        const json = join(dir, 'stall.json');
        const junit = join(dir, 'stall.xml');
        let r = await runCli(['run', STALL, '--target', own.url, '--set', 'duration=3s', '--json', json, '--quiet']);
        assert.equal(r.code, 0, 'a detected verdict alone does not fail the run');
        assert.equal(read(json).verdicts.find((v) => v.id === 'event-loop-stall')!.status, 'detected');
        r = await runCli(['run', STALL, '--target', own.url, '--set', 'duration=3s', '--json', json, '--junit', junit, '--fail-on', 'detected']);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const result = read(json);
        assert.equal(result.pass, false);
        assert.deepEqual(result.failOn, { level: 'detected', verdicts: ['event-loop-stall'] });
        // The report is the rendering of that result (its FAIL line: golden.test.ts).
        assertPrinted(r.stdout, result);
        r = await runCli(['run', STALL, '--target', own.url, '--fail-on', 'sometimes']);
        assert.equal(r.code, 2);
        assert.equal(r.stderr, `error: option '--fail-on <level>' argument 'sometimes' is invalid. expected "detected" (a detected verdict fails the run) or "inconclusive" (a detected or inconclusive one does), got "sometimes"\n`);
      } finally {
        await own.stop();
      }
    });
  });
});
