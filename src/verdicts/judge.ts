// All verdicts of a run, in a fixed order.
import type { Analysis } from '../analysis/analyse.js';
import type { Verdict } from '../types.js';
import { judgeEventLoopStall } from './event-loop-stall.js';
import { judgeThreadHopping } from './thread-hopping.js';
import { judgeHeadOfLine, noteOtherWorkers } from './head-of-line.js';

export function judge(analysis: Analysis): Verdict[] {
  const verdicts: Verdict[] = [];
  const stall = judgeEventLoopStall(analysis);
  if (stall) verdicts.push(noteOtherWorkers(stall, analysis.headOfLine));
  verdicts.push(...judgeThreadHopping(analysis));
  const headOfLine = judgeHeadOfLine(analysis);
  if (headOfLine) verdicts.push(headOfLine);
  return verdicts;
}
