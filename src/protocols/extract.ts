// Extractors: pull identities (thread id, worker pid, ...) out of responses and SSE events.
//
//   pid:    { from: body,   json: /0 }                 → RFC 6901 pointer into the parsed body
//   thread: { from: event,  regex: 'thread: (\d+)' }   → group 1 (or the whole match) in event data
//   server: { from: header, header: server }           → a response header (case-insensitive)
//
// With from: header, a regex or json pointer may also be given: it applies to the header value.
// Specs are compiled once (regexes built, pointers split); a body or event is JSON-parsed at most
// once however many json extractors read it; a body that is not JSON yields no json values.
// A missing match yields no key. Every value leaves through serverText (the trust boundary).

import type { ExtractSpec } from '../types.js';
import { serverText } from './server-text.js';

export interface Extractor {
  /** The extracted field names, in spec order. */
  readonly names: readonly string[];
  /** Some spec reads the response (from: body or header). */
  readonly hasResponse: boolean;
  /** Some spec reads the response body (from: body). */
  readonly hasBody: boolean;
  /** Some spec reads SSE events / chunked lines (from: event). */
  readonly hasEvent: boolean;
  /**
   * Apply the `from: body` and `from: header` specs. Header names may be in any case.
   * Pass body undefined when the body is not available (e.g. a stream): body specs are skipped.
   */
  fromResponse(headers: Record<string, string | string[] | undefined>, body: string | undefined): Record<string, string>;
  /** Apply the `from: event` specs to one event's data. */
  fromEvent(data: string): Record<string, string>;
}

const FROM = ['body', 'event', 'header'] as const;
/** RFC 9110 token. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Check one spec. Returns a human-readable problem, or undefined when the spec is valid.
 * Defensive about its input (it may come straight from YAML).
 */
