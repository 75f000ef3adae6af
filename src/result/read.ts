// Reading a saved JSON result (for `wobbly report`, `wobbly diff` and --baseline): a clear error,
// exit 2, when the file is missing, not JSON, or not a wobbly result.
import { readFile } from 'node:fs/promises';
import { InputError } from '../input-error.js';
import type { RunResult } from './types.js';

export { InputError } from '../input-error.js';

export async function readResult(file: string, what = 'result'): Promise<RunResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new InputError(`${file}: not a readable JSON ${what} (${e.code ?? e.message})`);
  }
  const r = parsed as Partial<RunResult> | null;
  if (r?.schemaVersion !== 1 || typeof r.actors !== 'object' || !Array.isArray(r.verdicts) || typeof r.bucketMs !== 'number') {
    throw new InputError(`${file}: not a wobbly result (expected the JSON written by --json, schemaVersion 1)`);
  }
  return r as RunResult;
}
