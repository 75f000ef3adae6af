// A minimal HTTP/1.1 client connection for the load actor: one request at a time on a keep-alive
// socket, the request pre-encoded once, the response parsed just enough to know where it ends
// (status, Content-Length / chunked / read-until-close) and how many bytes it took. No promises
// and no per-request timers on the hot path: the driver sweeps timeouts. undici measured about
// 0.6 × autocannon's rate on loopback; this does not (see bench/run.ts).
//
// Cheap per request (measured in bench/run.ts, CPU per request from the process's rusage): plain
// TCP reads go into one buffer per thread (net's `onread`: no Buffer and no stream machinery per
// read), the head is parsed byte by byte without making strings, and the response object is
// reused. Strict like llhttp (undici's parser): a framing error (bare LF, bad chunk size, bad or
// conflicting Content-Length, oversized head) fails the request at once instead of waiting for
// bytes that never come (test/http1-differential.test.ts holds both to the same answers).
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tlsConnectOptions, type TlsTrust } from '../net/tls.js';
import { faultName, MALFORMED } from '../protocols/faults.js';

export interface Http1Target {
  host: string;
  port: number;
  tls: boolean;
  trust?: TlsTrust;
}

export interface Http1Response {
  status: number;
  /** Decoded body bytes (chunk framing not counted). */
  bodyBytes: number;
  /** Every byte of this response on the wire: status line, headers, body and framing. */
  wireBytes: number;
  /** The response came on a connection that had answered before (set with the status). */
  reused: boolean;
  /** Only when asked for (extraction): header names lower-cased. */
  headers?: Record<string, string | string[]>;
  /** Only when asked for (extraction): the body, cut at maxBody bytes. */
  body?: Buffer;
}

/**
 * `error` is undefined on success; otherwise a short code: ECONNREFUSED, connection closed,
 * timeout, malformed HTTP (...). `res` is the connection's own object: valid until its next send.
 */
export type Http1Callback = (error: string | undefined, res: Http1Response) => void;

export interface Http1Options {
  keepHeaders?: boolean;
  keepBody?: boolean;
  maxBody?: number;
}

/** Target of a base URL (http: or https:). */
export function targetOf(origin: string): Http1Target {
  const u = new URL(origin);
  const tls = u.protocol === 'https:';
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || (tls ? 443 : 80)), tls };
}

/** CR, LF or NUL: would end the line early and smuggle a header or a request of its own. */
const LINE_BREAKER = /[\r\n\0]/;

/** What in a request would not go on the wire verbatim (empty: nothing). */
export function requestProblems(method: string, path: string, headers: Record<string, string>): string[] {
  const problems: string[] = [];
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(method)) problems.push(`method ${JSON.stringify(method)} is not an HTTP token`);
  if (LINE_BREAKER.test(path) || /\s/.test(path)) problems.push(`path ${JSON.stringify(path)} contains whitespace, CR, LF or NUL`);
  for (const [k, v] of Object.entries(headers)) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(k)) problems.push(`header name ${JSON.stringify(k)} is not an HTTP token`);
    if (LINE_BREAKER.test(v)) problems.push(`header ${k}: value contains CR, LF or NUL`);
  }
  return problems;
}

/** The request's bytes, encoded once and written as-is for every request. Throws on CR/LF in the method, path or headers. */
export function encodeRequest(
  method: string,
  path: string,
  hostHeader: string,
  headers: Record<string, string>,
  body: string | undefined,
  userAgent: string,
): Buffer {
  const problems = requestProblems(method, path, { ...headers, Host: hostHeader, 'User-Agent': userAgent });
  if (problems.length) throw new Error(`request not sent: ${problems.join('; ')}`);
  const lower = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
  const lines = [`${method} ${path} HTTP/1.1`];
  if (!lower.has('host')) lines.push(`Host: ${hostHeader}`);
  if (!lower.has('user-agent')) lines.push(`User-Agent: ${userAgent}`);
  if (!lower.has('accept')) lines.push('Accept: */*');
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
  if (payload && !lower.has('content-length')) lines.push(`Content-Length: ${payload.length}`);
  else if (!payload && method !== 'GET' && method !== 'HEAD' && method !== 'DELETE' && method !== 'OPTIONS') lines.push('Content-Length: 0');
  const head = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
  return payload ? Buffer.concat([head, payload]) : head;
}

