// Checking parsed expectations against a finished run's result (a pure function of the JSON
// result, so a saved run can be checked again). What was not measured fails: an expectation on a
// verdict no actor of the run could show, or on the latency of an actor that got no answer, never
// passes silently.
import type { ExpectationResult, RunResult } from '../result/types.js';
import { formatValue, readMetric } from './metrics.js';
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

export function evaluateExpectation(e: Expectation, result: RunResult): ExpectationResult {
  if (e.type === 'verdict') {
    const v = result.verdicts.find((x) => x.id === e.id);
    if (!v) return { expr: e.text, pass: false, actual: `${NOT_MEASURED} (no actor of this run can show ${e.id})` };
    return { expr: e.text, pass: (v.status === e.status) === (e.op === '=='), actual: v.status };
  }
  const actor = result.actors[e.actor];
  if (!actor) return { expr: e.text, pass: false, actual: `${NOT_MEASURED} (no actor ${e.actor} in the result)` };
  const r = readMetric(actor, e.metric);
  if ('missing' in r) return { expr: e.text, pass: false, actual: `${NOT_MEASURED} (${r.missing})` };
  return { expr: e.text, pass: COMPARE[e.op](r.value, e.value), actual: formatValue(r.value, e.metric.dimension) };
}

/** Check expectation texts (validated before the run) against a result; sets expectations and pass. */
export function withExpectations(result: RunResult, texts: string[]): RunResult {
  const actors = Object.entries(result.actors).map(([name, a]) => ({ name, kind: a.kind }));
  const expectations = texts.map((t) => evaluateExpectation(parseExpectation(t, { actors }), result));
  return { ...result, expectations, pass: result.pass && expectations.every((x) => x.pass) };
}
