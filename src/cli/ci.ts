// The CI side of `wobbly run`: the baseline gate (checked before any request), what every result
// gets before it is printed or saved (secrets masked, --fail-on), baselines of
// K runs (--save-baseline F --repeat K), and the reports for CI (baseline file, JUnit, Markdown,
// GitHub step summary and annotations).
import { appendFile } from 'node:fs/promises';
import type { BaselineFile } from '../baseline/compare.js';
import { defaultTolerances, type Tolerances } from '../baseline/tolerance.js';
import { githubAnnotations } from '../report/github.js';
import { renderJunit } from '../report/junit.js';
import { renderMarkdown } from '../report/markdown.js';
import { STDOUT, writeFileAtomic, writeOutput } from '../report/write-file.js';
import { InputError, readResult } from '../result/read.js';
import type { RunResult } from '../result/types.js';
import { maskSecrets } from '../scenario/secrets.js';
import { formatMs } from '../format.js';
import type { Scenario } from '../types.js';
import type { Io } from './io.js';
import { stdoutTaken } from './outputs.js';

import type { FailOn } from './fail-on.js';
export { parseFailOn, type FailOn } from './fail-on.js';

export interface CiFlags {
  baseline?: string;
  maxRegression?: Tolerances;
  saveBaseline?: string;
  /** With --save-baseline: runs to save (their spread is the baseline's noise). */
  repeat?: string;
  failOn?: FailOn;
  junit?: string;
  markdown?: string;
  quiet?: boolean;
}

export const MAX_REPEAT = 20;


export function parseRepeat(text: string | undefined, flags: Pick<CiFlags, 'saveBaseline'>): number {
  if (text === undefined) return 1;
  const k = Number(text);
  if (!Number.isInteger(k) || k < 1 || k > MAX_REPEAT) throw new InputError(`--repeat: expected a whole number from 1 to ${MAX_REPEAT}, got "${text}"`);
  if (k > 1 && !flags.saveBaseline) throw new InputError('--repeat K saves a baseline of K runs: give it --save-baseline FILE');
  return k;
}

/** --fail-on: the verdicts that fail the run. */
export function withFailOn(r: RunResult, level: FailOn | undefined): RunResult {
  if (!level) return r;
  const verdicts = r.verdicts.filter((v) => v.status === 'detected' || (level === 'inconclusive' && v.status === 'inconclusive')).map((v) => v.id);
  return { ...r, failOn: { level, verdicts }, pass: r.pass && verdicts.length === 0 };
}

/** What every result of `wobbly run` gets before it is printed or saved. */
export function finishResult(scenario: Scenario, flags: Pick<CiFlags, 'failOn'>): (r: RunResult) => RunResult {
  return (r) => maskSecrets(withFailOn(r, flags.failOn), scenario.secrets);
}

/** Read and check --baseline before the run; returns what to do with the result after it. */
export async function baselineGate(scenario: Scenario, flags: CiFlags): Promise<(r: RunResult) => RunResult> {
  parseRepeat(flags.repeat, flags);
  const finish = finishResult(scenario, flags);
  if (!flags.baseline) {
    if (flags.maxRegression) throw new InputError('--max-regression needs --baseline FILE (a result saved with --save-baseline or --json)');
    return finish;
  }
  const file = flags.baseline;
  const baseline = (await readResult(file, 'baseline')) as BaselineFile;
  if (baseline.partial) throw new InputError(`${file}: the baseline is a partial result (${baseline.stoppedBy ?? 'cut short'}); save a complete run with --save-baseline`);
  const tolerances = flags.maxRegression ?? defaultTolerances();
  // Imported here: the comparison brings the HDR histograms into the main thread, which a run without a baseline does not need.
  const { compareToBaseline, withBaseline } = await import('../baseline/compare.js');
  // A run cut short is not compared: its exit code (130 or 3) says why already.
  return (r) => finish(r.partial ? r : withBaseline(r, compareToBaseline(baseline, r, tolerances, file)));
}

/**
 * --save-baseline F --repeat K: K runs one after the other, saved together. Only the last is
 * reported in full; the baseline is saved only when every run completed.
 */
export async function repeatedBaseline(k: number, flags: CiFlags, io: Io, runOnce: (flags: CiFlags, last: boolean) => Promise<RunResult>): Promise<RunResult> {
  const runs: RunResult[] = [];
  for (let i = 0; i < k; i++) {
    if (!flags.quiet) io.err(`wobbly: baseline run ${i + 1}/${k}\n`);
    const last = i === k - 1;
    const r = await runOnce({ ...flags, saveBaseline: undefined, junit: last ? flags.junit : undefined, markdown: last ? flags.markdown : undefined, quiet: flags.quiet || !last }, last);
    runs.push(r);
    if (r.partial) {
      io.err(`wobbly: --save-baseline: not saved, run ${i + 1} of ${k} was cut short (${r.stoppedBy ?? 'partial'})\n`);
      return r;
    }
  }
  const { baselineFile } = await import('../baseline/compare.js');
  await writeFileAtomic(flags.saveBaseline!, JSON.stringify(baselineFile(runs), null, 2) + '\n');
  if (!flags.quiet) io.out(`baseline of ${k} runs saved to ${flags.saveBaseline}\n`);
  return runs[runs.length - 1]!;
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
