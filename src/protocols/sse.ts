// Incremental parsers for streamed response bodies.
//
// SseParser follows the WHATWG HTML "event stream interpretation"
// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
//   - the byte stream is UTF-8 decoded (invalid bytes become U+FFFD), one leading BOM is dropped;
//   - lines end in CRLF, LF or CR;
//   - a blank line dispatches the event being built; a line starting with ':' is a comment;
//   - "field:value" (one leading space of the value is dropped) or "field" alone (empty value);
//   - data lines are joined with '\n'; "event" sets the type (default "message"); "id" sets the
//     last event id unless it contains NUL, and persists across events; "retry" is honoured only
//     when it is all ASCII digits; other fields are ignored;
//   - an event whose data buffer is empty is not dispatched;
//   - at the end of the stream, an incomplete event (or line) is discarded.
//
// LineSplitter reuses the same decoding and line splitting for plain chunked text bodies and
// reports each non-empty line as an event of type 'line'.
//
// Both are built to run for thousands of concurrent streams: one TextDecoder per stream, line
// ends found with indexOf, no per-line allocation beyond the line string itself.

/** One dispatched event. */
export interface SseEvent {
  /** The event type: the last `event:` field of the block, or "message" (or "line" for LineSplitter). */
  type: string;
  /** The data lines of the block joined with '\n'. */
  data: string;
  /** The last event id in effect when the event was dispatched ("" when none was ever set). */
  id: string;
  /** The reconnection time (ms) sent by a valid `retry:` field inside this event's block, if any. */
  retry?: number;
}

export type SseEventHandler = (event: SseEvent) => void;

import { TextDecoder } from 'node:util';

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;
const BOM = 0xfeff;
const STREAM = { stream: true } as const;

/**
 * A line (or an SSE event's data) longer than this is not buffered further: the parser stops and
 * sets `overflow`, and the stream fails with that reason (a server that never sends a line end
 * cannot make wobbly hold its whole body in memory).
 */
export const MAX_LINE_CHARS = 1 << 20;

/**
 * Shared machinery: UTF-8 decoding across chunk boundaries, BOM removal, and splitting into
 * lines on CRLF, LF or CR (a CR ending one chunk followed by an LF starting the next is one line end).
 */
abstract class LineDecoder {
  private decoder: TextDecoder | undefined;
  /** Text of the current line received so far (no line end seen yet). */
  protected partial = '';
  /** The previous text ended with CR: an LF at the start of the next text belongs to it. */
  private skipLF = false;
  /** No character has been seen yet (a BOM is still possible). */
  private atStart = true;
  /** The last chunk pushed was bytes (the decoder may hold an incomplete sequence). */
  private lastWasBytes = false;
  private ended = false;

  /** Number of complete lines seen (blank and comment lines included). */
  lines = 0;
  /** Number of bytes (for Uint8Array chunks) or UTF-16 units (for string chunks) pushed. */
  received = 0;
  /** Set when a line or an event grew past MAX_LINE_CHARS: the rest of the stream is ignored. */
  overflow: string | undefined;

  /** Feed the next chunk of the body. Strings are taken as already decoded text. */
  push(chunk: Uint8Array | string): void {
    if (this.ended) throw new Error('push() after end()');
    if (this.overflow !== undefined) return;
    if (typeof chunk === 'string') {
      this.received += chunk.length;
      if (chunk.length === 0) return;
      if (this.lastWasBytes) {
        // Flush an incomplete byte sequence (it becomes U+FFFD, as at the end of a stream).
        this.lastWasBytes = false;
        const rest = this.decoder!.decode();
        if (rest.length > 0) this.feed(rest);
      }
      this.feed(chunk);
      return;
    }
    this.received += chunk.byteLength;
    if (chunk.byteLength === 0) return;
    this.lastWasBytes = true;
    // ignoreBOM: the BOM is handled here, once for the whole stream, whatever the chunk types.
    const decoder = (this.decoder ??= new TextDecoder('utf-8', { ignoreBOM: true }));
    const text = decoder.decode(chunk, STREAM);
    if (text.length > 0) this.feed(text);
  }

