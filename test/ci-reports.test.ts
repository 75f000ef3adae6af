// The CI reporters as pure functions: JUnit (escaping, verdicts as failures/skipped, checked by a
// real XML parser), Markdown, GitHub annotation escaping, diff, and the terminal settings
// (no colours nor progress off a terminal or with NO_COLOR).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJunit, xmlAttr, xmlText } from '../src/report/junit.js';
import { mdCell, renderMarkdown } from '../src/report/markdown.js';
import { escapeData, escapeProperty, githubAnnotations } from '../src/report/github.js';
import { renderDiff } from '../src/report/diff.js';
import { renderTerminal } from '../src/report/terminal.js';
import { terminalSettings } from '../src/cli/io.js';
import { withExpectations } from '../src/expect/evaluate.js';
import { compareToBaseline } from '../src/baseline/compare.js';
import { defaultTolerances } from '../src/baseline/tolerance.js';
import type { RunResult } from '../src/result/types.js';
import { actor, buckets, result, sampleResult, stallVerdict } from './fixtures/results.js';
import { matchesGolden, ROOT, tempDir, within } from './helpers.js';
import { syntheticRun } from './fixtures/synthetic-runs.js';

const NASTY = 'a<b>&"quoted" \'single\' ]]> tab\there\nnew line \u0001 ctl \u{1F40D} lone \uD800 end';

function nastyResult(): RunResult {
  const r = withExpectations(sampleResult(), ['probe.p99 < 20ms', 'probe.rps > 1', 'verdict.pool-starvation == clear']);
  r.verdicts = [
    { ...stallVerdict, summary: NASTY },
    { id: 'serialized', status: 'inconclusive', summary: 'could not tell', hint: 'h', evidence: {} },
    { id: 'thread-hopping', status: 'clear', summary: 'no hop', hint: 'h', evidence: {} },
  ];
  r.scenario.params = { path: NASTY };
  return r;
}

/** Python's expat parser: a real XML parser, strict about well-formedness. */
function wellFormed(xml: string): { ok: boolean; error: string; texts: string[] } {
  const file = join(tempDir(), 'r.xml');
  writeFileSync(file, xml);
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const script = 'import json,sys,xml.dom.minidom as m\nd=m.parse(sys.argv[1])\nprint(json.dumps([e.getAttribute("message") for e in d.getElementsByTagName("failure")]))';
  const out = spawnSync(python, ['-c', script, file], { encoding: 'utf8' });
  return { ok: out.status === 0, error: out.stderr, texts: out.status === 0 ? (JSON.parse(out.stdout) as string[]) : [] };
}

test('JUnit: one testcase per expectation and verdict; detected fails, inconclusive is skipped; well-formed with any text', () => {
  const xml = renderJunit(nastyResult());
  const parsed = wellFormed(xml);
  assert.ok(parsed.ok, parsed.error);
  // The whole document (counts, a failure per failed expectation and detected verdict, skipped for inconclusive): a golden file.
  matchesGolden('nasty.junit.xml', xml);
  // The attribute survives the round trip: newlines and tabs kept, forbidden characters replaced.
  const stall = parsed.texts.find((t) => t.startsWith('event-loop-stall detected'))!;
  assert.equal(stall, `event-loop-stall detected: ${NASTY.replace('\u0001', '\uFFFD').replace('\uD800', '\uFFFD')}`);
  assert.deepEqual(parsed.texts.slice(0, 2), ['probe.p99 < 20ms: failed, actual 25 ms', 'verdict.pool-starvation == clear: failed, actual not measured (no actor of this run can show pool-starvation)']);
  assert.equal(xmlText('a]]>b<'), 'a]]&gt;b&lt;');
  assert.equal(xmlAttr('"\'\n'), '&quot;&apos;&#10;');
});

