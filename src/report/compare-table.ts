// The `wobbly compare` table: pure, from the summarised rows.
import Table from 'cli-table3';
import type { CompareRow, Figure, Recommendation } from '../compare/summarise.js';

function fig(f: Figure | undefined, digits = 1): string {
  if (!f) return '-';
  const m = f.median.toFixed(digits);
  return f.min === f.max ? m : `${m} (${f.min.toFixed(digits)}–${f.max.toFixed(digits)})`;
}

export function renderCompare(rows: CompareRow[], rec: Recommendation | undefined, scenario: string): string {
  const t = new Table({
    head: ['setting', 'runs', 'throughput req/s', 'p50 ms', 'p99 ms', 'effective concurrency', 'verdicts'],
    style: { head: [], border: [], compact: true },
    chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ' },
  });
  for (const r of rows) {
    const mark = rec && r.label === rec.label ? ' ◀' : '';
    t.push([r.label + mark, String(r.runs), fig(r.throughputRps), fig(r.p50Ms, 0), fig(r.p99Ms, 0), fig(r.effectiveConcurrency), [...r.detected, ...r.inconclusive.map((id) => `${id} (inconclusive)`)].join(', ') || 'clear']);
  }
  const actor = rows[0]?.actor;
  const out = [`Comparing ${scenario} (figures of actor "${actor}"; median, and min–max when repeated)`, t.toString()];
  if (rec) out.push('', `Recommended: ${rec.label}. ${rec.reason}`);
  return out.join('\n') + '\n';
}
