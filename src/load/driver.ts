// The closed model (ab -c N): N virtual users, each on its own keep-alive connection, each sending
// its next request as soon as the previous one is answered, until the amount is used up, the
// sending time is over (requests in flight are then waited for), or the driver is aborted
// (requests in flight are then reported as "unfinished").
import type { Extractor } from '../protocols/extract.js';
import { Http1Connection, type Http1Response, type Http1Target } from './http1.js';

export interface LoadResult {
  /** Which virtual user (connection), 0-based within this driver. */
  vu: number;
  /** 0 for the user's first request. */
  seq: number;
  sentMs: number;
  endMs: number;
  status: number;
  error?: string;
  bodyBytes: number;
  wireBytes: number;
  /** Time from the user's previous answer to this send (wobbly's own turnaround); NaN for the first. */
  gapMs: number;
  ids?: Record<string, string>;
}

export interface DriverOptions {
  target: Http1Target;
  request: Buffer;
  isHead: boolean;
  connections: number;
  timeoutMs: number;
  now(): number;
  /** No request is sent at or after this time (run clock, ms). */
  sendUntilMs: number;
  /** Claims one request of the amount; false when it is used up. */
  claim?(): boolean;
  extractor?: Extractor;
  /** r is reused for the next answer: valid during the call only. */
  onResult(r: LoadResult): void;
}

/** After a failure without an answer (refused, reset), a user waits before trying again. */
const BACKOFF_MIN_MS = 10;
const BACKOFF_MAX_MS = 250;

interface User {
  conn: Http1Connection;
  /** Called back by conn: made once per user, not once per request. */
  onAnswer: (error: string | undefined, res: Http1Response) => void;
  seq: number;
  sentMs: number;
  gapMs: number;
  lastEndMs: number;
  backoffMs: number;
  timer: NodeJS.Timeout | undefined;
  done: boolean;
}

export class LoadDriver {
  private readonly users: User[] = [];
  private aborted = false;
  private running = 0;
  private resolveRun: (() => void) | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  /** Handed to onResult for every answer (one object, not one per request: onResult copies what it keeps). */
  private readonly result: LoadResult = { vu: 0, seq: 0, sentMs: 0, endMs: 0, status: 0, error: undefined, bodyBytes: 0, wireBytes: 0, gapMs: NaN, ids: undefined };

  constructor(private readonly o: DriverOptions) {
    const keepHeaders = Boolean(o.extractor?.hasResponse);
    const keepBody = Boolean(o.extractor?.hasBody);
    for (let i = 0; i < o.connections; i++) {
      const conn = new Http1Connection(o.target, { keepHeaders, keepBody });
      this.users.push({ conn, onAnswer: (error, res) => this.answered(i, error, res), seq: 0, sentMs: 0, gapMs: NaN, lastEndMs: NaN, backoffMs: 0, timer: undefined, done: false });
    }
  }

  /** Resolves when every user has stopped. */
  run(): Promise<void> {
    return new Promise((resolve) => {
      this.resolveRun = resolve;
      this.running = this.users.length;
      if (!this.running) return this.finish();
      // Timeouts are swept, not timed one by one: no timer per request on the hot path.
      const every = Math.max(5, Math.min(50, this.o.timeoutMs / 4));
      this.sweeper = setInterval(() => this.sweep(), every);
      for (let i = 0; i < this.users.length; i++) this.next(i);
    });
  }

  /** Stop now: requests in flight are reported as "unfinished". */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    for (const u of this.users) {
      if (u.timer) clearTimeout(u.timer);
      u.timer = undefined;
      if (u.conn.busy) u.conn.abort('unfinished');
      else this.stopUser(u);
    }
  }

  private sweep(): void {
    const now = this.o.now();
    for (const u of this.users) if (u.conn.busy && now - u.sentMs >= this.o.timeoutMs) u.conn.abort('timeout');
  }

  private next(i: number): void {
    const u = this.users[i]!;
    if (u.done) return;
    const sentMs = this.o.now();
    if (this.aborted || sentMs >= this.o.sendUntilMs || (this.o.claim && !this.o.claim())) return this.stopUser(u);
    u.sentMs = sentMs;
    u.gapMs = u.lastEndMs === u.lastEndMs ? sentMs - u.lastEndMs : NaN;
    u.conn.send(this.o.request, this.o.isHead, u.onAnswer);
  }

  private answered(i: number, error: string | undefined, res: Http1Response): void {
    const u = this.users[i]!;
    const endMs = this.o.now();
    u.lastEndMs = endMs;
    const r = this.result;
    r.vu = i;
    r.seq = u.seq++;
    r.sentMs = u.sentMs;
    r.endMs = endMs;
    r.status = res.status;
    r.error = error || undefined;
    r.bodyBytes = res.bodyBytes;
    r.wireBytes = res.wireBytes;
    r.gapMs = u.gapMs;
    r.ids = undefined;
    const ex = this.o.extractor;
    if (ex?.hasResponse && !error) {
      const ids = ex.fromResponse(res.headers ?? {}, res.body ? res.body.toString('utf8') : undefined);
      if (Object.keys(ids).length) r.ids = ids;
    }
    this.o.onResult(r);
    if (error && res.status === 0 && error !== 'timeout' && error !== 'unfinished') {
      // Nobody answered: do not spin; try again a little later.
      u.backoffMs = Math.min(BACKOFF_MAX_MS, u.backoffMs ? u.backoffMs * 2 : BACKOFF_MIN_MS);
      u.timer = setTimeout(() => {
        u.timer = undefined;
        this.next(i);
      }, u.backoffMs);
      return;
    }
    u.backoffMs = 0;
    this.next(i);
  }

  private stopUser(u: User): void {
    if (u.done) return;
    u.done = true;
    u.conn.close();
    if (--this.running === 0) this.finish();
  }

  private finish(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    const r = this.resolveRun;
    this.resolveRun = undefined;
    r?.();
  }
}
