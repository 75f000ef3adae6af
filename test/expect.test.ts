// Expectations: the parser (units, verdicts, errors with a column) and their evaluation against
// a result (including "not measured").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExpectationError, parseExpectation, type MetricExpectation } from '../src/expect/parse.js';
import { evaluateExpectation, withExpectations } from '../src/expect/evaluate.js';
import { parseScenario } from '../src/scenario/load.js';
import { ScenarioError } from '../src/scenario/problems.js';
import type { RunResult } from '../src/result/types.js';
import { sampleResult } from './fixtures/results.js';

const ctx = { actors: [{ name: 'probe', kind: 'probe' }, { name: 'heavy', kind: 'request' }, { name: 'api-2', kind: 'probe' }] };
const metric = (text: string) => parseExpectation(text, ctx) as MetricExpectation;

function error(text: string): ExpectationError {
  try {
    parseExpectation(text, ctx);
  } catch (err) {
    if (err instanceof ExpectationError) return err;
    throw err;
  }
  assert.fail(`"${text}" parsed`);
}

test('metrics with units are parsed to the base unit', () => {
  const cases: [string, string, string, number][] = [
    ['probe.p99 < 200ms', 'latencyMs.p99', '<', 200],
    ['probe.p99<1.5s', 'latencyMs.p99', '<', 1500],
    ['  probe.p50   <=  20 ms ', 'latencyMs.p50', '<=', 20],
    ['probe.latencyMs.mean > 0.5ms', 'latencyMs.mean', '>', 0.5],
    ['heavy.max >= 1s', 'latencyMs.max', '>=', 1000],
    ['probe.rps >= 30', 'rps', '>=', 30],
    ['probe.rps >= 30rps', 'rps', '>=', 30],
    ['probe.rps >= 30/s', 'rps', '>=', 30],
    ['probe.errorRate < 1%', '', '<', 0.01],
    ['probe.errorRate < 0.01', '', '<', 0.01],
    ['probe.failures == 0', 'failures', '==', 0],
    ['probe.requests != 3', 'requests', '!=', 3],
    ['probe.bytes > 100', 'bytes', '>', 100],
    ['api-2.p90 < 5ms', 'latencyMs.p90', '<', 5],
  ];
  for (const [text, path, op, value] of cases) {
    const e = metric(text);
    assert.equal(e.type, 'metric', text);
    assert.equal(e.metric.path.join('.'), path, text);
    assert.equal(e.op, op, text);
    assert.ok(Math.abs(e.value - value) < 1e-12, `${text}: ${e.value}`);
  }
  assert.equal(metric('api-2.p90 < 5ms').actor, 'api-2');
});

test('verdict expectations', () => {
  assert.deepEqual(parseExpectation('verdict.event-loop-stall == clear', ctx), {
    type: 'verdict',
    text: 'verdict.event-loop-stall == clear',
    id: 'event-loop-stall',
    op: '==',
    status: 'clear',
  });
  const e = parseExpectation('verdict.pool-starvation != detected', ctx);
  assert.equal(e.type === 'verdict' && e.op, '!=');
});

test('errors say what was expected, at which column', () => {
  const cases: [string, RegExp, number][] = [
    ['probe.p99 < 200', /expected a unit after 200 \(ms or s\): p99 is a latency/, 16],
    ['probe.p99 < 200rps', /"rps" is not a unit of p99, a latency; use ms or s/, 16],
    ['probe.p99 < 200sec', /unknown unit "sec" for p99/, 16],
    ['probe.rps > 3ms', /"ms" is not a unit of rps, a rate/, 14],
    ['probe.failures < 1%', /for a share of requests write probe\.errorRate < 1%/, 19],
    ['probe.errorRate < 5', /errorRate is a fraction from 0 to 1 without a unit; did you mean 5%\?/, 19],
    ['prob.p99 < 200ms', /unknown actor "prob" \(did you mean "probe"\?\); the actors are: probe, heavy, api-2 \(or verdict\.<id>\)/, 1],
    ['probe.p95 < 200ms', /unknown metric "p95" \(did you mean "p9[09]"\?\); probe \(probe\) has: rps, p50, p90, p99, max, min, mean, failures, errorRate, requests, unfinished, bytes/, 7],
    ['probe.p99 = 200ms', /"=" is not a comparison; did you mean "=="\?/, 11],
    ['probe.p99 => 200ms', /did you mean ">="/, 11],
    ['probe.p99 200ms', /expected a comparison \(<, <=, >, >=, ==, !=\) after probe\.p99, got "200"/, 11],
    ['probe.p99 <', /expected a number after "<", got the end/, 12],
    ['probe.p99 < fast', /expected a number after "<", got "fast"/, 13],
    ['probe', /expected "\." and a metric after "probe", e\.g\. probe\.p99/, 6],
    ['', /empty expectation/, 1],
    ['probe.p99 < 200ms and probe.p50 < 1ms', /unknown unit "ms and"|unexpected "and" after the value/, 19],
    ['probe.p99 < 200ms;', /unexpected ";" after the value/, 18],
    ['verdict.event-loop-stal == clear', /unknown verdict "event-loop-stal" \(did you mean "event-loop-stall"\?\); the verdicts are: event-loop-stall, pool-starvation, serialized, thread-hopping, head-of-line-blocking/, 9],
    ['verdict.serialized < clear', /a verdict compares with == or != only/, 20],
    ['verdict.serialized == fine', /expected clear, detected, inconclusive after "==", got "fine"/, 23],
  ];
  for (const [text, re, column] of cases) {
    const e = error(text);
    assert.match(e.message, re, text);
    assert.equal(e.index + 1, column, `${text}: column ${e.index + 1}, ${e.message}`);
    assert.ok(e.message.startsWith(`"${text}" — `), e.message);
  }
  // The caret sits under the column.
  const e = error('probe.p99 < 200');
  assert.equal(e.explain('  '), `"probe.p99 < 200" — expected a unit after 200 (ms or s): p99 is a latency (column 16)\n  probe.p99 < 200\n                 ^`);
});

