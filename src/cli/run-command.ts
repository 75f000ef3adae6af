// `wobbly run`: load the scenario, run it, print the report, write the JSON, pick the exit code.
import { loadScenario, type LoadOptions } from '../scenario/load.js';
import { execute } from '../pipeline.js';
import { renderTerminal } from '../report/terminal.js';
import { writeFileAtomic } from '../report/write-file.js';
import type { RunResult } from '../result/types.js';
import type { Scenario } from '../types.js';
import { EXIT } from './exit-codes.js';
import type { Io } from './io.js';
import { progressLine } from './progress.js';
import { baselineGate, writeCiReports, type CiFlags } from './ci.js';

export interface RunFlags extends CiFlags {
  target?: string;
  set: Record<string, string>;
  json?: string;
  quiet?: boolean;
  expect?: string[];
}

export async function runCommand(ref: string, flags: RunFlags, io: Io): Promise<number> {
  const load: LoadOptions = { set: flags.set, target: flags.target, expect: flags.expect };
  const scenario = await loadScenario(ref, load);
  const gate = await baselineGate(scenario, flags); // before any request: a bad baseline is exit 2
  const result = await runAndReport(scenario, flags, io, gate);
  return exitCodeOf(result);
}

export async function runAndReport(scenario: Scenario, flags: Pick<RunFlags, 'json' | 'quiet'> & CiFlags, io: Io, finish?: (r: RunResult) => RunResult): Promise<RunResult> {
  const progress = (io.progress ?? io.isTTY) && !flags.quiet ? progressLine(io, scenario) : undefined;
  let result: RunResult;
  try {
    result = await execute(scenario, { interrupt: io.interrupt, onProgress: progress?.update });
  } finally {
    progress?.clear();
  }
  if (finish) result = finish(result);
  if (flags.json) await writeFileAtomic(flags.json, JSON.stringify(result, null, 2) + '\n');
  if (!flags.quiet) io.out(renderTerminal(result, { color: io.color, width: io.width }));
  if (flags.json && !flags.quiet) io.out(`result written to ${flags.json}\n`);
  await writeCiReports(result, flags, io);
  return result;
}

export function exitCodeOf(result: RunResult): number {
  if (result.stoppedBy === 'interrupt') return EXIT.interrupted;
  if (result.stoppedBy === 'target-down') return EXIT.targetUnreachable;
  return result.pass ? EXIT.ok : EXIT.expectationFailed;
}