test('Markdown: outcome, tables with escaped cells', () => {
  const md = renderMarkdown(nastyResult());
  matchesGolden('nasty.md', md);
  // Markup escaped, the line break folded, control characters and a lone surrogate shown as escapes.
  const stallRow = md.split('\n').find((l) => l.startsWith('| 🔴 | `event-loop-stall`'));
  assert.equal(stallRow, "| 🔴 | `event-loop-stall` | detected | a&lt;b&gt;&amp;\"quoted\" 'single' ]]&gt; tab\there new line \\\\x01 ctl \u{1F40D} lone \\\\ud800 end |");
  assert.equal(mdCell('a|b\nc'), 'a\\|b c');
});

test('GitHub annotations: ::error per failure, ::warning per detected verdict, escaped', () => {
  assert.equal(escapeData('50% done\r\nnext'), '50%25 done%0D%0Anext');
  assert.equal(escapeProperty('a: b, c%'), 'a%3A b%2C c%25');
  const r = nastyResult();
  r.scenario.source = 'scenarios/api.yaml';
  r.expectations[0]!.line = 12;
  const lines = githubAnnotations(r).trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.equal(lines[0], '::error file=scenarios/api.yaml,line=12,title=wobbly fixture%3A expectation failed%3A probe.p99 < 20ms::probe.p99 < 20ms: failed, actual 25 ms');
  assert.equal(lines[1], '::error file=scenarios/api.yaml,title=wobbly fixture%3A expectation failed%3A verdict.pool-starvation == clear::verdict.pool-starvation == clear: failed, actual not measured (no actor of this run can show pool-starvation)');
  // A warning is one short line (control characters shown as escapes); the hint is in the step summary.
  assert.equal(lines[2], `::warning file=scenarios/api.yaml,title=wobbly fixture%3A event-loop-stall detected::a<b>&"quoted" 'single' ]]> tab\there new line \\x01 ctl \u{1F40D} lone \\ud800 end (hint: see the step summary)`);
  r.verdicts[0]!.summary = 'x'.repeat(900);
  const long = githubAnnotations(r).trimEnd().split('\n')[2]!;
  assert.ok(long.length < 320, `${long.length} characters`);
  // An absolute or built-in source names no file.
  r.scenario.source = '/abs/x.yaml';
  assert.ok(!githubAnnotations(r).includes('file='));
});

test('terminal settings: colours and progress only on a terminal without NO_COLOR; GitHub Actions detected', () => {
  const tty = { stdoutIsTTY: true, stderrIsTTY: true, columns: 80 };
  assert.deepEqual(terminalSettings({ env: {}, ...tty }), { isTTY: true, color: true, width: 80, progress: true });
  assert.deepEqual(terminalSettings({ env: { NO_COLOR: '1' }, ...tty }), { isTTY: true, color: false, width: 80, progress: false });
  assert.deepEqual(terminalSettings({ env: {}, stdoutIsTTY: false, stderrIsTTY: false }), { isTTY: false, color: false, width: 100, progress: false });
  assert.deepEqual(terminalSettings({ env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '/tmp/s.md' }, stdoutIsTTY: false, stderrIsTTY: false }).github, { stepSummary: '/tmp/s.md' });
  assert.equal(terminalSettings({ env: { GITHUB_ACTIONS: 'false' }, ...tty }).github, undefined);
});

