// Scenario → run → analysis → verdicts → result: the whole measurement, without any I/O of
// its own beyond the traffic to the target (the CLI decides what to print and write).
import { analyse } from './analysis/analyse.js';
import { runScenario, type RunOptions } from './engine/run.js';
import { buildResult } from './result/build.js';
import type { RunResult } from './result/types.js';
import type { Scenario } from './types.js';
import { judge } from './verdicts/judge.js';
import { withExpectations } from './expect/evaluate.js';

export async function execute(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const record = await runScenario(scenario, options);
  const analysis = analyse(record);
  return withExpectations(buildResult(record, analysis, judge(analysis)), scenario.expect);
}
