// Escaping per output format, in one place. What a server sent is data: it has been through
// serverText() (src/protocols/server-text.ts) already, and each format still escapes for itself,
// because a result file read back from disk (`wobbly report`, --baseline) is untrusted too.
//
//   escapeControls(s)   control characters (C0, DEL, C1, line/paragraph separators, bidi
//                       overrides) shown visibly as \n, \t, \x1b, \u202e; nothing else changes
//   terminalText(s)     escapeControls: no escape sequence, no line break reaches a terminal
//   githubData(s)       a workflow command's message: controls made visible, then % CR LF escaped
//   githubProperty(s)   a workflow command's property value: githubData plus ":" and ","
//   markdownText(s)     inline Markdown text: no HTML, no links/images, no table break, no controls
//   markdownCode(s)     a Markdown code span (falls back to markdownText when it holds a backtick)
//   xmlText(s) / xmlAttr(s)    XML 1.0 character data / attribute value
//   htmlText(s) / htmlAttr(s)  HTML text / quoted attribute value

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
// C0, DEL, C1; U+2028/2029 (line breaks to JavaScript and some terminals); bidi embeddings,
// overrides and isolates (they reorder what is shown); lone surrogates.
const CONTROLS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function visible(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Control characters shown as visible escapes (\n, \x1b, \u202e); printable text unchanged, and so are those in `keep`. */
export function escapeControls(s: string, keep = ''): string {
  return s.replace(CONTROLS, keep ? (c) => (keep.includes(c) ? c : visible(c)) : visible);
}

/** Has it any character escapeControls would change? */
export function hasControls(s: string): boolean {
  CONTROLS.lastIndex = 0;
  const found = CONTROLS.test(s);
  CONTROLS.lastIndex = 0;
  return found;
}

export const terminalText = escapeControls;

/** A workflow command's message: one line whatever it holds (CR and LF as %0D %0A), so no `::` command can start. */
export function githubData(s: string): string {
  return escapeControls(s, '\r\n\t').replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value (title=, file=). */
export function githubProperty(s: string): string {
  return githubData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * Inline Markdown (a table cell, a list item): one line (line breaks become spaces), no raw HTML
 * (entities), no link or image (`](` and `![` broken), no table break (backslashes and pipes escaped).
 */
export function markdownText(s: string): string {
  return escapeControls(s.replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' '), '\t')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/!\[/g, '!\\[')
    .replace(/\]\(/g, ']\\(');
}

/** A code span: shows < and & literally; only pipes (in tables) need escaping inside it. */
export function markdownCode(s: string): string {
  const text = escapeControls(s.replace(/\s*[\r\n]+\s*/g, ' '), '\t');
  return text.includes('`') ? markdownText(s) : `\`${text.replace(/\|/g, '\\|')}\``;
}

// Characters XML 1.0 does not allow at all, even escaped: most C0 controls, U+FFFE/U+FFFF, lone surrogates.
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlText(s: string): string {
  return s.replace(XML_FORBIDDEN, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** HTML text content: controls visible, markup characters as entities. */
export function htmlText(s: string): string {
  return escapeControls(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A double- or single-quoted HTML attribute value. */
export function htmlAttr(s: string): string {
  return htmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/`/g, '&#96;');
}
