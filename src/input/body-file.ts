// A request body read from a file: `body: { file: … }` in a scenario and the one-liner's -d @file.
// Read at load time (so a missing or oversized file stops the run before anything is sent),
// capped like an inline body.
import { readFileSync, statSync } from 'node:fs';

export const MAX_BODY_BYTES = 1 << 20;

/** The file's text, or why it cannot be a body (a phrase to put after the file name). */
export function readBodyFile(path: string): { text: string } | { error: string } {
  try {
    const info = statSync(path);
    if (!info.isFile()) return { error: 'not a regular file' };
    if (info.size > MAX_BODY_BYTES) return { error: `expected at most 1 MiB, it has ${info.size} bytes` };
    return { text: readFileSync(path, 'utf8') };
  } catch (err) {
    return { error: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
}
