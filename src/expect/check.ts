// Expectations are checked with the scenario, before anything is sent: each problem carries the
// scenario's file, line and path (expect[1]) or the flag (--expect[0]), and a caret under the column.
import type { Problem, PathSegment } from '../scenario/problems.js';
import type { Scenario } from '../types.js';
import { ExpectationError, parseExpectation } from './parse.js';

export function expectationProblems(
  scenario: Scenario,
  fromFlags: string[],
  file: string,
  lineOf: (path: readonly PathSegment[]) => number | undefined,
): Problem[] {
  const ctx = { actors: scenario.actors.map((a) => ({ name: a.name, kind: a.kind })) };
  const problems: Problem[] = [];
  const check = (text: string, problem: Omit<Problem, 'message'>) => {
    try {
      parseExpectation(text, ctx);
    } catch (err) {
      if (!(err instanceof ExpectationError)) throw err;
      problems.push({ ...problem, message: err.explain() });
    }
  };
  scenario.expect.forEach((text, i) => check(text, { file, line: lineOf(['expect', i]), path: `expect[${i}]` }));
  fromFlags.forEach((text, i) => check(text, { file, path: `--expect[${i}]` }));
  return problems;
}