  /** The stream is over. Flushes the decoder; what happens to an unterminated line is up to the subclass. */
  end(): void {
    if (this.ended) return;
    if (this.lastWasBytes) {
      this.lastWasBytes = false;
      const rest = this.decoder!.decode();
      if (rest.length > 0) this.feed(rest);
    }
    this.ended = true;
    this.finish();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  protected abstract onLine(line: string): void;
  protected abstract finish(): void;

  private feed(text: string): void {
    const n = text.length;
    let i = 0;
    if (this.atStart) {
      this.atStart = false;
      if (text.charCodeAt(0) === BOM) {
        i = 1;
      }
    }
    if (this.skipLF) {
      this.skipLF = false;
      if (text.charCodeAt(i) === LF) i++;
    }
    // Next LF / CR at or after i; -1 means none left in this text, so each is searched at most
    // once per occurrence (LF-only streams scan for CR once per chunk).
    let lf = text.indexOf('\n', i);
    let cr = text.indexOf('\r', i);
    while (lf !== -1 || cr !== -1) {
      let end: number;
      let next: number;
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        end = lf;
        next = lf + 1;
      } else {
        end = cr;
        if (cr + 1 < n) {
          next = text.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
        } else {
          next = n;
          this.skipLF = true;
        }
      }
      let line: string;
      if (this.partial.length > 0) {
        line = this.partial + text.slice(i, end);
        this.partial = '';
      } else {
        line = text.slice(i, end);
      }
      i = next;
      this.lines++;
      this.onLine(line);
      if (lf !== -1 && lf < i) lf = text.indexOf('\n', i);
      if (cr !== -1 && cr < i) cr = text.indexOf('\r', i);
    }
    if (i < n) this.partial += i === 0 ? text : text.slice(i);
    if (this.partial.length > MAX_LINE_CHARS) this.overflowed(`a line longer than ${MAX_LINE_CHARS} characters`);
  }

  protected overflowed(what: string): void {
    this.overflow = what;
    this.partial = '';
  }
}

/**
 * Incremental Server-Sent Events parser (WHATWG event stream interpretation).
 *
 *   const p = new SseParser((e) => ...);
 *   for await (const chunk of body) p.push(chunk);
 *   p.end();
 *   if (p.discardedIncomplete) ... // the stream stopped in the middle of an event
 */
export class SseParser extends LineDecoder {
  /** Comment lines seen (lines starting with ':', e.g. keep-alives). */
  comments = 0;
  /** Events dispatched to the handler. */
  events = 0;
  /** Blocks ended by a blank line that were not dispatched because their data buffer was empty. */
  emptyBlocks = 0;
  /** The reconnection time (ms) from the last valid `retry:` field, or undefined. */
  retry: number | undefined = undefined;
  /**
   * The event source's last event ID string: the id buffer as of the last blank line
   * (what a client would send as Last-Event-ID when reconnecting).
   */
  lastEventId = '';
  /** Set by end(): the stream ended inside an event (fields or an unterminated line were pending). */
  discardedIncomplete = false;

  private data = '';
  private dataLines = 0;
  private eventType = '';
  private idBuffer = '';
  private blockRetry: number | undefined = undefined;
  /** Field lines (not comments) since the last blank line. */
  private pendingFields = 0;

  constructor(private readonly onEvent: SseEventHandler) {
    super();
  }

  /** End of stream. Returns true when an incomplete trailing event was discarded. */
  override end(): boolean {
    super.end();
    return this.discardedIncomplete;
  }

  protected finish(): void {
    const partial = this.partial;
    this.discardedIncomplete =
      this.pendingFields > 0 || (partial.length > 0 && partial.charCodeAt(0) !== COLON);
    this.partial = '';
    this.data = '';
    this.dataLines = 0;
    this.eventType = '';
    this.blockRetry = undefined;
    this.pendingFields = 0;
  }