test('scenario and --expect problems come with the file, line and path, before anything runs', () => {
  const text = [
    'name: x',
    'duration: 2s',
    'actors:',
    '  - { name: probe, kind: probe, path: /live, rate: 10/s }',
    'expect:',
    '  - probe.p99 < 200ms',
    '  - probe.p99 < 200',
    '  - verdict.event-loop-stall == ok',
  ].join('\n');
  let problems: ScenarioError['problems'] = [];
  try {
    parseScenario(text, 'x.yaml', { target: 'http://127.0.0.1:1', expect: ['probe.rps > 1', 'heavy.max < 1s'] });
  } catch (err) {
    problems = (err as ScenarioError).problems;
  }
  assert.deepEqual(
    problems.map((p) => [p.line, p.path, p.message.split('\n')[0]]),
    [
      [undefined, '--expect[1]', '"heavy.max < 1s" — unknown actor "heavy"; the actors are: probe (or verdict.<id>) (column 1)'],
      [7, 'expect[1]', '"probe.p99 < 200" — expected a unit after 200 (ms or s): p99 is a latency (column 16)'],
      [8, 'expect[2]', '"verdict.event-loop-stall == ok" — expected clear, detected, inconclusive after "==", got "ok" (column 29)'],
    ],
  );
  const ok = parseScenario(text.split('\n').slice(0, 6).join('\n'), 'x.yaml', { target: 'http://127.0.0.1:1', expect: ['probe.rps > 1'] });
  assert.deepEqual(ok.expect, ['probe.p99 < 200ms', 'probe.rps > 1']);
  // ${params} work in expectations, and --set changes them.
  const withParam = ['name: x', 'params: { maxP99: 200ms }', 'duration: 2s', 'actors:', '  - { name: probe, kind: probe, path: /live, rate: 10/s }', 'expect: ["probe.p99 < ${maxP99}"]'].join('\n');
  assert.deepEqual(parseScenario(withParam, 'x.yaml', { target: 'http://127.0.0.1:1', set: { maxP99: '1s' } }).expect, ['probe.p99 < 1s']);
  assert.throws(() => parseScenario(withParam, 'x.yaml', { target: 'http://127.0.0.1:1', set: { maxP99: '1' } }), /x\.yaml:6: expect\[0\]: "probe\.p99 < 1" — expected a unit after 1/);
});

test('evaluation: numbers compared in base units, actual values formatted', () => {
  const r = sampleResult();
  const check = (text: string) => evaluateExpectation(parseExpectation(text, ctx), r);
  assert.deepEqual(check('probe.p99 < 200ms'), { expr: 'probe.p99 < 200ms', pass: true, actual: '25 ms' });
  assert.deepEqual(check('probe.p99 < 20ms'), { expr: 'probe.p99 < 20ms', pass: false, actual: '25 ms' });
  assert.deepEqual(check('probe.rps >= 99'), { expr: 'probe.rps >= 99', pass: true, actual: '99.5 rps' });
  assert.deepEqual(check('probe.errorRate < 1%'), { expr: 'probe.errorRate < 1%', pass: true, actual: '0.5%' });
  assert.deepEqual(check('probe.errorRate < 0.1%'), { expr: 'probe.errorRate < 0.1%', pass: false, actual: '0.5%' });
  assert.deepEqual(check('probe.failures == 1'), { expr: 'probe.failures == 1', pass: true, actual: '1' });
  assert.deepEqual(check('verdict.event-loop-stall == detected'), { expr: 'verdict.event-loop-stall == detected', pass: true, actual: 'detected' });
  assert.deepEqual(check('verdict.event-loop-stall != detected'), { expr: 'verdict.event-loop-stall != detected', pass: false, actual: 'detected' });
});

test('what was not measured fails: absent verdicts, latency without answers', () => {
  const r = sampleResult();
  const check = (text: string) => evaluateExpectation(parseExpectation(text, ctx), r);
  assert.deepEqual(check('verdict.pool-starvation == clear'), {
    expr: 'verdict.pool-starvation == clear',
    pass: false,
    actual: 'not measured (no actor of this run can show pool-starvation)',
  });
  assert.equal(check('verdict.pool-starvation != detected').pass, false);
  // heavy's only request failed: no latency to compare, but its error rate is known.
  assert.deepEqual(check('heavy.p99 < 10s'), { expr: 'heavy.p99 < 10s', pass: false, actual: 'not measured (no successful answer to time)' });
  assert.deepEqual(check('heavy.errorRate == 100%'), { expr: 'heavy.errorRate == 100%', pass: true, actual: '100%' });
  assert.equal(check('heavy.rps == 0').pass, true);
});

test('withExpectations sets the results and the overall pass', () => {
  const r = sampleResult();
  const passed = withExpectations(r, ['probe.p99 < 200ms']);
  assert.equal(passed.pass, true);
  assert.equal(passed.expectations.length, 1);
  const failed: RunResult = withExpectations(r, ['probe.p99 < 200ms', 'probe.max < 1ms']);
  assert.equal(failed.pass, false);
  assert.deepEqual(failed.expectations.map((e) => e.pass), [true, false]);
});