/** Node's (and undici's) default limit on a response head. */
export const MAX_HEAD = 16 * 1024;
const MAX_CHUNK_SIZE_LINE = 1024;
const CR = 13;
const LF = 10;
const SP = 32;
const HT = 9;
const COLON = 58;
const SEMI = 59;

const TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN[c.charCodeAt(0)] = 1;
/** Hex digit values + 1 (0: not a hex digit). */
const HEX = new Uint8Array(256);
for (let i = 0; i < 16; i++) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i + 1;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i + 1;
}
const bytesOf = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const HTTP_1 = 'HTTP/1.';
const CONTENT_LENGTH = bytesOf('content-length');
const TRANSFER_ENCODING = bytesOf('transfer-encoding');
const CONNECTION = bytesOf('connection');

/** Index of the LF that ends the line starting at i (its CR is just before); -1: not complete yet; -2: a bare LF or CR. */
function lineEnd(buf: Buffer, i: number, end: number): number {
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c === CR) {
      if (i + 1 >= end) return -1;
      return buf[i + 1] === LF ? i + 1 : -2;
    }
    if (c === LF) return -2;
  }
  return -1;
}

/** buf[from] starts "HTTP/1.0 " or "HTTP/1.1 ". */
function statusPrefix(buf: Buffer, from: number): boolean {
  for (let k = 0; k < 7; k++) if (buf[from + k] !== HTTP_1.charCodeAt(k)) return false;
  return (buf[from + 7] === 0x30 || buf[from + 7] === 0x31) && buf[from + 8] === SP;
}

/** buf[from, from + name.length) equals the lower-case name, ignoring ASCII case. */
function nameIs(buf: Buffer, from: number, len: number, name: Uint8Array): boolean {
  if (len !== name.length) return false;
  for (let k = 0; k < len; k++) if ((buf[from + k]! | 0x20) !== name[k]) return false;
  return true;
}

/**
 * Bytes read into it are parsed before the next read: one buffer serves every plain connection
 * of a thread. Bytes kept across reads are copied out of it.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

type BodyMode = 'none' | 'length' | 'chunked' | 'close';
type ChunkState = 'size' | 'data' | 'data-crlf' | 'trailer';

/**
 * One connection; `send` one request at a time. Connects lazily, reconnects after the server
 * closes, and resends once when a reused connection turns out to be closed before any byte of
 * the answer came back (the keep-alive race every client has to handle).
 */
export class Http1Connection {
  private socket: Socket | undefined;
  private connected = false;
  private reused = false;
  private cb: Http1Callback | undefined;
  private request: Buffer | undefined;
  private isHead = false;
  private retried = false;
  private gotBytes = false;
  // parser state
  private pending: Buffer | undefined;
  private inHead = true;
  private mode: BodyMode = 'none';
  private remaining = 0;
  private chunkState: ChunkState = 'size';
  private keepAlive = true;
  private readonly res: Http1Response = { status: 0, bodyBytes: 0, wireBytes: 0, reused: false, headers: undefined, body: undefined };
  private bodyParts: Buffer[] | undefined;

  constructor(
    private readonly target: Http1Target,
    private readonly options: Http1Options = {},
  ) {}

  get busy(): boolean {
    return this.cb !== undefined;
  }

  send(request: Buffer, isHead: boolean, cb: Http1Callback): void {
    if (this.cb) throw new Error('Http1Connection: one request at a time');
    this.cb = cb;
    this.request = request;
    this.isHead = isHead;
    this.retried = false;
    this.write();
  }

  /** Give up on the request in flight (timeout, end of the run): the socket is closed. */
  abort(reason: string): void {
    const cb = this.cb;
    this.teardown();
    if (cb) this.finish(cb, reason);
  }

  /** Close the connection (nothing in flight is reported). */
  close(): void {
    this.cb = undefined;
    this.teardown();
  }

  private write(): void {
    this.resetResponse();
    this.gotBytes = false;
    if (!this.socket) this.open();
    if (this.connected) this.socket!.write(this.request!);
  }