export function checkExtractSpec(spec: ExtractSpec): string | undefined {
  if (spec === null || typeof spec !== 'object') return 'expected an object with from: body | event | header';
  const from: unknown = spec.from;
  if (typeof from !== 'string' || !(FROM as readonly string[]).includes(from)) {
    return `from must be one of body, event, header${from === undefined ? '' : ` (got ${JSON.stringify(from)})`}`;
  }
  const { regex, json, header } = spec as { regex?: unknown; json?: unknown; header?: unknown };
  if (regex !== undefined && typeof regex !== 'string') return 'regex must be a string';
  if (json !== undefined && typeof json !== 'string') return 'json must be a string (a JSON pointer such as /0 or /worker/pid)';
  if (header !== undefined && typeof header !== 'string') return 'header must be a string';
  if (regex !== undefined && json !== undefined) return 'give either regex or json, not both';
  if (from === 'header') {
    if (header === undefined || header === '') return 'from: header needs header: <name>';
    if (!HEADER_NAME.test(header)) return `header "${header}" is not a valid HTTP header name`;
  } else {
    if (header !== undefined) return `header: is only used with from: header (this one is from: ${from})`;
    if (regex === undefined && json === undefined) return `from: ${from} needs regex: <pattern> or json: <pointer>`;
  }
  if (regex !== undefined) {
    const problem = regexProblem(regex);
    if (problem !== undefined) return problem;
  }
  if (json !== undefined) {
    const problem = pointerProblem(json);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (e) {
    let reason = e instanceof Error ? e.message : String(e);
    // V8: "Invalid regular expression: /(/: Unterminated group" → "Unterminated group"
    const prefix = `Invalid regular expression: /${source}/: `;
    if (reason.startsWith(prefix)) reason = reason.slice(prefix.length);
    return `regex "${source}" is not a valid regular expression: ${reason}`;
  }
}

function pointerProblem(pointer: string): string | undefined {
  if (pointer === '') return undefined;
  if (pointer.charCodeAt(0) !== 47 /* / */) return `json pointer must start with "/" (got "${pointer}"; use "" for the whole document)`;
  const bad = /~(?![01])/.exec(pointer);
  if (bad !== null) {
    const seq = pointer.slice(bad.index, bad.index + 2);
    return `json pointer "${pointer}" has an invalid escape "${seq}" (only ~0 for "~" and ~1 for "/")`;
  }
  return undefined;
}

/** Split a valid RFC 6901 pointer into unescaped reference tokens ("" → []). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  const problem = pointerProblem(pointer);
  if (problem !== undefined) throw new Error(problem);
  const parts = pointer.slice(1).split('/');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.indexOf('~') !== -1) parts[i] = p.replace(/~1/g, '/').replace(/~0/g, '~');
  }
  return parts;
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

/** Resolve reference tokens against a parsed JSON value; undefined when the target does not exist. */
export function resolvePointer(doc: unknown, tokens: readonly string[]): unknown {
  let cur: unknown = doc;
  for (const token of tokens) {
    if (Array.isArray(cur)) {
      if (!ARRAY_INDEX.test(token)) return undefined; // includes "-" (past the end)
      const index = Number(token);
      if (index >= cur.length) return undefined;
      cur = cur[index];
    } else if (cur !== null && typeof cur === 'object') {
      if (!Object.prototype.hasOwnProperty.call(cur, token)) return undefined;
      cur = (cur as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return cur;
}

/** A JSON value as an identity string: strings as is, numbers/booleans/null as written, objects as JSON. */
export function stringifyValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
      return String(value);
    case 'undefined':
      return undefined;
    default:
      return JSON.stringify(value);
  }
}

/** Sentinel: the text is not JSON. */
const NOT_JSON: unique symbol = Symbol('not-json');
/** Sentinel: not parsed yet. */
const UNPARSED: unique symbol = Symbol('unparsed');
type Parsed = unknown | typeof NOT_JSON | typeof UNPARSED;

/** JSON.parse, or NOT_JSON. Skips the (costly) exception for texts that cannot be JSON. */
function parseJson(text: string): unknown {
  let i = 0;
  const n = text.length;
  let c = 0;
  while (i < n) {
    c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    i++;
  }
  if (i === n) return NOT_JSON;
  // { [ " - 0-9 t f n
  if (!(c === 123 || c === 91 || c === 34 || c === 45 || (c >= 48 && c <= 57) || c === 116 || c === 102 || c === 110)) {
    return NOT_JSON;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

interface Compiled {
  name: string;
  from: 'body' | 'event' | 'header';
  regex: RegExp | undefined;
  pointer: string[] | undefined;
  header: string | undefined;
}

function applyRegex(re: RegExp, text: string): string | undefined {
  const m = re.exec(text);
  if (m === null) return undefined;
  // With a capture group: group 1 (absent when it did not take part in the match); else the whole match.
  return m.length > 1 ? m[1] : m[0];
}

function lookupHeader(headers: Record<string, string | string[] | undefined>, lower: string): string | undefined {
  let v = headers[lower];
  if (v === undefined) {
    for (const key in headers) {
      if (key.length === lower.length && key.toLowerCase() === lower) {
        v = headers[key];
        if (v !== undefined) break;
      }
    }
  }
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : v.join(', ');
}

/** Apply a list of body-or-event specs to one text, parsing it as JSON at most once. */
function applyText(specs: readonly Compiled[], text: string, out: Record<string, string>): void {
  let parsed: Parsed = UNPARSED;
  for (const s of specs) {
    let value: string | undefined;
    if (s.regex !== undefined) {
      value = applyRegex(s.regex, text);
    } else if (s.pointer !== undefined) {
      if (parsed === UNPARSED) parsed = parseJson(text);
      if (parsed === NOT_JSON) continue;
      value = stringifyValue(resolvePointer(parsed, s.pointer));
    }
    if (value !== undefined) out[s.name] = serverText(value);
  }
}

/**
 * Compile extract specs (validated with checkExtractSpec; an invalid one throws an Error whose
 * message starts with its name).
 */
export function compileExtractors(specs: Record<string, ExtractSpec>): Extractor {
  const body: Compiled[] = [];
  const event: Compiled[] = [];
  const header: Compiled[] = [];
  const names: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const problem = checkExtractSpec(spec);
    if (problem !== undefined) throw new Error(`${name}: ${problem}`);
    const c: Compiled = {
      name,
      from: spec.from,
      regex: spec.regex !== undefined ? new RegExp(spec.regex) : undefined,
      pointer: spec.json !== undefined ? parsePointer(spec.json) : undefined,
      header: spec.header !== undefined ? spec.header.toLowerCase() : undefined,
    };
    names.push(name);
    (spec.from === 'body' ? body : spec.from === 'event' ? event : header).push(c);
  }

  return {
    names,
    hasResponse: body.length + header.length > 0,
    hasBody: body.length > 0,
    hasEvent: event.length > 0,
    fromResponse(headers, text) {
      const out: Record<string, string> = {};
      if (body.length > 0 && text !== undefined) applyText(body, text, out);
      for (const s of header) {
        const raw = lookupHeader(headers, s.header!);
        if (raw === undefined) continue;
        if (s.regex === undefined && s.pointer === undefined) out[s.name] = serverText(raw);
        else applyText([s], raw, out);
      }
      return out;
    },
    fromEvent(data) {
      const out: Record<string, string> = {};
      if (event.length > 0) applyText(event, data, out);
      return out;
    },
  };
}
