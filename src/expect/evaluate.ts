// Checking parsed expectations against a finished run's result (a pure function of the JSON
// result, so a saved run can be checked again). What was not measured fails: an expectation on a
// verdict no actor of the run could show, or on the latency of an actor that got no answer, never
// passes silently.
import type { ExpectationResult, RunResult } from '../result/types.js';
import type { VerdictStatus } from '../types.js';
import { formatValue, readMetric, type Dimension } from './metrics.js';
import { parseExpectation, type Expectation, type Op } from './parse.js';

const COMPARE: Record<Op, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

export const NOT_MEASURED = 'not measured';

/** What an expectation found: a number in its unit, a verdict's status, or why nothing. */
export type Measured = { value: number; unit: NonNullable<ExpectationResult['unit']> } | { status: VerdictStatus } | { notMeasured: string };

const UNIT: Record<Dimension, NonNullable<ExpectationResult['unit']>> = { duration: 'ms', rate: 'rps', ratio: 'ratio', count: 'count' };
const DIMENSION: Record<NonNullable<ExpectationResult['unit']>, Dimension> = { ms: 'duration', rps: 'rate', ratio: 'ratio', count: 'count' };

function check(e: Expectation, result: RunResult): { pass: boolean; measured: Measured } {
  if (e.type === 'verdict') {
    const v = result.verdicts.find((x) => x.id === e.id);
    if (!v) return { pass: false, measured: { notMeasured: `no actor of this run can show ${e.id}` } };
    return { pass: (v.status === e.status) === (e.op === '=='), measured: { status: v.status } };
  }
  const actor = result.actors[e.actor];
  if (!actor) return { pass: false, measured: { notMeasured: `no actor ${e.actor} in the result` } };
  const r = readMetric(actor, e.metric);
  if ('missing' in r) return { pass: false, measured: { notMeasured: r.missing } };
  return { pass: COMPARE[e.op](r.value, e.value), measured: { value: r.value, unit: UNIT[e.metric.dimension] } };
}

/** The text the reports print for what was found. */
export function actualText(m: Measured): string {
  if ('notMeasured' in m) return `${NOT_MEASURED} (${m.notMeasured})`;
  if ('status' in m) return m.status;
  return formatValue(m.value, DIMENSION[m.unit]);
}

/** An expectation checked against a result: pass, and what was found as text. */
export function evaluateExpectation(e: Expectation, result: RunResult): ExpectationResult {
  const c = check(e, result);
  return { expr: e.text, pass: c.pass, actual: actualText(c.measured) };
}

/** Check expectation texts (validated before the run) against a result; sets expectations (with the numbers found) and pass. */
/** lines: each expectation's line in the scenario file (for annotations), when it has one. */
export function withExpectations(result: RunResult, texts: string[], lines: readonly (number | undefined)[] = []): RunResult {
  const actors = Object.entries(result.actors).map(([name, a]) => ({ name, kind: a.kind }));
  const expectations = texts.map((t, i): ExpectationResult => {
    const e = parseExpectation(t, { actors });
    const c = check(e, result);
    const found = 'notMeasured' in c.measured ? {} : c.measured; // the reason is in actual
    const line = lines[i];
    return { expr: e.text, pass: c.pass, actual: actualText(c.measured), ...found, ...(line !== undefined ? { line } : {}) };
  });
  return { ...result, expectations, pass: result.pass && expectations.every((x) => x.pass) };
}
