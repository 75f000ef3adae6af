// The built-in demo target: an HTTP server that really has each pathology wobbly looks for
// (DESIGN §1, §6 "Demo target"). It blocks its own event loop on purpose, so it always runs in
// its own process (see ./main.ts); this module only holds the pure parts, so they are testable:
// argument parsing, the request handler and the server factory. Node built-ins only.

import { codeFile } from '../code-files.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** Options of the request handler (one per worker process). */
export interface DemoTargetOptions {
  /** Slots of the /pool semaphore (like anyio's CapacityLimiter). Integer ≥ 1. */
  pool: number;
  /** Ids of the simulated threadpool that runs /stream/rotating's sync generator. */
  threadIds?: readonly number[];
  /** pid reported in `x-worker-pid` and in bodies (the serving process's). */
  pid: number;
  /** Where an unexpected handler error is told (the entry point writes it to stderr). */
  onError?: (message: string) => void;
  /** Largest accepted `ms` / `gapMs` query value (default 60 000). */
  maxMs?: number;
  /** Largest accepted `events` query value (default 10 000). */
  maxEvents?: number;
  /** Every `ms` wait of /heavy, /async, /pool and /blocking takes this many times longer (default 1): a regression to gate on. */
  slowdown?: number;
}

/** DEMO_SLOWDOWN=1.25: a 25% slower target (bench/gating.ts); anything but a number ≥ 1 is ignored. */
export function slowdownFromEnv(env: Record<string, string | undefined>): number {
  const n = Number(env.DEMO_SLOWDOWN);
  return Number.isFinite(n) && n >= 1 && n <= 100 ? n : 1;
}

/** Command-line options of `node dist/src/demo/main.js`. */
export interface DemoMainOptions {
  /** 0 = a free port chosen by the OS. */
  port: number;
  host: string;
  /** 1 = a single process; N > 1 = node:cluster with N workers competing for accept(). */
  workers: number;
  pool: number;
}

export const DEFAULT_DEMO_OPTIONS: DemoMainOptions = { port: 0, host: '127.0.0.1', workers: 1, pool: 4 };

/** Thread ids of the simulated 4-thread pool behind /stream/rotating. */
export const DEFAULT_THREAD_IDS: readonly number[] = [140001, 140002, 140003, 140004];

/** The one line main.ts prints on stdout once the target is ready; group 1 is the base URL. */
export const READY_LINE_RE = /^wobbly-demo-target listening on (http:\/\/[^\s]+?)\s*$/;

export function readyLine(host: string, port: number): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `wobbly-demo-target listening on http://${h}:${port}`;
}

/** Absolute path of the compiled entry point (dist/src/demo/main.js), for spawning it. */
export const DEMO_MAIN_PATH: string = fileURLToPath(codeFile('demo-main'));

/** The "thread id" a worker's event-loop thread reports (like threading.get_ident() in async def). */
export function loopThreadId(pid: number): number {
  return 100000 + pid;
}

// ---------------------------------------------------------------------------------------------
// Argument parsing (pure: argv and env in, options or one error message out)

export type ParseDemoArgsResult =
  | { ok: true; options: DemoMainOptions; help: boolean }
  | { ok: false; error: string };

export const DEMO_USAGE =
  'usage: node dist/src/demo/main.js [--port N] [--host 127.0.0.1] [--workers 1] [--pool 4]\n' +
  '  env fallbacks: DEMO_PORT, DEMO_HOST, DEMO_WORKERS, DEMO_POOL';

function parseIntOption(name: string, raw: string, min: number, max: number): number | string {
  if (!/^\d+$/.test(raw.trim())) return `${name}: expected an integer, got "${raw}"`;
  const n = Number(raw.trim());
  if (n < min || n > max) return `${name}: expected ${min}..${max}, got ${n}`;
  return n;
}

