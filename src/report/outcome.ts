// What passed and what failed in a result, in sentences every CI reporter shares (terminal,
// JUnit, Markdown, GitHub annotations), so they all say the same thing.
import { formatChange, formatP, type BaselineComparison, type MetricComparison } from '../baseline/compare.js';
import { formatValue } from '../expect/metrics.js';
import type { ExpectationResult, RunResult } from '../result/types.js';
import { failedActorLine } from '../result/request-failures.js';

export function expectationMessage(e: ExpectationResult): string {
  return `${e.expr}: ${e.pass ? 'held' : 'failed'}, actual ${e.actual}`;
}

export function toleranceText(c: Pick<MetricComparison, 'tolerance' | 'dimension'>): string {
  return c.dimension === 'ratio' ? `+${Number((c.tolerance * 100).toFixed(2))} pts` : `${Number((c.tolerance * 100).toFixed(2))}%`;
}

export function testText(c: MetricComparison, b: Pick<BaselineComparison, 'alphaPerTest'>): string {
  if (!c.test) return c.note ?? 'no test';
  const t = c.test;
  return `Mann–Whitney U on ${t.samples} (${t.n1} vs ${t.n2} buckets, ${t.method}): U = ${t.u}, p = ${formatP(t.p)} ${t.p < b.alphaPerTest ? '<' : '≥'} ${formatP(b.alphaPerTest)}`;
}

/** "probe.p50: baseline 31 ms, now 47 ms (+51.0%, tolerance 10%); Mann–Whitney U … p = 3.7e-7 < 0.0125" */
export function comparisonMessage(c: MetricComparison, b: Pick<BaselineComparison, 'alphaPerTest'>): string {
  const v = (x: number) => formatValue(x, c.dimension);
  return `${c.actor}.${c.metric}: baseline ${v(c.baseline)}, now ${v(c.current)} (${formatChange(c)}, tolerance ${toleranceText(c)}); ${testText(c, b)}`;
}

export interface Failure {
  kind: 'expectation' | 'regression' | 'requests';
  title: string;
  message: string;
}

/** Everything that made the run fail (exit 1). */
export function failuresOf(r: RunResult): Failure[] {
  const out: Failure[] = r.expectations.filter((e) => !e.pass).map((e) => ({ kind: 'expectation' as const, title: `expectation failed: ${e.expr}`, message: expectationMessage(e) }));
  for (const f of (r.failedActors ?? []).filter((x) => !x.explainedBy)) out.push({ kind: 'requests', title: `requests failed: ${f.actor}`, message: failedActorLine(f) });
  const b = r.baseline;
  if (b) {
    for (const c of b.comparisons.filter((x) => x.regression)) {
      out.push({ kind: 'regression', title: `regression: ${c.actor}.${c.metric} ${formatChange(c)}`, message: comparisonMessage(c, b) });
    }
  }
  return out;
}

export function outcomeLine(r: RunResult): string {
  const failed = r.expectations.filter((e) => !e.pass).length;
  const regressions = r.baseline?.regressions ?? 0;
  if (r.pass) {
    const parts = [`${r.expectations.length} expectation${r.expectations.length === 1 ? '' : 's'} held`];
    if (r.baseline) parts.push(`no regression against ${r.baseline.file}`);
    return `PASS: ${parts.join(', ')}`;
  }
  const parts: string[] = [];
  const failedActors = (r.failedActors ?? []).filter((f) => !f.explainedBy).length;
  if (failedActors) parts.push(`the requests of ${failedActors} actor${failedActors === 1 ? '' : 's'} mostly failed`);
  if (failed) parts.push(`${failed} of ${r.expectations.length} expectation${r.expectations.length === 1 ? '' : 's'} failed`);
  if (regressions) parts.push(`${regressions} regression${regressions === 1 ? '' : 's'} against ${r.baseline!.file}`);
  return `FAIL: ${parts.join(', ')}`;
}