  private open(): void {
    const { host, port, tls, trust } = this.target;
    let s: Socket;
    if (tls) {
      s = tlsConnect({ host, port, servername: /^[\d.:]+$/.test(host) ? undefined : host, ...tlsConnectOptions(trust) });
      s.on('data', (chunk: Buffer) => {
        if (this.socket === s) this.onData(chunk, chunk.length, false);
      });
    } else {
      s = netConnect({
        host,
        port,
        onread: {
          buffer: READ_BUFFER,
          callback: (n: number, buf: Uint8Array) => {
            if (this.socket === s) this.onData(buf as Buffer, n, true);
            return true;
          },
        },
      });
    }
    this.socket = s;
    this.connected = false;
    this.reused = false;
    s.setNoDelay(true);
    s.on(tls ? 'secureConnect' : 'connect', () => {
      if (this.socket !== s) return;
      this.connected = true;
      if (this.cb) s.write(this.request!);
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      // A certificate or handshake failure is named "TLS error (…)" as undici's are.
      if (this.socket === s) this.onClosed(tls && err.code ? faultName(err.code) : (err.code ?? err.message));
    });
    s.on('close', () => {
      if (this.socket === s) this.onClosed(undefined);
    });
    s.on('end', () => {
      if (this.socket === s) this.onClosed(undefined);
    });
  }

  private teardown(): void {
    const s = this.socket;
    this.socket = undefined;
    this.connected = false;
    this.pending = undefined;
    s?.destroy();
  }

  private onClosed(code: string | undefined): void {
    const cb = this.cb;
    const wasReused = this.reused;
    const closeDelimited = this.mode === 'close' && !this.inHead;
    this.teardown();
    if (!cb) return;
    if (closeDelimited && code === undefined) {
      // HTTP/1.0 style: the body ends when the server closes.
      this.finish(cb, undefined);
      return;
    }
    if (!this.gotBytes && wasReused && !this.retried) {
      this.retried = true;
      this.write();
      return;
    }
    this.finish(cb, code ?? 'connection closed');
  }

  private finish(cb: Http1Callback, error: string | undefined): void {
    this.cb = undefined;
    const res = this.res;
    if (this.bodyParts) res.body = Buffer.concat(this.bodyParts);
    this.bodyParts = undefined;
    cb(error, res);
  }

  private resetResponse(): void {
    const res = this.res;
    res.status = 0;
    res.bodyBytes = 0;
    res.wireBytes = 0;
    res.reused = false;
    res.headers = undefined;
    res.body = undefined;
    this.inHead = true;
    this.mode = 'none';
    this.remaining = 0;
    this.chunkState = 'size';
    this.keepAlive = true;
    this.bodyParts = undefined;
  }

  /** `data[0, n)` arrived; `shared`: data is the thread's read buffer (copy what is kept). */
  private onData(data: Buffer, n: number, shared: boolean): void {
    if (!this.cb) {
      // Bytes nobody asked for (a server talking out of turn): drop the connection.
      this.teardown();
      return;
    }
    this.gotBytes = true;
    let buf = data;
    let end = n;
    if (this.pending) {
      buf = Buffer.concat([this.pending, data.subarray(0, n)]);
      end = buf.length;
      shared = false;
      this.pending = undefined;
    }
    let at = 0;
    while (at < end && this.cb) {
      if (this.inHead) {
        const next = this.parseHead(buf, at, end);
        if (next === -2) return;
        if (next === -1) {
          this.keep(buf, at, end, shared);
          return;
        }
        this.res.wireBytes += next - at;
        at = next;
        if (this.res.status === 0) continue; // an interim 1xx response: the real one follows
        this.inHead = false;
        if (this.mode === 'none' || (this.mode === 'length' && this.remaining === 0)) {
          this.complete(end > at);
          return;
        }
        continue;
      }
      at = this.parseBody(buf, at, end, shared);
      if (at < 0) return;
    }
  }

  private keep(buf: Buffer, at: number, end: number, shared: boolean): void {
    this.pending = shared ? Buffer.from(buf.subarray(at, end)) : buf.subarray(at, end);
  }

