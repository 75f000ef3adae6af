// A Markdown summary of a run (for --markdown and GitHub's step summary): outcome, expectations,
// baseline comparison, verdicts, actors. Pure: result → string.
import { formatChange, formatInterval } from '../baseline/format.js';
import { formatValue } from '../expect/metrics.js';
import type { RunResult } from '../result/types.js';
import { formatMs } from '../format.js';
import { baselineHow, comparisonStatus, detectableText } from './baseline-text.js';
import { outcomeLine, testText, toleranceText } from './outcome.js';
import { markdownCode, markdownText } from './escape.js';

/** Text for a table cell: no line breaks, no pipes, no HTML, no links or images (escape.ts). */
export const mdCell = markdownText;
const mdCode = markdownCode;

function mdTable(head: string[], rows: string[][], right: number[] = []): string[] {
  const sep = head.map((_, i) => (right.includes(i) ? '---:' : '---'));
  return [`| ${head.join(' | ')} |`, `| ${sep.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

const ICON = { pass: '✅', fail: '❌', detected: '🔴', inconclusive: '🟡', clear: '🟢' } as const;

export function renderMarkdown(r: RunResult): string {
  const out: string[] = [];
  const gated = r.expectations.length > 0 || r.baseline !== undefined || r.failOn !== undefined;
  out.push(`### wobbly: ${mdCell(r.scenario.name)}${gated ? ` ${r.pass ? ICON.pass : ICON.fail}` : ''}`, '');
  out.push(`Target \`${r.target}\` · ran ${formatMs(r.durationMs)} from ${r.startedAt} · wobbly ${r.tool.version}${r.partial ? ` · **partial result** (${r.stoppedBy ?? 'stopped early'})` : ''}`, '');
  if (gated) out.push(`**${mdCell(outcomeLine(r))}**`, '');

  if (r.expectations.length) {
    out.push('#### Expectations', '');
    out.push(...mdTable(['', 'expectation', 'actual'], r.expectations.map((e) => [e.pass ? ICON.pass : ICON.fail, mdCode(e.expr), mdCell(e.actual)])), '');
  }

  const b = r.baseline;
  if (b) {
    out.push('#### Baseline', '');
    out.push(`Against \`${mdCell(b.file)}\` (run ${b.baselineStartedAt}). ${mdCell(baselineHow(b))}.`, '');
    const rows = b.comparisons.map((c) => {
      const v = (x: number) => formatValue(x, c.dimension);
      const icon = c.regression ? ICON.fail : c.status === 'inconclusive' ? ICON.inconclusive : ICON.pass;
      return [icon, `${mdCell(c.actor)}.${c.metric}`, v(c.baseline), v(c.current), formatChange(c), formatInterval(c), toleranceText(c), detectableText(c), mdCell(comparisonStatus(c))];
    });
    out.push(...mdTable(['', 'metric', 'baseline', 'now', 'change', 'interval', 'tolerance', 'detectable', ''], rows, [2, 3, 4, 5, 6, 7]), '');
    for (const c of b.comparisons.filter((x) => x.regression)) out.push(`- **Regression** ${mdCell(`${c.actor}.${c.metric}`)}: ${mdCell(testText(c, b))}`);
    for (const n of b.notes) out.push(`- ${mdCell(n)}`);
    if (b.notes.length || b.regressions) out.push('');
  }

  if (r.verdicts.length) {
    out.push('#### Verdicts', '');
    out.push(...mdTable(['', 'verdict', 'status', 'what wobbly saw'], r.verdicts.map((v) => [ICON[v.status], `\`${v.id}\``, v.status, mdCell(v.summary)])), '');
    for (const v of r.verdicts.filter((x) => x.status !== 'clear')) out.push(`<details><summary>${v.id}: hint</summary>`, '', mdCell(v.hint), '', '</details>', '');
  }

  const rows = Object.entries(r.actors).map(([name, a]) => {
    const l = a.summary.latencyMs;
    const ms = (x: number) => (a.summary.requests > a.summary.failures ? formatMs(x) : '–');
    return [mdCell(name), a.kind, mdCode(a.request), String(a.summary.requests), String(a.summary.failures), a.summary.rps.toFixed(1), ms(l.p50), ms(l.p90), ms(l.p99), ms(l.max)];
  });
  out.push('#### Actors', '');
  out.push(...mdTable(['actor', 'kind', 'request', 'sent', 'failed', 'ok/s', 'p50', 'p90', 'p99', 'max'], rows, [3, 4, 5, 6, 7, 8, 9]), '');
  return out.join('\n');
}
