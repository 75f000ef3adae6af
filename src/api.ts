// The library interface of wobbly-cli (`import { loadScenario, run } from 'wobbly-cli'`): the same
// stages the CLI uses — scenario → run data → result → report — without touching `process`.
import { runScenario } from './engine/run.js';
import type { RunRecord } from './engine/run-record.js';
import { resultOf } from './pipeline.js';
import type { RunResult } from './result/types.js';
import type { RunData } from './run-data/types.js';
import type { Scenario } from './types.js';

export { loadScenario, parseScenario, listBuiltinScenarios, type LoadOptions, type BuiltinScenario } from './scenario/load.js';
export { ScenarioError, formatProblem } from './scenario/problems.js';
export { resultOf as analyseRunData } from './pipeline.js';
export { readRunData, encodeRunData, decodeRunData } from './run-data/file.js';
export { readResult } from './result/read.js';
export { InputError } from './input-error.js';
export { TargetUnreachableError } from './engine/preflight.js';
export { renderTerminal, type TerminalOptions } from './report/terminal.js';
export { renderMarkdown } from './report/markdown.js';
export { renderJunit } from './report/junit.js';
export { githubAnnotations } from './report/github.js';
export { VERDICT_IDS, type VerdictId } from './verdicts/registry.js';
export { VERSION } from './version.js';
export type { Scenario, ActorSpec, Verdict, VerdictStatus } from './types.js';
export type { RunResult, ActorResult, ActorSummary, LatencySummary, ExpectationResult } from './result/types.js';
export type { RunData } from './run-data/types.js';

/** What a progress callback is told, about every 250 ms while a run goes on. */
export interface Progress {
  elapsedMs: number;
  durationMs: number;
  actors: { name: string; kind: string; answered: number; failed: number }[];
}

export interface RunApiOptions {
  /** Abort to stop the run early: what was measured so far is kept (a partial result). */
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

function progressOf(elapsedMs: number, record: RunRecord): Progress {
  return {
    elapsedMs,
    durationMs: record.scenario.durationMs,
    actors: [...record.actors].map(([name, a]) => {
      const failed = a.failures + a.live.failures;
      return { name, kind: a.kind, answered: a.requests + a.live.requests - failed, failed };
    }),
  };
}

/**
 * Runs a scenario (from loadScenario or parseScenario) against its target: the result (verdicts,
 * expectations, `pass`) and the run's data, which `analyseRunData` turns into the same result again.
 * Throws ScenarioError for bad input and TargetUnreachableError when nothing answers.
 */
export async function run(scenario: Scenario, options: RunApiOptions = {}): Promise<{ result: RunResult; data: RunData }> {
  const { onProgress, signal } = options;
  const data = await runScenario(scenario, {
    ...(signal ? { interrupt: signal } : {}),
    ...(onProgress ? { onProgress: (ms: number, record: RunRecord) => onProgress(progressOf(ms, record)) } : {}),
  });
  return { result: resultOf(data), data };
}
