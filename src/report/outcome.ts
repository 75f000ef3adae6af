// What passed and what failed in a result, in sentences every CI reporter shares (terminal,
// JUnit, Markdown, GitHub annotations), so they all say the same thing.
import { formatChange, formatInterval } from '../baseline/format.js';
import type { BaselineComparison, MetricComparison } from '../baseline/types.js';
import { formatValue } from '../expect/metrics.js';
import type { ExpectationResult, RunResult } from '../result/types.js';
import { failedActorLine } from '../result/request-failures.js';

export function expectationMessage(e: ExpectationResult): string {
  return `${e.expr}: ${e.pass ? 'held' : 'failed'}, actual ${e.actual}`;
}

export function toleranceText(c: Pick<MetricComparison, 'tolerance' | 'dimension'>): string {
  return c.dimension === 'ratio' ? `+${Number((c.tolerance * 100).toFixed(2))} pts` : `${Number((c.tolerance * 100).toFixed(2))}%`;
}

export function confidenceText(b: Pick<BaselineComparison, 'confidence'>): string {
  return `${Number((b.confidence * 100).toFixed(2))}%`;
}

/** "interval [+41.0%, +60.2%] (99%), smallest detectable +18.3%", or why it was not tested. */
export function testText(c: MetricComparison, b: Pick<BaselineComparison, 'confidence'>): string {
  if (!c.interval) return c.note ?? 'not tested';
  const detectable = c.detectable === undefined ? '' : `, smallest detectable ${formatChange({ change: c.detectable, dimension: c.dimension })}`;
  return `interval ${formatInterval(c)} (${confidenceText(b)})${detectable}`;
}

/** "probe.p50: baseline 31 ms, now 47 ms (+51.0%, tolerance 10%); interval [+41.0%, +60.2%] (98.75%), smallest detectable +18.3%" */
export function comparisonMessage(c: MetricComparison, b: Pick<BaselineComparison, 'confidence'>): string {
  const v = (x: number) => formatValue(x, c.dimension);
  return `${c.actor}.${c.metric}: baseline ${v(c.baseline)}, now ${v(c.current)} (${formatChange(c)}, tolerance ${toleranceText(c)}); ${testText(c, b)}`;
}

export interface Failure {
  kind: 'expectation' | 'regression' | 'verdict' | 'requests';
  title: string;
  message: string;
  /** Line of the failed expect: entry in the scenario file. */
  line?: number;
}

/** Everything that made the run fail (exit 1). */
export function failuresOf(r: RunResult): Failure[] {
  const out: Failure[] = r.expectations
    .filter((e) => !e.pass)
    .map((e) => ({ kind: 'expectation' as const, title: `expectation failed: ${e.expr}`, message: expectationMessage(e), ...(e.line !== undefined ? { line: e.line } : {}) }));
  for (const f of (r.failedActors ?? []).filter((x) => !x.explainedBy)) out.push({ kind: 'requests', title: `requests failed: ${f.actor}`, message: failedActorLine(f) });
  const b = r.baseline;
  if (b) {
    for (const c of b.comparisons.filter((x) => x.regression)) {
      out.push({ kind: 'regression', title: `regression: ${c.actor}.${c.metric} ${formatChange(c)}`, message: comparisonMessage(c, b) });
    }
  }
  for (const id of r.failOn?.verdicts ?? []) {
    const v = r.verdicts.find((x) => x.id === id)!;
    out.push({ kind: 'verdict', title: `${id} ${v.status} (--fail-on ${r.failOn!.level})`, message: v.summary });
  }
  return out;
}

export function outcomeLine(r: RunResult): string {
  const failed = r.expectations.filter((e) => !e.pass).length;
  const regressions = r.baseline?.regressions ?? 0;
  const verdicts = r.failOn?.verdicts.length ?? 0;
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
  if (verdicts) parts.push(`${r.failOn!.verdicts.join(', ')} ${r.failOn!.level === 'detected' ? 'detected' : 'not clear'} (--fail-on ${r.failOn!.level})`);
  return `FAIL: ${parts.join(', ')}`;
}
