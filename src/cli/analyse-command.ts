// `wobbly analyse FILE`: a run saved with --raw, analysed again (analysis, verdicts,
// expectations, the report) exactly as `wobbly run` did, without sending anything.
import { resultOf } from '../pipeline.js';
import { readRunData } from '../run-data/file.js';
import { withFailOn, type FailOn } from './ci.js';
import type { Io } from './io.js';
import { checkOutputs } from './outputs.js';
import { exitCodeOf, writeAndShow } from './run-command.js';

export interface AnalyseFlags {
  json?: string;
  /** Write the HTML report of the recomputed result (the page `run --html` wrote). */
  html?: string;
  /** As `wobbly run --fail-on` (a flag, not part of the run's data). */
  failOn?: FailOn;
  quiet?: boolean;
}

export async function analyseCommand(file: string, flags: AnalyseFlags, io: Io): Promise<number> {
  await checkOutputs({ json: flags.json, html: flags.html }); // a bad path is exit 2 before the work
  const data = await readRunData(file); // InputError → exit 2
  const result = withFailOn(resultOf(data), flags.failOn);
  await writeAndShow(result, flags, io);
  return exitCodeOf(result);
}