  protected onLine(line: string): void {
    const len = line.length;
    if (len === 0) {
      this.dispatch();
      return;
    }
    const first = line.charCodeAt(0);
    if (first === COLON) {
      this.comments++;
      return;
    }
    this.pendingFields++;
    let colon = line.indexOf(':');
    let value: string;
    if (colon === -1) {
      colon = len;
      value = '';
    } else {
      let start = colon + 1;
      if (line.charCodeAt(start) === SPACE) start++;
      value = start >= len ? '' : line.slice(start);
    }
    // Compare the field name in place (no substring).
    switch (colon) {
      case 4:
        if (line.startsWith('data')) {
          this.data = this.dataLines === 0 ? value : this.data + '\n' + value;
          this.dataLines++;
          if (this.data.length > MAX_LINE_CHARS) {
            this.data = '';
            this.overflowed(`an event with more than ${MAX_LINE_CHARS} characters of data`);
          }
        }
        return;
      case 5:
        if (first === 101 /* e */ && line.startsWith('event')) {
          this.eventType = value;
        } else if (first === 114 /* r */ && line.startsWith('retry')) {
          const ms = digitsValue(value);
          if (ms !== undefined) {
            this.retry = ms;
            this.blockRetry = ms;
          }
        }
        return;
      case 2:
        if (line.startsWith('id') && value.indexOf('\0') === -1) this.idBuffer = value;
        return;
      default:
        return;
    }
  }

  private dispatch(): void {
    this.lastEventId = this.idBuffer;
    this.pendingFields = 0;
    const retry = this.blockRetry;
    this.blockRetry = undefined;
    if (this.dataLines === 0) {
      this.eventType = '';
      this.emptyBlocks++;
      return;
    }
    const event: SseEvent = {
      type: this.eventType.length > 0 ? this.eventType : 'message',
      data: this.data,
      id: this.idBuffer,
    };
    if (retry !== undefined) event.retry = retry;
    this.data = '';
    this.dataLines = 0;
    this.eventType = '';
    this.events++;
    this.onEvent(event);
  }
}

/** The value of a string of ASCII digits, or undefined when it is empty or has anything else. */
function digitsValue(s: string): number | undefined {
  const n = s.length;
  if (n === 0) return undefined;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return Number(s);
}

/**
 * "Chunked text" mode: each non-empty line of the body is an event
 * `{ type: 'line', data: <line>, id: '' }`. Lines end in CRLF, LF or CR, as in SSE.
 * An unterminated last line is still a line: it is reported by end().
 */
export class LineSplitter extends LineDecoder {
  /** Events (non-empty lines) reported. */
  events = 0;
  /** Blank lines skipped. */
  blankLines = 0;

  constructor(private readonly onEvent: SseEventHandler) {
    super();
  }

  protected onLine(line: string): void {
    if (line.length === 0) {
      this.blankLines++;
      return;
    }
    this.events++;
    this.onEvent({ type: 'line', data: line, id: '' });
  }

  protected finish(): void {
    const last = this.partial;
    this.partial = '';
    if (last.length > 0) {
      this.lines++;
      this.onLine(last);
    }
  }
}

/** The result of parsing a whole event stream at once (see parseSse). */
export interface SseParseResult {
  events: SseEvent[];
  comments: number;
  lastEventId: string;
  retry: number | undefined;
  discardedIncomplete: boolean;
}

/** Parse a complete event stream given as one or more chunks (convenience for tests and tools). */
export function parseSse(chunks: Uint8Array | string | Iterable<Uint8Array | string>): SseParseResult {
  const events: SseEvent[] = [];
  const parser = new SseParser((e) => events.push(e));
  if (typeof chunks === 'string' || chunks instanceof Uint8Array) parser.push(chunks);
  else for (const c of chunks) parser.push(c);
  parser.end();
  return {
    events,
    comments: parser.comments,
    lastEventId: parser.lastEventId,
    retry: parser.retry,
    discardedIncomplete: parser.discardedIncomplete,
  };
}
