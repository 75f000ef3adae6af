// JUnit XML (the de-facto schema Jenkins, GitLab, Azure and the test-report actions read): one
// testsuite per run; one testcase per expectation, per verdict and per baseline comparison.
// Failed expectations and regressions are failures; a detected verdict is a failure too (it is a
// finding), an inconclusive one is skipped (a failure with --fail-on inconclusive). Valid against
// the Jenkins/Ant junit-10.xsd (test/fixtures/junit-10.xsd states what it allows): no skipped
// count on <testsuites>, and the timestamp in its form, UTC without zone nor fraction.
// Pure: result → string.
import type { RunResult } from '../result/types.js';
import { comparisonStatus } from './baseline-text.js';
import { comparisonMessage, expectationMessage } from './outcome.js';
import { xmlAttr, xmlText } from './escape.js';

export { xmlAttr, xmlText } from './escape.js';

interface Case {
  classname: string;
  name: string;
  failure?: { type: string; message: string; body: string };
  skipped?: string;
  out?: string;
}

function testcase(c: Case): string {
  const open = `    <testcase classname="${xmlAttr(c.classname)}" name="${xmlAttr(c.name)}" time="0"`;
  const inner: string[] = [];
  if (c.failure) inner.push(`      <failure type="${xmlAttr(c.failure.type)}" message="${xmlAttr(c.failure.message)}">${xmlText(c.failure.body)}</failure>`);
  if (c.skipped !== undefined) inner.push(`      <skipped message="${xmlAttr(c.skipped)}"/>`);
  if (c.out) inner.push(`      <system-out>${xmlText(c.out)}</system-out>`);
  return inner.length ? `${open}>\n${inner.join('\n')}\n    </testcase>` : `${open}/>`;
}

/** Ant's timestamp: "2026-01-01T00:00:00" (UTC; the schema allows neither a zone nor a fraction). */
export function junitTimestamp(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '1970-01-01T00:00:00' : d.toISOString().slice(0, 19);
}

export function renderJunit(r: RunResult): string {
  const base = `wobbly.${r.scenario.name}`;
  const cases: Case[] = [];
  for (const e of r.expectations) {
    const message = expectationMessage(e);
    cases.push({ classname: `${base}.expectations`, name: e.expr, ...(e.pass ? { out: message } : { failure: { type: 'expectation', message, body: message } }) });
  }
  for (const v of r.verdicts) {
    const c: Case = { classname: `${base}.verdicts`, name: v.id };
    const body = `${v.summary}\nHint: ${v.hint}\nEvidence: ${JSON.stringify(v.evidence)}`;
    if (v.status === 'detected') c.failure = { type: 'detected', message: `${v.id} detected: ${v.summary}`, body };
    else if (v.status === 'inconclusive' && r.failOn?.verdicts.includes(v.id)) c.failure = { type: 'inconclusive', message: `${v.id} inconclusive (--fail-on inconclusive): ${v.summary}`, body };
    else if (v.status === 'inconclusive') c.skipped = `${v.id} inconclusive: ${v.summary}`;
    else c.out = v.summary;
    cases.push(c);
  }
  const b = r.baseline;
  for (const c of b?.comparisons ?? []) {
    const message = `${comparisonMessage(c, b!)} [${comparisonStatus(c)}]`;
    cases.push({ classname: `${base}.baseline`, name: `${c.actor}.${c.metric}`, ...(c.regression ? { failure: { type: 'regression', message, body: message } } : { out: message }) });
  }
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const seconds = (r.durationMs / 1000).toFixed(3);
  const props = { target: r.target, source: r.scenario.source, partial: String(r.partial), pass: String(r.pass), ...Object.fromEntries(Object.entries(r.scenario.params).map(([k, v]) => [`param.${k}`, String(v)])) };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="wobbly" tests="${cases.length}" failures="${failures}" errors="0" time="${seconds}">`,
    `  <testsuite name="${xmlAttr(base)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds}" timestamp="${junitTimestamp(r.startedAt)}">`,
    '    <properties>',
    ...Object.entries(props).map(([k, v]) => `      <property name="${xmlAttr(k)}" value="${xmlAttr(v)}"/>`),
    '    </properties>',
    ...cases.map(testcase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
