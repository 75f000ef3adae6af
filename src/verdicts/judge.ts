// All verdicts of a run, in the registry's order.
import type { Analysis } from '../analysis/analyse.js';
import type { Verdict } from '../types.js';
import { VERDICT_RULES } from './registry.js';

export function judge(analysis: Analysis): Verdict[] {
  return VERDICT_RULES.flatMap((rule): Verdict[] => rule.judge(analysis));
}
