// Test target for closed-model loads: pools of M slots, a handler that blocks its event loop, and
// one with per-request CPU overhead but no pool (like uvicorn's `async def` under load).
// Usage: node dist/test/servers/pool-server.js  → prints "listening on http://127.0.0.1:PORT".
//   /pool/<M>?ms=200&id=a  waits for one of M slots (FIFO, like anyio's CapacityLimiter), then sleeps;
//                          one pool per M and id
//   /blocking?ms=200       sleeps without yielding the event loop (time.sleep in async def)
//   /slower?ms=200&per=0.5 no pool, but slower under load: sleeps ms + per × requests in flight
//                          (like uvicorn's `async def` at 50 connections: 227 ms instead of 203)
//   /live                  answers at once
import { serveOnLoopback } from './serve.js';
import { createServer } from 'node:http';

class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(size: number) {
    this.free = size;
  }
  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

const pools = new Map<string, Slots>();
let slowerInFlight = 0;
const cell = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const ms = Number(url.searchParams.get('ms') ?? '200');
  const done = (body: string) => {
    res.setHeader('content-type', 'text/plain');
    res.end(body);
  };
  const pool = /^\/pool\/(\d+)$/.exec(url.pathname);
  if (pool) {
    const m = Number(pool[1]);
    const key = `${m}/${url.searchParams.get('id') ?? ''}`;
    let slots = pools.get(key);
    if (!slots) pools.set(key, (slots = new Slots(m)));
    const s = slots;
    void s.acquire().then(async () => {
      await sleep(ms);
      s.release();
      done('pool');
    });
  } else if (url.pathname === '/blocking') {
    Atomics.wait(cell, 0, 0, ms);
    done('blocked');
  } else if (url.pathname === '/slower') {
    slowerInFlight++;
    void sleep(ms + Number(url.searchParams.get('per') ?? '0.5') * slowerInFlight).then(() => {
      slowerInFlight--;
      done('slower');
    });
  } else if (url.pathname === '/live') {
    done('OK');
  } else {
    res.statusCode = 404;
    done('not found');
  }
});
serveOnLoopback(server);
