// Scenario → run data → analysis → verdicts → result: the whole measurement, without any I/O of
// its own beyond the traffic to the target (the CLI decides what to print and write). A saved
// RunData goes through the same steps (resultOf), so `wobbly analyse` gives what the run gave.
import { analyse } from './analysis/analyse.js';
import { runScenario, type RunOptions } from './engine/run.js';
import { buildResult } from './result/build.js';
import type { RunResult } from './result/types.js';
import type { RunData } from './run-data/types.js';
import type { Scenario } from './types.js';
import { judge } from './verdicts/judge.js';
import { withExpectations } from './expect/evaluate.js';
import { maskSecrets } from './scenario/secrets.js';

export async function execute(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  return (await executeRun(scenario, options)).result;
}

/** The run, and its result: for the CLI, which may save the run data too (--raw). */
export async function executeRun(scenario: Scenario, options: RunOptions = {}): Promise<{ data: RunData; result: RunResult }> {
  const data = await runScenario(scenario, options);
  return { data, result: resultOf(data) };
}

/** Analysis, verdicts and expectations of a run's data; values from the environment masked. */
export function resultOf(data: RunData): RunResult {
  const analysis = analyse(data);
  const s = data.scenario;
  return maskSecrets(withExpectations(buildResult(data, analysis, judge(analysis)), s.expect, s.expectLines), s.secrets);
}