  /**
   * Parses the head starting at buf[from]; returns the index after it, -1 when it is not all
   * there yet (nothing is changed), or -2 after a protocol error. A 1xx head leaves status at 0.
   */
  private parseHead(buf: Buffer, from: number, end: number): number {
    const bad = (what: string) => {
      this.protocolError(what);
      return -2;
    };
    const limit = Math.min(end, from + MAX_HEAD + 1);
    // Status line: HTTP/1.x SSS[ reason]
    let eol = lineEnd(buf, from, limit);
    if (eol === -2) return bad('bare CR or LF in the status line');
    if (eol === -1) return limit - from > MAX_HEAD ? bad('response head too large') : this.checkedPrefix(buf, from, end);
    const cr = eol - 1;
    if (cr - from < 12 || !statusPrefix(buf, from)) return bad('not an HTTP/1.x response');
    const d0 = buf[from + 9]! - 48;
    const d1 = buf[from + 10]! - 48;
    const d2 = buf[from + 11]! - 48;
    if (d0 < 1 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9 || (cr - from > 12 && buf[from + 12] !== SP)) return bad('bad status line');
    const status = d0 * 100 + d1 * 10 + d2;
    const http10 = buf[from + 7] === 0x30;
    let length = -1;
    let chunked = false;
    let transferEncoding = false;
    let connection = '';
    const headers: Record<string, string | string[]> | undefined = this.options.keepHeaders ? {} : undefined;
    let pos = eol + 1;
    for (;;) {
      eol = lineEnd(buf, pos, limit);
      if (eol === -2) return bad('bare CR or LF in a header');
      if (eol === -1) return limit - from > MAX_HEAD ? bad('response head too large') : -1;
      const lineCr = eol - 1;
      if (lineCr === pos) {
        pos = eol + 1;
        break; // the empty line: end of the head
      }
      // name: a token, then a colon (no space before it, no folded line)
      let colon = pos;
      while (colon < lineCr && TOKEN[buf[colon]!]) colon++;
      if (colon === pos || colon === lineCr || buf[colon] !== COLON) return bad('bad header name');
      let vs = colon + 1;
      let ve = lineCr;
      while (vs < ve && (buf[vs] === SP || buf[vs] === HT)) vs++;
      while (ve > vs && (buf[ve - 1] === SP || buf[ve - 1] === HT)) ve--;
      for (let k = vs; k < ve; k++) {
        const c = buf[k]!;
        if ((c < 32 && c !== HT) || c === 127) return bad('control character in a header value');
      }
      const nameLen = colon - pos;
      if (nameIs(buf, pos, nameLen, CONTENT_LENGTH)) {
        if (length >= 0) return bad('more than one Content-Length');
        if (ve === vs) return bad('empty Content-Length');
        length = 0;
        for (let k = vs; k < ve; k++) {
          const digit = buf[k]! - 48;
          if (digit < 0 || digit > 9) return bad('bad Content-Length');
          length = length * 10 + digit;
        }
        if (length > Number.MAX_SAFE_INTEGER) return bad('Content-Length too large');
      } else if (nameIs(buf, pos, nameLen, TRANSFER_ENCODING)) {
        transferEncoding = true;
        chunked = /(^|,)[ \t]*chunked[ \t]*$/i.test(buf.toString('latin1', vs, ve));
      } else if (nameIs(buf, pos, nameLen, CONNECTION)) {
        connection += buf.toString('latin1', vs, ve).toLowerCase() + ',';
      }
      if (headers) {
        const name = buf.toString('latin1', pos, colon).toLowerCase();
        const value = buf.toString('latin1', vs, ve);
        const prev = headers[name];
        headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
      }
      pos = eol + 1;
    }
    if (transferEncoding && length >= 0) return bad('both Transfer-Encoding and Content-Length');
    // 100 Continue, 103 Early Hints: skipped (status stays 0), the final response comes next.
    if (status < 200 && status !== 101) return pos;
    this.res.status = status;
    this.res.reused = this.reused;
    if (headers) this.res.headers = headers;
    this.keepAlive = http10 ? connection.includes('keep-alive') : !connection.includes('close');
    if (this.isHead || status === 204 || status === 304 || status === 101) this.mode = 'none';
    else if (chunked) this.mode = 'chunked';
    else if (length >= 0 && !transferEncoding) {
      this.mode = 'length';
      this.remaining = length;
    } else {
      this.mode = 'close';
      this.keepAlive = false;
    }
    if (this.options.keepBody) this.bodyParts = [];
    return pos;
  }

