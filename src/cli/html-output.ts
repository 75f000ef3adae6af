// --html FILE: write the self-contained HTML report; and read a saved JSON (a run result or a
// compare report) for `wobbly report --html`.
import { readFile } from 'node:fs/promises';
import { renderHtml, type CompareReport, type HtmlInput } from '../report/html/index.js';
import { STDOUT, writeOutput } from '../report/write-file.js';
import { InputError } from '../input-error.js';
import { readResult } from '../result/read.js';
import type { Io } from './io.js';

export async function writeHtml(file: string, input: HtmlInput, io: Io, quiet: boolean | undefined): Promise<void> {
  await writeOutput(file, renderHtml(input), io.out);
  if (!quiet && file !== STDOUT) io.out(`HTML report written to ${file}\n`);
}

/** A compare report (written by `compare --json`), else a run result (readResult's checks and errors). */
export async function readHtmlInput(file: string): Promise<HtmlInput> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return { kind: 'run', result: await readResult(file) }; // its error names the file and the reason
  }
  const c = parsed as Partial<CompareReport> | null;
  if (c?.schemaVersion === 1 && Array.isArray(c.rows) && Array.isArray(c.runs)) {
    if (!c.runs.every((r) => typeof r?.actors === 'object' && Array.isArray(r.verdicts))) throw new InputError(`${file}: a compare report whose runs are not wobbly results`);
    return { kind: 'compare', compare: c as CompareReport };
  }
  return { kind: 'run', result: await readResult(file) };
}
