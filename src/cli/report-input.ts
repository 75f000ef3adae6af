// `wobbly report FILE` takes every JSON wobbly writes: a run result (--json), a compare report
// (compare --json) or a doctor report (doctor --json). Anything else is refused with what it is,
// so a user who passed the wrong file sees which file they passed.
import { readFile } from 'node:fs/promises';
import { InputError } from '../input-error.js';
import type { DoctorReport } from '../doctor/report.js';
import type { HtmlInput } from '../report/html/index.js';
import { escapeStrings, serverText } from '../protocols/server-text.js';
import { readHtmlInput } from './html-output.js';

export type ReportInput = Exclude<HtmlInput, { kind: 'runs' }>;

const MAX_KEYS_NAMED = 12;

export async function readReportInput(file: string): Promise<ReportInput> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return readHtmlInput(file) as Promise<ReportInput>; // its error names the file and why it is not readable JSON
  }
  const o = parsed as Record<string, unknown> | null;
  if (o?.kind === 'doctor' && o.schemaVersion === 1 && Array.isArray(o.endpoints)) return { kind: 'doctor', doctor: escapeStrings(o) as DoctorReport };
  const isRun = typeof o?.actors === 'object' && Array.isArray(o.verdicts) && typeof o.bucketMs === 'number';
  const isCompare = Array.isArray(o?.rows) && Array.isArray(o?.runs);
  if ((isRun || isCompare) && o!.schemaVersion === 1) return readHtmlInput(file) as Promise<ReportInput>;
  throw new InputError(`${file}: ${describeJson(parsed)}; not a wobbly run result, compare or doctor report`);
}

/** What a parsed JSON value is, in a few words: "a JSON object with keys a, b, c". */
export function describeJson(v: unknown): string {
  if (v === null) return 'JSON null';
  if (Array.isArray(v)) return `a JSON array of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v !== 'object') return `a JSON ${typeof v}`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 0) return 'an empty JSON object';
  // A wobbly file of another schema version says so rather than listing its keys.
  const kind = o.kind === 'doctor' ? 'doctor report' : Array.isArray(o.rows) ? 'compare report' : 'actors' in o ? 'run result' : undefined;
  if (kind && o.schemaVersion !== undefined && o.schemaVersion !== 1) {
    return `a wobbly ${kind} of schemaVersion ${serverText(JSON.stringify(o.schemaVersion), 40)} (this wobbly reads schemaVersion 1)`;
  }
  const named = keys.slice(0, MAX_KEYS_NAMED).map((k) => serverText(k, 40));
  const more = keys.length > MAX_KEYS_NAMED ? ` and ${keys.length - MAX_KEYS_NAMED} more` : '';
  return `a JSON object with key${keys.length === 1 ? '' : 's'} ${named.join(', ')}${more}`;
}
