// What the HTML report renders: one run, several runs on one page (the demo), a comparison, or a doctor report.
import type { CompareRow, Recommendation } from '../../compare/summarise.js';
import type { Settings } from '../../compare/settings.js';
import type { RunResult } from '../../result/types.js';
import type { DoctorReport } from '../../doctor/report.js';

/** The JSON `wobbly compare --json` writes. */
export interface CompareReport {
  schemaVersion: 1;
  scenario: string;
  runs: (RunResult & { settings: Settings })[];
  rows: CompareRow[];
  recommended: Recommendation | null;
}

export type HtmlInput =
  | { kind: 'run'; result: RunResult }
  | { kind: 'runs'; title: string; runs: { title: string; result: RunResult }[] }
  | { kind: 'compare'; compare: CompareReport }
  | { kind: 'doctor'; doctor: DoctorReport };

/** A parsed JSON file as an input: a compare report (it has rows) or a run result. */
export function htmlInputOf(json: RunResult | CompareReport): HtmlInput {
  return 'rows' in json && Array.isArray(json.rows) ? { kind: 'compare', compare: json } : { kind: 'run', result: json as RunResult };
}