export function parseDemoArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): ParseDemoArgsResult {
  const raw: Partial<Record<keyof DemoMainOptions, string>> = {};
  const fromEnv: [keyof DemoMainOptions, string][] = [
    ['port', 'DEMO_PORT'],
    ['host', 'DEMO_HOST'],
    ['workers', 'DEMO_WORKERS'],
    ['pool', 'DEMO_POOL'],
  ];
  for (const [key, name] of fromEnv) {
    const v = env[name];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const m = /^--(port|host|workers|pool)(?:=(.*))?$/.exec(arg);
    if (!m) return { ok: false, error: `unknown argument "${arg}"` };
    const key = m[1] as keyof DemoMainOptions;
    let value = m[2];
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) return { ok: false, error: `--${key}: missing value` };
    }
    raw[key] = value;
  }
  const options: DemoMainOptions = { ...DEFAULT_DEMO_OPTIONS };
  if (raw.port !== undefined) {
    const v = parseIntOption('--port', raw.port, 0, 65535);
    if (typeof v === 'string') return { ok: false, error: v };
    options.port = v;
  }
  if (raw.workers !== undefined) {
    const v = parseIntOption('--workers', raw.workers, 1, 64);
    if (typeof v === 'string') return { ok: false, error: v };
    options.workers = v;
  }
  if (raw.pool !== undefined) {
    const v = parseIntOption('--pool', raw.pool, 1, 10000);
    if (typeof v === 'string') return { ok: false, error: v };
    options.pool = v;
  }
  if (raw.host !== undefined) {
    if (raw.host.trim() === '') return { ok: false, error: '--host: empty' };
    options.host = raw.host.trim();
  }
  return { ok: true, options, help };
}

// ---------------------------------------------------------------------------------------------
// The pathologies' building blocks

