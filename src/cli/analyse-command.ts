// `wobbly analyse FILE`: a run saved with --raw, analysed again (analysis, verdicts,
// expectations, the report) exactly as `wobbly run` did, without sending anything.
import { resultOf } from '../pipeline.js';
import { renderTerminal } from '../report/terminal.js';
import { writeFileAtomic } from '../report/write-file.js';
import { readRunData } from '../run-data/file.js';
import { withFailOn, type FailOn } from './ci.js';
import type { Io } from './io.js';
import { exitCodeOf } from './run-command.js';

export interface AnalyseFlags {
  json?: string;
  /** As `wobbly run --fail-on` (a flag, not part of the run's data). */
  failOn?: FailOn;
  quiet?: boolean;
}

export async function analyseCommand(file: string, flags: AnalyseFlags, io: Io): Promise<number> {
  const data = await readRunData(file); // InputError → exit 2
  const result = withFailOn(resultOf(data), flags.failOn);
  if (flags.json) await writeFileAtomic(flags.json, JSON.stringify(result, null, 2) + '\n');
  if (!flags.quiet) io.out(renderTerminal(result, { color: io.color, width: io.width }));
  if (flags.json && !flags.quiet) io.out(`result written to ${flags.json}\n`);
  return exitCodeOf(result);
}