test('terminal report and diff of a baseline comparison', () => {
  const steady = [30.1, 30.4, 29.8, 30.6, 30.2, 29.9, 30.3, 30.0, 30.5, 29.7];
  const run = (f: number) =>
    result({ api: actor('probe', { requests: 100, rps: 40, latency: { p50: 30 * f, p90: 33 * f, p99: 38 * f, max: 40 * f }, timeline: buckets(steady.map((x) => x * f), 8, 200) }) }, [stallVerdict], {
      durationMs: 2000,
      bucketMs: 200,
    });
  const base = syntheticRun({ seed: 1, medianMs: 30, sigma: 0.1 });
  const slow = syntheticRun({ seed: 2, medianMs: 45, sigma: 0.1 });
  slow.baseline = compareToBaseline(base, slow, defaultTolerances(), 'base.json');
  slow.pass = false;
  const text = renderTerminal(slow, { color: false });
  // The figures on the comparison's fields: medians 30 and 45 ms (+50 %), an interval around it
  // that lies wholly beyond the 10 % tolerance; the wording of the table is the golden file's.
  const p50 = slow.baseline.comparisons.find((c) => c.actor === 'load' && c.metric === 'p50')!;
  assert.equal(p50.status, 'regression');
  within(p50.change, 0.5, 0.05, 'p50 change');
  assert.ok(p50.interval![0] > 0.1 && p50.interval![0] <= p50.change && p50.change <= p50.interval![1], JSON.stringify(p50));
  matchesGolden('baseline-synthetic.terminal.txt', text);
  assert.equal(slow.baseline.regressions, 3);
  const diff = renderDiff(run(1), run(1.5), { color: false, names: ['a.json', 'b.json'] });
  // The side-by-side view of the same synthetic runs (p50 30 → 45 ms, rps 40 both, the stall in both): a golden file.
  matchesGolden('baseline-synthetic.diff.txt', diff);
});

test('JUnit is valid against the Jenkins/Ant junit-10.xsd (xmllint), with a baseline, skipped and failed cases', () => {
  const r = nastyResult();
  const base = syntheticRun({ seed: 1 });
  const cur = syntheticRun({ seed: 2, medianMs: 150 });
  r.baseline = compareToBaseline(base, cur, defaultTolerances(), 'base.json');
  r.startedAt = '2026-03-04T05:06:07.891Z';
  const file = join(tempDir(), 'junit.xml');
  writeFileSync(file, renderJunit(r));
  const out = spawnSync('xmllint', ['--noout', '--schema', join(ROOT, 'test/fixtures/junit-10.xsd'), file], { encoding: 'utf8' });
  assert.equal(out.error, undefined, 'xmllint must be installed (Debian: libxml2-utils; .ci/run installs it)');
  assert.equal(out.status, 0, out.stderr);
  assert.equal(out.stderr, `${file} validates\n`);
  assert.ok(renderJunit(r).includes(' timestamp="2026-03-04T05:06:07">'), 'the run start, without milliseconds');
  // The schema has teeth: the old testsuites@skipped is rejected.
  writeFileSync(file, renderJunit(r).replace('<testsuites name="wobbly"', '<testsuites name="wobbly" skipped="1"'));
  const bad = spawnSync('xmllint', ['--noout', '--schema', join(ROOT, 'test/fixtures/junit-10.xsd'), file], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.ok(bad.stderr.includes('skipped'), bad.stderr);
});

test("README's GitHub Actions job is valid YAML and uses only flags `wobbly run` has", async () => {
  const { readFileSync } = await import('node:fs');
  const { parse } = await import('yaml');
  const { ROOT, runCli } = await import('./helpers.js');
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### A GitHub Actions job'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
  const workflow = parse(block) as { jobs: { wobbly: { steps: { run?: string; uses?: string }[] } } };
  const steps = workflow.jobs.wobbly.steps;
  assert.ok(steps.some((s) => s.uses?.startsWith('actions/upload-artifact@')));
  const script = steps.map((s) => s.run ?? '').join('\n');
  const flags = new Set([...script.matchAll(/(?:^|[\s(])(--[a-z-]+)/g)].map((m) => m[1]!));
  assert.ok(flags.has('--baseline') && flags.has('--save-baseline') && flags.has('--json'), [...flags].join(' '));
  const help = (await runCli(['run', '--help'])).stdout;
  for (const f of flags) if (f !== '--host' && f !== '--port') assert.ok(help.includes(`${f} `) || help.includes(`${f},`), `wobbly run has ${f}`);
});