/** Burns CPU on the event-loop thread for `ms` (like serialising a huge response_model). */
export function busyWait(ms: number): number {
  const t0 = performance.now();
  let x = 0;
  while (performance.now() - t0 < ms) x = (x + 1) | 0;
  return performance.now() - t0;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Sleeps without yielding the event loop (like time.sleep inside async def). */
export function sleepBlocking(ms: number): number {
  const t0 = performance.now();
  if (ms > 0) Atomics.wait(sleepCell, 0, 0, ms);
  return performance.now() - t0;
}

/** FIFO counting semaphore with numbered slots, like anyio's CapacityLimiter. */
export class SlotPool {
  private readonly free: number[];
  private readonly waiters: ((slot: number) => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size must be an integer ≥ 1, got ${size}`);
    this.free = Array.from({ length: size }, (_, i) => i);
  }

  get available(): number {
    return this.free.length;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves with the lowest free slot index; waiters are served first come, first served. */
  acquire(): Promise<number> {
    const slot = this.free.shift();
    if (slot !== undefined) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(slot: number): void {
    const next = this.waiters.shift();
    if (next) {
      next(slot);
      return;
    }
    this.free.push(slot);
    this.free.sort((a, b) => a - b);
  }
}

function mix32(n: number): number {
  // A small integer hash (lowbias32): deterministic, well spread.
  let x = n >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Simulates which worker thread of anyio's pool runs each `next()` of a sync generator
 * (StreamingResponse / EventSourceResponse iterate it with iterate_in_threadpool). A per-worker
 * global counter, hashed, decides: about half the time the chunk lands on the thread the stream
 * used last (the idle thread just released is reused), otherwise on whichever of the pool's
 * threads the counter points at. Deterministic for a given order of calls; with 8 streams of
 * 10 events, practically every stream sees 2–4 distinct ids, as in seed 000.
 */
export class SimulatedThreadPool {
  private counter = 0;

  constructor(readonly threadIds: readonly number[] = DEFAULT_THREAD_IDS) {
    if (threadIds.length === 0) throw new RangeError('threadIds must not be empty');
  }

  /** Thread that runs the next chunk of a stream whose previous chunk ran on `previous`. */
  hand(previous: number | undefined): number {
    const n = this.threadIds.length;
    const pick = mix32(this.counter++) % (2 * n);
    if (previous !== undefined && pick >= n) return previous;
    return this.threadIds[pick % n]!;
  }
}

// ---------------------------------------------------------------------------------------------
// The request handler

export type DemoHandler = ((req: IncomingMessage, res: ServerResponse) => void) & {
  readonly pool: SlotPool;
  readonly threads: SimulatedThreadPool;
};

class BadRequest extends Error {}

function numberParam(q: URLSearchParams, name: string, def: number, max: number, integer = false): number {
  const raw = q.get(name);
  if (raw === null || raw === '') return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > max || (integer && !Number.isInteger(n))) {
    throw new BadRequest(`${name}: expected ${integer ? 'an integer' : 'a number'} in 0..${max}, got "${raw}"\n`);
  }
  return n;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

export function createDemoHandler(opts: DemoTargetOptions): DemoHandler {
  const pid = opts.pid;
  const tid = loopThreadId(pid);
  const maxMs = opts.maxMs ?? 60_000;
  const maxEvents = opts.maxEvents ?? 10_000;
  const slow = opts.slowdown ?? 1;
  const pool = new SlotPool(opts.pool);
  const threads = new SimulatedThreadPool(opts.threadIds ?? DEFAULT_THREAD_IDS);

  const send = (res: ServerResponse, status: number, type: string, body: string): void => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, {
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      'x-worker-pid': String(pid),
    });
    res.end(body);
  };
  const json = (res: ServerResponse, body: unknown): void => send(res, 200, 'application/json', JSON.stringify(body));
  const text = (res: ServerResponse, status: number, body: string): void =>
    send(res, status, 'text/plain; charset=utf-8', body);
  const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  const stream = (res: ServerResponse, q: URLSearchParams, rotating: boolean): void => {
    const events = numberParam(q, 'events', 10, maxEvents, true);
    const gapMs = numberParam(q, 'gapMs', 100, maxMs);
    res.socket?.setNoDelay(true);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      'x-worker-pid': String(pid),
    });
    res.flushHeaders();
    let i = 0;
    let previous: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    res.on('close', () => {
      closed = true;
      if (timer) clearTimeout(timer);
    });
    // Like the seed's generator: sleep, then yield; each chunk written (and flushed) at once.
    const step = (): void => {
      timer = undefined;
      if (closed) return;
      if (i >= events) {
        res.end();
        return;
      }
      const thread = rotating ? threads.hand(previous) : tid;
      previous = thread;
      res.write(`data: thread: ${thread} num: ${i}\n\n`);
      i++;
      if (i >= events) res.end();
      else timer = setTimeout(step, gapMs);
    };
    timer = setTimeout(step, gapMs);
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    const q = url.searchParams;
    const path = url.pathname;
    const known = [
      '/health', '/live', '/heavy', '/async', '/pool', '/blocking',
      '/stream/rotating', '/stream/stable', '/1', '/2',
    ];
    if (!known.includes(path)) {
      text(res, 404, `not found: ${path}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      text(res, 405, `method not allowed: ${req.method ?? ''}\n`);
      return;
    }
    switch (path) {
      case '/health':
        text(res, 200, 'ok');
        return;
      case '/live':
        text(res, 200, 'OK');
        return;
      case '/heavy': {
        const ms = numberParam(q, 'ms', 1000, maxMs) * slow;
        const blocked = busyWait(ms);
        json(res, { pid, blockedMs: round1(blocked) });
        return;
      }
      case '/async': {
        const ms = numberParam(q, 'ms', 200, maxMs) * slow;
        const t0 = performance.now();
        await delay(ms);
        json(res, { pid, sleptMs: round1(performance.now() - t0) });
        return;
      }
      case '/pool': {
        const ms = numberParam(q, 'ms', 200, maxMs) * slow;
        const t0 = performance.now();
        const slot = await pool.acquire();
        const waited = performance.now() - t0;
        try {
          await delay(ms);
        } finally {
          pool.release(slot);
        }
        json(res, { pid, slot, waitedMs: round1(waited) });
        return;
      }
      case '/blocking': {
        const ms = numberParam(q, 'ms', 200, maxMs) * slow;
        const blocked = sleepBlocking(ms);
        json(res, { pid, blockedMs: round1(blocked) });
        return;
      }
      case '/stream/rotating':
        stream(res, q, true);
        return;
      case '/stream/stable':
        stream(res, q, false);
        return;
      case '/1': {
        const ms = numberParam(q, 'ms', 2000, maxMs);
        sleepBlocking(ms);
        json(res, [pid, tid]);
        return;
      }
      case '/2':
        json(res, [pid, tid]);
        return;
    }
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof BadRequest) text(res, 400, err.message);
      else {
        opts.onError?.(err instanceof Error ? (err.stack ?? err.message) : String(err));
        text(res, 500, 'internal error\n');
      }
    });
  };
  return Object.assign(handler, { pool, threads });
}

/** An http.Server serving the demo target (not listening yet). */
export function createDemoServer(opts: DemoTargetOptions): Server {
  const server = createServer({ noDelay: true }, createDemoHandler(opts));
  server.keepAliveTimeout = 5_000;
  return server;
}
