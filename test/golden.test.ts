// Golden-text tests: every reporter renders fixed results (captured from real runs of the demo and
// of the CI fixtures) and must produce exactly the text in test/golden/. A change of wording is a
// reviewed update of those files (`UPDATE_GOLDEN=1 npm test`), never a flaky regex on a live run.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTerminal } from '../src/report/terminal.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderJunit } from '../src/report/junit.js';
import { githubAnnotations } from '../src/report/github.js';
import { renderDiff } from '../src/report/diff.js';
import { renderCompare } from '../src/report/compare-table.js';
import type { CompareRow, Recommendation } from '../src/compare/summarise.js';
import type { RunResult } from '../src/result/types.js';
import { matchesGolden, RESULT_FIXTURES } from './helpers.js';

/** One fixture per kind of finding: a stall, a pool and a serialized load (inconclusive), a sweep, streams, head-of-line, expectations with a baseline. */
const FIXTURES = ['stall', 'pool', 'serialized', 'sweep', 'streams-hopping', 'streams-stable', 'head-of-line', 'head-of-line-2-workers', 'baseline', 'regression'];

const fixture = <T = RunResult>(name: string): T => JSON.parse(readFileSync(join(RESULT_FIXTURES, `${name}.json`), 'utf8')) as T;

test('terminal report (with the load, sweep, stream and identity sections) of every fixture', () => {
  for (const name of FIXTURES) matchesGolden(`${name}.terminal.txt`, renderTerminal(fixture(name), { color: false }));
  // Colours on a terminal, and a narrow one: the same words, painted and wrapped.
  matchesGolden('stall.terminal-color-60.txt', renderTerminal(fixture('stall'), { color: true, width: 60 }));
});

test('Markdown report of every fixture', () => {
  for (const name of FIXTURES) matchesGolden(`${name}.md`, renderMarkdown(fixture(name)));
});

test('JUnit report of every fixture', () => {
  for (const name of FIXTURES) matchesGolden(`${name}.junit.xml`, renderJunit(fixture(name)));
});

test('GitHub annotations of every fixture', () => {
  for (const name of FIXTURES) matchesGolden(`${name}.github.txt`, githubAnnotations(fixture(name)));
});

test('wobbly diff of the baseline and the regressed run', () => {
  matchesGolden('diff.txt', renderDiff(fixture('baseline'), fixture('regression'), { color: false, names: ['baseline.json', 'regression.json'] }));
});

test('wobbly compare table and recommendation', () => {
  const c = fixture<{ scenario: string; rows: CompareRow[]; recommended: Recommendation | null }>('compare');
  matchesGolden('compare.txt', renderCompare(c.rows, c.recommended ?? undefined, c.scenario));
});

test('a partial result says why it stopped: interrupted, or the target stopped answering (terminal)', () => {
  const stall = fixture('stall');
  const interrupted: RunResult = { ...stall, partial: true, stoppedBy: 'interrupt' };
  const down: RunResult = { ...stall, partial: true, stoppedBy: 'target-down', targetDown: { atMs: 1012, error: 'ECONNREFUSED' } };
  const partialLines = (r: RunResult) => renderTerminal(r, { color: false }).split('\n').filter((l) => l.startsWith('PARTIAL RESULT'));
  matchesGolden('partial.terminal.txt', [...partialLines(interrupted), ...partialLines(down)].join('\n') + '\n');
});

test('the outcome of --fail-on and the comparison with a repeat baseline (terminal)', () => {
  const failed: RunResult = { ...fixture('stall'), failOn: { level: 'detected', verdicts: ['event-loop-stall'] }, pass: false };
  const base = fixture('regression');
  const repeat: RunResult = { ...base, baseline: { ...base.baseline!, baselineRuns: 3 } };
  const lines = (r: RunResult, keep: (l: string) => boolean) => renderTerminal(r, { color: false }).split('\n').filter(keep);
  matchesGolden('outcome-lines.terminal.txt', [...lines(failed, (l) => l.startsWith('FAIL')), ...lines(repeat, (l) => l.includes('baseline runs'))].join('\n') + '\n');
});
