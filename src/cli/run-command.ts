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

export interface RunFlags {
  target?: string;
  set: Record<string, string>;
  json?: string;
  quiet?: boolean;
}

export async function runCommand(ref: string, flags: RunFlags, io: Io): Promise<number> {
  const load: LoadOptions = { set: flags.set, target: flags.target };
  const scenario = await loadScenario(ref, load);
  const result = await runAndReport(scenario, flags, io);
  return exitCodeOf(result);
}

export async function runAndReport(scenario: Scenario, flags: Pick<RunFlags, 'json' | 'quiet'>, io: Io): Promise<RunResult> {
  const progress = io.isTTY && !flags.quiet ? progressLine(io, scenario) : undefined;
  let result: RunResult;
  try {
    result = await execute(scenario, { interrupt: io.interrupt, onProgress: progress?.update });
  } finally {
    progress?.clear();
  }
  if (flags.json) await writeFileAtomic(flags.json, JSON.stringify(result, null, 2) + '\n');
  if (!flags.quiet) io.out(renderTerminal(result, { color: io.color, width: io.width }));
  if (flags.json && !flags.quiet) io.out(`result written to ${flags.json}\n`);
  return result;
}

export function exitCodeOf(result: RunResult): number {
  if (result.stoppedBy === 'interrupt') return EXIT.interrupted;
  if (result.stoppedBy === 'target-down') return EXIT.targetUnreachable;
  return result.pass ? EXIT.ok : EXIT.expectationFailed;
}
