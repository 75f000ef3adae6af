// The CI side of `wobbly run`: the baseline gate (checked before any request), and the reports
// for CI (baseline file, JUnit, Markdown, GitHub step summary and annotations).
import { appendFile } from 'node:fs/promises';
import { compareToBaseline, withBaseline } from '../baseline/compare.js';
import { defaultTolerances, type Tolerances } from '../baseline/tolerance.js';
import { githubAnnotations } from '../report/github.js';
import { renderJunit } from '../report/junit.js';
import { renderMarkdown } from '../report/markdown.js';
import { STDOUT, writeOutput } from '../report/write-file.js';
import { InputError, readResult } from '../result/read.js';
import type { RunResult } from '../result/types.js';
import { formatMs } from '../format.js';
import type { Scenario } from '../types.js';
import type { Io } from './io.js';
import { stdoutTaken } from './outputs.js';

export interface CiFlags {
  baseline?: string;
  maxRegression?: Tolerances;
  saveBaseline?: string;
  junit?: string;
  markdown?: string;
  quiet?: boolean;
}

/** Read and check --baseline before the run; returns what to do with the result after it. */
export async function baselineGate(scenario: Scenario, flags: CiFlags): Promise<((r: RunResult) => RunResult) | undefined> {
  if (!flags.baseline) {
    if (flags.maxRegression) throw new InputError('--max-regression needs --baseline FILE (a result saved with --save-baseline or --json)');
    return undefined;
  }
  const file = flags.baseline;
  const baseline = await readResult(file, 'baseline');
  if (baseline.partial) throw new InputError(`${file}: the baseline is a partial result (${baseline.stoppedBy ?? 'cut short'}); save a complete run with --save-baseline`);
  if (baseline.bucketMs !== scenario.bucketMs) {
    throw new InputError(
      `${file}: the baseline was measured with ${formatMs(baseline.bucketMs)} timeline buckets and this scenario uses ${formatMs(scenario.bucketMs)}; the noise test compares buckets, so use the same timeline: bucket`,
    );
  }
  const tolerances = flags.maxRegression ?? defaultTolerances();
  // A run cut short is not compared: its exit code (130 or 3) says why already.
  return (r) => (r.partial ? r : withBaseline(r, compareToBaseline(baseline, r, tolerances, file)));
}

export async function writeCiReports(result: RunResult, flags: CiFlags & { json?: string }, io: Io): Promise<void> {
  const say = (text: string) => {
    if (!flags.quiet) (stdoutTaken(flags) ? io.err : io.out)(text);
  };
  const write = (path: string, text: string, done: string) => writeOutput(path, text, io.out).then(() => path !== STDOUT && say(done));
  if (flags.saveBaseline !== undefined) {
    if (result.partial) io.err(`wobbly: --save-baseline: not saved, the run was cut short (${result.stoppedBy ?? 'partial'})\n`);
    else {
      await write(flags.saveBaseline, JSON.stringify(result, null, 2) + '\n', `baseline saved to ${flags.saveBaseline}\n`);
    }
  }
  if (flags.junit !== undefined) {
    await write(flags.junit, renderJunit(result), `JUnit report written to ${flags.junit}\n`);
  }
  const markdown = flags.markdown || io.github?.stepSummary ? renderMarkdown(result) : '';
  if (flags.markdown !== undefined) {
    await write(flags.markdown, markdown, `Markdown summary written to ${flags.markdown}\n`);
  }
  if (io.github) {
    if (io.github.stepSummary) await appendFile(io.github.stepSummary, `${markdown}\n`, 'utf8');
    // Workflow commands are read from stdout, also with --quiet.
    io.out(githubAnnotations(result));
  }
}