  /** An incomplete status line: fail now when what is there cannot start one (-2), else wait (-1). */
  private checkedPrefix(buf: Buffer, from: number, end: number): number {
    for (let k = 0; k < HTTP_1.length && from + k < end; k++) {
      if (buf[from + k] !== HTTP_1.charCodeAt(k)) {
        this.protocolError('not an HTTP/1.x response');
        return -2;
      }
    }
    return -1;
  }

  private takeBody(buf: Buffer, at: number, n: number, shared: boolean): void {
    const before = this.res.bodyBytes;
    this.res.bodyBytes = before + n;
    const max = this.options.maxBody ?? 1 << 20;
    if (this.bodyParts && before < max) {
      const part = buf.subarray(at, at + Math.min(n, max - before));
      this.bodyParts.push(shared ? Buffer.from(part) : part);
    }
  }

  /** Takes up to `remaining` body bytes from buf at `at`; returns the new position. */
  private takeRemaining(buf: Buffer, at: number, end: number, shared: boolean): number {
    const n = Math.min(this.remaining, end - at);
    this.takeBody(buf, at, n, shared);
    this.res.wireBytes += n;
    this.remaining -= n;
    return at + n;
  }

  /** Consumes body bytes from buf at `at`; returns the new position, or -1 when done with buf. */
  private parseBody(buf: Buffer, at: number, end: number, shared: boolean): number {
    if (this.mode === 'close') {
      const n = end - at;
      this.takeBody(buf, at, n, shared);
      this.res.wireBytes += n;
      return end;
    }
    if (this.mode === 'length') {
      at = this.takeRemaining(buf, at, end, shared);
      if (this.remaining === 0) {
        this.complete(end > at);
        return -1;
      }
      return at;
    }
    // chunked
    while (at < end) {
      switch (this.chunkState) {
        case 'size': {
          const eol = lineEnd(buf, at, Math.min(end, at + MAX_CHUNK_SIZE_LINE));
          if (eol === -2) return this.chunkError('bare CR or LF after a chunk size');
          if (eol === -1) {
            if (end - at >= MAX_CHUNK_SIZE_LINE) return this.chunkError('chunk size line too long');
            this.keep(buf, at, end, shared);
            return -1;
          }
          // hex digits, then nothing or ;extensions
          let size = 0;
          let k = at;
          for (; k < eol - 1; k++) {
            const h = HEX[buf[k]!]!;
            if (!h) break;
            size = size * 16 + h - 1;
          }
          if (k === at || k - at > 13 || (k < eol - 1 && buf[k] !== SEMI)) return this.chunkError('bad chunk size');
          this.res.wireBytes += eol + 1 - at;
          at = eol + 1;
          if (size === 0) this.chunkState = 'trailer';
          else {
            this.remaining = size;
            this.chunkState = 'data';
          }
          break;
        }
        case 'data': {
          at = this.takeRemaining(buf, at, end, shared);
          if (this.remaining === 0) {
            this.chunkState = 'data-crlf';
            this.remaining = 2;
          }
          break;
        }
        case 'data-crlf': {
          // exactly CRLF after the chunk's data
          while (this.remaining > 0 && at < end) {
            if (buf[at] !== (this.remaining === 2 ? CR : LF)) return this.chunkError('no CRLF after chunk data');
            this.res.wireBytes++;
            this.remaining--;
            at++;
          }
          if (this.remaining === 0) this.chunkState = 'size';
          break;
        }
        case 'trailer': {
          const eol = lineEnd(buf, at, Math.min(end, at + MAX_HEAD));
          if (eol === -2) return this.chunkError('bare CR or LF in a trailer');
          if (eol === -1) {
            if (end - at >= MAX_HEAD) return this.chunkError('trailer too large');
            this.keep(buf, at, end, shared);
            return -1;
          }
          this.res.wireBytes += eol + 1 - at;
          const empty = eol - 1 === at;
          at = eol + 1;
          if (empty) {
            this.complete(end > at);
            return -1;
          }
          break;
        }
      }
    }
    return at;
  }

  private chunkError(what: string): number {
    this.protocolError(what);
    return -1;
  }

  private complete(extraBytes = false): void {
    const cb = this.cb!;
    this.reused = true;
    if (!this.keepAlive || extraBytes) this.teardown();
    this.finish(cb, undefined);
  }

  private protocolError(what: string): void {
    const cb = this.cb;
    this.teardown();
    if (cb) this.finish(cb, `${MALFORMED} (${what})`);
  }
}
