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

/** Every string (values and keys) of parsed JSON with its control characters made visible. */
export function escapeStrings(v: unknown): unknown {
  if (typeof v === 'string') return escapeControls(v);
  if (Array.isArray(v)) return v.map(escapeStrings);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, escapeControls(k), { value: escapeStrings(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

