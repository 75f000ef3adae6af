// What a verdict is made of: one rule per pathology, each in its own file, listed in registry.ts.
// Adding a verdict = one new file implementing VerdictRule + one line in the registry: the
// expectations, the reports and `compare` learn about it from there.
import type { Analysis } from '../analysis/analyse.js';
import type { VerdictStatus } from '../types.js';

/** A verdict as its rule makes it, with typed evidence (a plain object: it goes into the JSON as is). */
export interface JudgedVerdict<Id extends string, E> {
  id: Id;
  status: VerdictStatus;
  summary: string;
  hint: string;
  evidence: E;
}

/** The figures `compare` tabulates, when a verdict measured them. */
export interface CompareFigures {
  /** Steady-state throughput (whole waves): steadier than a short run's whole-run rate. */
  throughputRps?: number;
  effectiveConcurrency?: number;
}

export interface VerdictRule<Id extends string, E> {
  readonly id: Id;
  /** The parts of the analysis it reads: without them it makes no verdict. */
  readonly reads: readonly (keyof Analysis)[];
  /** No verdict (nothing in the run could show it), one, or one per actor. */
  judge(analysis: Analysis): JudgedVerdict<Id, E>[];
  /** The lines a report prints under a verdict that is not clear. */
  evidenceLines(evidence: E): string[];
  /** A detected or inconclusive one keeps `compare` from recommending that setting. */
  readonly blocksRecommendation: boolean;
  /** What `compare` reads of its evidence, if anything. */
  compareFigures?(evidence: E): CompareFigures;
}

/** Checks a rule's shape where it is written (and keeps its literal id). */
export function defineRule<Id extends string, E>(rule: VerdictRule<Id, E>): VerdictRule<Id, E> {
  return rule;
}
