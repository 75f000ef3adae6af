// `wobbly diff A.json B.json`: two saved results side by side, each metric with its change and,
// where both runs have enough timeline buckets, a two-sided Mann–Whitney U p-value (is the
// difference more than noise?). Pure: results → string.
import { bucketSeries, MIN_BUCKETS, relativeChange } from '../baseline/compare.js';
import { formatChange, formatP } from '../baseline/format.js';
import { mannWhitneyTwoSided } from '../baseline/stats.js';
import { formatValue, readMetric, resolveMetric, type Metric } from '../expect/metrics.js';
import type { ActorResult, RunResult } from '../result/types.js';
import { formatMs } from '../format.js';
import { paint, table } from './terminal-style.js';

export const DIFF_METRICS = ['requests', 'failures', 'errorRate', 'rps', 'p50', 'p90', 'p99', 'max'];

export interface DiffOptions {
  color: boolean;
  /** How to call the two results in headings (their file names). */
  names: [string, string];
}

function pValue(m: Metric, a: ActorResult, ra: RunResult, b: ActorResult, rb: RunResult): string {
  if (ra.bucketMs !== rb.bucketMs) return '';
  const x = bucketSeries(a, m, ra.bucketMs, ra.durationMs);
  const y = bucketSeries(b, m, rb.bucketMs, rb.durationMs);
  if (!x || !y || x.values.length < MIN_BUCKETS || y.values.length < MIN_BUCKETS) return '';
  return formatP(mannWhitneyTwoSided(y.values, x.values).p);
}

function metricRows(name: string, ra: RunResult, rb: RunResult, color: boolean): string[][] {
  const a = ra.actors[name];
  const b = rb.actors[name];
  const kind = (b ?? a)!.kind;
  const rows: string[][] = [];
  for (const metricName of DIFF_METRICS) {
    const m = resolveMetric(metricName, kind);
    if (!m) continue;
    const va = a ? readMetric(a, m) : { missing: 'absent' };
    const vb = b ? readMetric(b, m) : { missing: 'absent' };
    const show = (v: typeof va) => ('value' in v ? formatValue(v.value, m.dimension) : '-');
    let change = '';
    let p = '';
    if ('value' in va && 'value' in vb) {
      const delta = relativeChange(m, va.value, vb.value);
      const worse = m.worse === 'lower' ? delta < 0 : m.worse === 'higher' ? delta > 0 : false;
      change = delta === 0 ? '=' : paint(color && m.worse !== undefined, worse ? 31 : 32, formatChange({ change: delta, dimension: m.dimension }));
      p = pValue(m, a!, ra, b!, rb);
    }
    rows.push([name, metricName, show(va), show(vb), change, p]);
  }
  return rows;
}

function describe(label: string, r: RunResult): string {
  const outcome = r.expectations.length || r.baseline ? (r.pass ? 'pass' : 'FAIL') : 'no expectations';
  return `${label}: ${r.scenario.name} · ${r.target} · ${r.startedAt} · ${formatMs(r.durationMs)}${r.partial ? ' · partial' : ''} · ${outcome}`;
}

export function renderDiff(ra: RunResult, rb: RunResult, opts: DiffOptions): string {
  const [na, nb] = opts.names;
  const bold = (s: string) => paint(opts.color, 1, s);
  const out = [describe(`A ${na}`, ra), describe(`B ${nb}`, rb)];
  if (ra.scenario.name !== rb.scenario.name) out.push(`note: different scenarios`);
  if (ra.bucketMs !== rb.bucketMs) out.push(`note: different timeline buckets (${ra.bucketMs} ms, ${rb.bucketMs} ms): no p-values`);

  const actors = [...new Set([...Object.keys(ra.actors), ...Object.keys(rb.actors)])];
  const rows = actors.flatMap((name) => metricRows(name, ra, rb, opts.color));
  out.push('', bold('Metrics (change from A to B; p: two-sided Mann–Whitney U on the per-bucket values, blank when too few buckets)'));
  out.push(table(['actor', 'metric', 'A', 'B', 'change', 'p'], rows, ['left', 'left', 'right', 'right', 'right', 'right']));

  const ids = [...new Set([...ra.verdicts.map((v) => v.id), ...rb.verdicts.map((v) => v.id)])];
  if (ids.length) {
    const status = (r: RunResult, id: string) => r.verdicts.find((v) => v.id === id)?.status ?? '-';
    const vrows = ids.map((id) => [id, status(ra, id), status(rb, id), status(ra, id) === status(rb, id) ? '' : 'changed']);
    out.push('', bold('Verdicts'), table(['verdict', 'A', 'B', ''], vrows, ['left', 'left', 'left', 'left']));
  }

  const exprs = [...new Set([...ra.expectations.map((e) => e.expr), ...rb.expectations.map((e) => e.expr)])];
  if (exprs.length) {
    const cell = (r: RunResult, expr: string) => {
      const e = r.expectations.find((x) => x.expr === expr);
      return e ? `${e.pass ? 'pass' : 'FAIL'} (${e.actual})` : '-';
    };
    out.push('', bold('Expectations'), table(['expectation', 'A', 'B'], exprs.map((x) => [x, cell(ra, x), cell(rb, x)]), ['left', 'left', 'left']));
  }
  return out.join('\n') + '\n';
}
