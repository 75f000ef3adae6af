// All verdicts of a run, in a fixed order.
import type { Analysis } from '../analysis/analyse.js';
import type { Verdict } from '../types.js';
import { judgeEventLoopStall } from './event-loop-stall.js';
import { judgeThreadHopping } from './thread-hopping.js';
import { judgeHeadOfLine, noteOtherWorkers } from './head-of-line.js';
import { judgePoolStarvation, judgeSerialized } from './pool-starvation.js';
import { judgeConcurrencyLimit } from './concurrency-limit.js';

export function judge(analysis: Analysis): Verdict[] {
  const verdicts: Verdict[] = [];
  const stall = judgeEventLoopStall(analysis);
  if (stall) verdicts.push(noteOtherWorkers(stall, analysis.headOfLine));
  const pool = judgePoolStarvation(analysis);
  if (pool) verdicts.push(pool);
  const serialized = judgeSerialized(analysis);
  if (serialized) verdicts.push(serialized);
  verdicts.push(...judgeThreadHopping(analysis));
  const headOfLine = judgeHeadOfLine(analysis);
  if (headOfLine) verdicts.push(headOfLine);
  verdicts.push(...[judgeConcurrencyLimit(analysis)].filter((v): v is Verdict => v !== undefined));
  return verdicts;
}
