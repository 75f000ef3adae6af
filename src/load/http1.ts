// A minimal HTTP/1.1 client connection for the load actor: one request at a time on a keep-alive
// socket, the request pre-encoded once, the response parsed just enough to know where it ends
// (status, Content-Length / chunked / read-until-close) and how many bytes it took. No promises
// and no per-request timers on the hot path: the driver sweeps timeouts. undici measured about
// 0.6 × autocannon's rate on loopback; this does not (see bench/run.ts).
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface Http1Target {
  host: string;
  port: number;
  tls: boolean;
}

export interface Http1Response {
  status: number;
  /** Decoded body bytes (chunk framing not counted). */
  bodyBytes: number;
  /** Every byte of this response on the wire: status line, headers, body and framing. */
  wireBytes: number;
  /** Only when asked for (extraction): header names lower-cased. */
  headers?: Record<string, string | string[]>;
  /** Only when asked for (extraction): the body, cut at maxBody bytes. */
  body?: Buffer;
}

/** `error` is undefined on success; otherwise a short code: ECONNREFUSED, connection closed, timeout, ... */
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

/** The request's bytes, encoded once and written as-is for every request. */
export function encodeRequest(
  method: string,
  path: string,
  hostHeader: string,
  headers: Record<string, string>,
  body: string | undefined,
  userAgent: string,
): Buffer {
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

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const MAX_HEAD = 64 * 1024;

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
  private mode: BodyMode = 'none';
  private remaining = 0;
  private chunkState: ChunkState = 'size';
  private keepAlive = true;
  private res: Http1Response = { status: 0, bodyBytes: 0, wireBytes: 0 };
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
    const { host, port, tls } = this.target;
    const s = tls ? tlsConnect({ host, port, servername: /^[\d.:]+$/.test(host) ? undefined : host }) : netConnect({ host, port });
    this.socket = s;
    this.connected = false;
    this.reused = false;
    s.setNoDelay(true);
    s.on(tls ? 'secureConnect' : 'connect', () => {
      if (this.socket !== s) return;
      this.connected = true;
      if (this.cb) s.write(this.request!);
    });
    s.on('data', (chunk: Buffer) => {
      if (this.socket === s) this.onData(chunk);
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (this.socket === s) this.onClosed(err.code ?? err.message);
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
    const closeDelimited = this.mode === 'close' && this.res.status > 0;
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
    this.res = { status: 0, bodyBytes: 0, wireBytes: 0 };
    this.mode = 'none';
    this.remaining = 0;
    this.chunkState = 'size';
    this.keepAlive = true;
    this.bodyParts = undefined;
  }

  private onData(chunk: Buffer): void {
    if (!this.cb) {
      // Bytes nobody asked for (a server talking out of turn): drop the connection.
      this.teardown();
      return;
    }
    this.gotBytes = true;
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let at = 0;
    while (at < buf.length && this.cb) {
      if (this.res.status === 0) {
        const end = buf.indexOf(CRLFCRLF, at);
        if (end < 0) {
          if (buf.length - at > MAX_HEAD) return this.protocolError('response head too large');
          this.pending = buf.subarray(at);
          return;
        }
        const headLen = end + 4 - at;
        if (!this.parseHead(buf, at, end)) return;
        this.res.wireBytes += headLen;
        at = end + 4;
        if (this.res.status === 0) continue; // an interim 1xx response: the real one follows
        if (this.mode === 'none' || (this.mode === 'length' && this.remaining === 0)) {
          this.complete(buf.length > at);
          return;
        }
        continue;
      }
      at = this.parseBody(buf, at);
      if (at < 0) return;
    }
    if (this.busy && at < buf.length) this.pending = buf.subarray(at);
  }

  /** Parses the head in buf[from, end); returns false after a protocol error. */
  private parseHead(buf: Buffer, from: number, end: number): boolean {
    const head = buf.toString('latin1', from, end);
    const lineEnd = head.indexOf('\r\n');
    const statusLine = lineEnd < 0 ? head : head.slice(0, lineEnd);
    if (!statusLine.startsWith('HTTP/1.') || statusLine.length < 12) {
      this.protocolError('not an HTTP/1.x response');
      return false;
    }
    const status = Number(statusLine.slice(9, 12));
    if (!Number.isInteger(status) || status < 100) {
      this.protocolError('bad status line');
      return false;
    }
    const http10 = statusLine[7] === '0';
    let length = -1;
    let chunked = false;
    let connection = '';
    const keep = this.options.keepHeaders;
    const headers: Record<string, string | string[]> | undefined = keep ? {} : undefined;
    let pos = lineEnd < 0 ? head.length : lineEnd + 2;
    while (pos < head.length) {
      let next = head.indexOf('\r\n', pos);
      if (next < 0) next = head.length;
      const colon = head.indexOf(':', pos);
      if (colon > pos && colon < next) {
        const nameLen = colon - pos;
        // Only three headers matter for framing; compare their lengths first (cheap).
        if (nameLen === 14 || nameLen === 17 || nameLen === 10 || headers) {
          const name = head.slice(pos, colon).toLowerCase();
          const value = head.slice(colon + 1, next).trim();
          if (name === 'content-length') length = Number(value);
          else if (name === 'transfer-encoding') chunked = value.toLowerCase().includes('chunked');
          else if (name === 'connection') connection = value.toLowerCase();
          if (headers) {
            const prev = headers[name];
            headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
          }
        }
      }
      pos = next + 2;
    }
    // 100 Continue, 103 Early Hints: skipped (status stays 0), the final response comes next.
    if (status < 200 && status !== 101) return true;
    this.res.status = status;
    if (headers) this.res.headers = headers;
    this.keepAlive = http10 ? connection.includes('keep-alive') : !connection.includes('close');
    if (this.isHead || status === 204 || status === 304 || status === 101) this.mode = 'none';
    else if (chunked) this.mode = 'chunked';
    else if (length >= 0 && Number.isFinite(length)) {
      this.mode = 'length';
      this.remaining = length;
    } else {
      this.mode = 'close';
      this.keepAlive = false;
    }
    if (this.options.keepBody) this.bodyParts = [];
    return true;
  }

  private takeBody(buf: Buffer, at: number, n: number): void {
    const before = this.res.bodyBytes;
    this.res.bodyBytes = before + n;
    const max = this.options.maxBody ?? 1 << 20;
    if (this.bodyParts && before < max) this.bodyParts.push(buf.subarray(at, at + Math.min(n, max - before)));
  }

  /** Takes up to `remaining` body bytes from buf at `at`; returns the new position. */
  private takeRemaining(buf: Buffer, at: number): number {
    const n = Math.min(this.remaining, buf.length - at);
    this.takeBody(buf, at, n);
    this.res.wireBytes += n;
    this.remaining -= n;
    return at + n;
  }

  /** Consumes body bytes from buf at `at`; returns the new position, or -1 when done with buf. */
  private parseBody(buf: Buffer, at: number): number {
    if (this.mode === 'close') {
      const n = buf.length - at;
      this.takeBody(buf, at, n);
      this.res.wireBytes += n;
      return buf.length;
    }
    if (this.mode === 'length') {
      at = this.takeRemaining(buf, at);
      if (this.remaining === 0) {
        this.complete(buf.length > at);
        return -1;
      }
      return at;
    }
    // chunked
    while (at < buf.length) {
      switch (this.chunkState) {
        case 'size': {
          const eol = buf.indexOf('\r\n', at, 'latin1');
          if (eol < 0) {
            if (buf.length - at > 1024) {
              this.protocolError('bad chunk size line');
              return -1;
            }
            this.pending = buf.subarray(at);
            return -1;
          }
          const line = buf.toString('latin1', at, eol);
          const semi = line.indexOf(';');
          const size = parseInt(semi < 0 ? line : line.slice(0, semi), 16);
          if (!Number.isFinite(size) || size < 0) {
            this.protocolError('bad chunk size');
            return -1;
          }
          this.res.wireBytes += eol + 2 - at;
          at = eol + 2;
          if (size === 0) this.chunkState = 'trailer';
          else {
            this.remaining = size;
            this.chunkState = 'data';
          }
          break;
        }
        case 'data': {
          at = this.takeRemaining(buf, at);
          if (this.remaining === 0) {
            this.chunkState = 'data-crlf';
            this.remaining = 2;
          }
          break;
        }
        case 'data-crlf': {
          const n = Math.min(this.remaining, buf.length - at);
          this.res.wireBytes += n;
          this.remaining -= n;
          at += n;
          if (this.remaining === 0) this.chunkState = 'size';
          break;
        }
        case 'trailer': {
          const eol = buf.indexOf('\r\n', at, 'latin1');
          if (eol < 0) {
            this.pending = buf.subarray(at);
            return -1;
          }
          this.res.wireBytes += eol + 2 - at;
          const empty = eol === at;
          at = eol + 2;
          if (empty) {
            this.complete(buf.length > at);
            return -1;
          }
          break;
        }
      }
    }
    return at;
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
    if (cb) this.finish(cb, `bad response (${what})`);
  }
}
