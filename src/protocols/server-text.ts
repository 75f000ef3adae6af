// The trust boundary: every string a server sends (identities from bodies, headers and events,
// error texts, its log lines) passes here before anything keeps it, so no reporter ever sees a
// raw control character or an unbounded value. Each output format escapes again for itself
// (src/report/escape.ts).
import { escapeControls } from '../report/escape.js';

/** Longest identity value kept (characters, after escaping). */
export const MAX_IDENTITY_CHARS = 200;
/** Longest error text or server log line kept. */
export const MAX_LINE_CHARS = 500;

/** Control characters made visible, then cut to `max` characters with a note of how much was cut. */
export function serverText(s: string, max = MAX_IDENTITY_CHARS): string {
  const text = escapeControls(s.length > max * 8 ? s.slice(0, max * 8) : s);
  if (text.length <= max && s.length <= max * 8) return text;
  let cut = max;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--; // do not split a surrogate pair
  return `${text.slice(0, cut)}…(cut, ${s.length} chars)`;
}

/** Every value of a record through serverText. */
export function serverTexts(values: Record<string, string>, max = MAX_IDENTITY_CHARS): Record<string, string> {
  for (const k of Object.keys(values)) values[k] = serverText(values[k]!, max);
  return values;
}
