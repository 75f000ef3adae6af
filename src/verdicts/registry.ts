// Every verdict wobbly knows, in the order they are reported. A new pathology is one rule file
// (see rule.ts) and one line here; expectations, reports and `compare` read this list.
import type { Verdict } from '../types.js';
import { eventLoopStall } from './event-loop-stall.js';
import { headOfLineBlocking } from './head-of-line.js';
import { poolStarvation } from './pool-starvation.js';
import type { CompareFigures, VerdictRule } from './rule.js';
import { serialized } from './serialized.js';
import { threadHopping } from './thread-hopping.js';

export const VERDICT_RULES = [
  eventLoopStall,
  poolStarvation,
  serialized,
  threadHopping,
  headOfLineBlocking,
] as const;

export type VerdictId = (typeof VERDICT_RULES)[number]['id'];
export const VERDICT_IDS: readonly VerdictId[] = VERDICT_RULES.map((r) => r.id);

// The one place a verdict's evidence is taken as its rule's type: it is what that rule wrote
// (a result read back from a file is checked as JSON before, and each line reads defensively).
type AnyRule = VerdictRule<VerdictId, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function ruleFor(id: string): AnyRule | undefined {
  return (VERDICT_RULES as readonly AnyRule[]).find((r) => r.id === id);
}

export function isVerdictId(id: string): id is VerdictId {
  return ruleFor(id) !== undefined;
}

/** The evidence lines of a verdict; undefined for an id this wobbly has no rule for. */
export function evidenceLinesOf(v: Verdict): string[] | undefined {
  return ruleFor(v.id)?.evidenceLines(v.evidence);
}

export function blocksRecommendation(id: string): boolean {
  return ruleFor(id)?.blocksRecommendation ?? false;
}

/** The figures `compare` reads of a verdict's evidence (none when its rule measures none). */
export function compareFiguresOf(v: Verdict): CompareFigures {
  return ruleFor(v.id)?.compareFigures?.(v.evidence) ?? {};
}
