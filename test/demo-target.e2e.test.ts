// The built-in demo target, tested as what it is: a real child process with real timings.
// Spawns `node dist/src/demo/main.js --port 0`, reads the port from its ready line, and checks
// that every pathology is really there (DESIGN §1, §6). Only 127.0.0.1.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  READY_LINE_RE,
  SimulatedThreadPool,
  SlotPool,
  parseDemoArgs,
  DEFAULT_THREAD_IDS,
} from '../src/demo/target.js';
import { track } from './helpers.js';

/** Exactly the ready line, once, with the port the target listens on. */
function assertReadyLine(out: string): void {
  const prefix = 'wobbly-demo-target listening on http://127.0.0.1:';
  assert.ok(out.startsWith(prefix) && out.endsWith('\n'), out);
  const port = Number(out.slice(prefix.length, -1));
  assert.ok(Number.isInteger(port) && port > 0 && port < 65536, out);
}

const MAIN = fileURLToPath(new URL('../src/demo/main.js', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const r0 = (x: number): number => Math.round(x);

interface Target {
  child: ChildProcess;
  base: string;
  port: number;
  stdout: () => string;
  stderr: () => string;
  /** SIGTERM, wait for exit (SIGKILL after 5 s); idempotent. */
  stop: () => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startTarget(args: string[]): Promise<Target> {
  const child = track(
    spawn(process.execPath, [MAIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Same process group (not detached): a Ctrl-C on the test run reaches the target too.
      env: { ...process.env, DEMO_WORKERS: '', DEMO_POOL: '' },
    }),
  );
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  // If this test process ends without running after() (the runner is interrupted and sends
  // SIGTERM/SIGINT, or an EPIPE ends it), do not leave the target behind.
  const onExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    onExit();
    removeHooks();
    process.kill(process.pid, signal); // default action now: die by the same signal
  };
  const removeHooks = (): void => {
    process.off('exit', onExit);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
  process.once('exit', onExit);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  void exited.then(removeHooks);
  let stopping: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  const stop = (): Promise<{ code: number | null; signal: NodeJS.Signals | null }> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      // SIGKILL of the primary also ends cluster workers (their IPC channel closes).
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    })();
    return stopping;
  };
  try {
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line within 10 s; stderr: ${err}`)), 10_000);
      child.stdout!.on('data', (d: string) => {
        out += d;
        const first = out.split('\n')[0]!;
        const m = out.includes('\n') ? READY_LINE_RE.exec(first) : null;
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        } else if (out.includes('\n')) {
          clearTimeout(timer);
          reject(new Error(`unexpected first line: ${JSON.stringify(first)}`));
        }
      });
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`target exited early (code ${code}, signal ${signal}); stderr: ${err}`));
      });
    });
    const port = Number(new URL(base).port);
    return { child, base, port, stdout: () => out, stderr: () => err, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when the request was sent / fully answered. */
  sentAt: number;
  doneAt: number;
  ms: number;
}

/** GET on a NEW connection (agent: false). */
function get(base: string, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const sentAt = performance.now();
    const req = request(new URL(path, base), { agent: false, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        const doneAt = performance.now();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, sentAt, doneAt, ms: doneAt - sentAt });
      });
      res.on('error', reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`timeout: ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

interface StreamResult {
  pid: number;
  contentType: string;
  events: { thread: number; num: number; atMs: number }[];
  ms: number;
}

/** Reads an SSE stream, timestamping each event as it arrives. */
function readStream(base: string, path: string): Promise<StreamResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(new URL(path, base), { agent: false }, (res) => {
      const events: StreamResult['events'] = [];
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const chunk = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const m = /^data: thread: (\d+) num: (\d+)$/.exec(chunk);
          assert.ok(m, `bad event ${JSON.stringify(chunk)}`);
          events.push({ thread: Number(m[1]), num: Number(m[2]), atMs: performance.now() - t0 });
        }
      });
      res.on('end', () =>
        resolve({
          pid: Number(res.headers['x-worker-pid']),
          contentType: String(res.headers['content-type']),
          events,
          ms: performance.now() - t0,
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`timeout: ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------

describe('demo target: pure parts', () => {
  test('argument parsing: flags, env fallbacks, errors', () => {
    const a = parseDemoArgs(['--port', '0', '--pool=6'], { DEMO_WORKERS: '2', DEMO_POOL: '9' });
    assert.deepEqual(a, { ok: true, help: false, options: { port: 0, host: '127.0.0.1', workers: 2, pool: 6 } });
    const d = parseDemoArgs([], {});
    assert.deepEqual(d, { ok: true, help: false, options: { port: 0, host: '127.0.0.1', workers: 1, pool: 4 } });
    for (const bad of [['--pool', '0'], ['--workers', 'x'], ['--port'], ['--nope'], ['--port', '70000']]) {
      assert.equal(parseDemoArgs(bad, {}).ok, false, bad.join(' '));
    }
  });

  test('SlotPool is FIFO and hands out slots 0..M-1', async () => {
    const pool = new SlotPool(2);
    const a = await pool.acquire();
    const b = await pool.acquire();
    assert.deepEqual([a, b], [0, 1]);
    const order: number[] = [];
    const c = pool.acquire().then((s) => (order.push(1), s));
    const d = pool.acquire().then((s) => (order.push(2), s));
    pool.release(b);
    pool.release(a);
    assert.deepEqual([await c, await d], [1, 0]);
    assert.deepEqual(order, [1, 2]);
  });

  test('SimulatedThreadPool: interleaved streams hop between 2–4 threads', () => {
    const pool = new SimulatedThreadPool();
    const prev: (number | undefined)[] = new Array(8).fill(undefined);
    const seen = prev.map(() => new Set<number>());
    for (let e = 0; e < 10; e++) {
      for (let s = 0; s < 8; s++) {
        const tid = pool.hand(prev[s]);
        prev[s] = tid;
        seen[s]!.add(tid);
        assert.ok(DEFAULT_THREAD_IDS.includes(tid));
      }
    }
    assert.ok(seen.filter((x) => x.size >= 2).length >= 6, seen.map((x) => x.size).join(','));
  });
});

describe('demo target: one worker (real child process)', () => {
  let t: Target;
  before(async () => {
    t = await startTarget(['--port', '0']);
  });
  after(async () => {
    await t?.stop();
  });

  test('prints one ready line; /health, /live, 404, x-worker-pid', async (ctx) => {
    assertReadyLine(t.stdout());
    assert.ok(t.port > 0);
    const health = await get(t.base, '/health');
    assert.equal(health.status, 200);
    assert.equal(health.body, 'ok');
    assert.equal(health.headers['x-worker-pid'], String(t.child.pid));
    const live = await get(t.base, '/live');
    assert.equal(live.status, 200);
    assert.equal(live.body, 'OK');
    const missing = await get(t.base, '/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['x-worker-pid'], String(t.child.pid));
    const bad = await get(t.base, '/heavy?ms=abc');
    assert.equal(bad.status, 400);
    ctx.diagnostic(`ready at ${t.base}, /live unloaded ${live.ms.toFixed(1)} ms`);
  });

  test('/heavy?ms=300 stalls the event loop: a concurrent /live waits ≈300 ms', async (ctx) => {
    const heavyP = get(t.base, '/heavy?ms=300');
    await sleep(20);
    const live = await get(t.base, '/live');
    const heavy = await heavyP;
    assert.equal(live.status, 200);
    assert.equal(heavy.headers['content-type'], 'application/json');
    const body = JSON.parse(heavy.body) as { pid: number; blockedMs: number };
    assert.equal(body.pid, t.child.pid);
    // A busy wait of 300 ms wall time: never shorter; longer only if the scheduler takes the CPU away at its end.
    assert.ok(body.blockedMs >= 300 && body.blockedMs < 360, `blockedMs ${body.blockedMs}`);
    // /live was sent 20 ms into the stall, so it waits the remaining ≈280 ms; from the start of
    // the heavy request to its answer is the full ≈300 ms.
    const sinceHeavy = live.doneAt - heavy.sentAt;
    ctx.diagnostic(`/live waited ${r0(live.ms)} ms (answered ${r0(sinceHeavy)} ms after /heavy was sent); heavy took ${r0(heavy.ms)} ms`);
    assert.ok(Math.abs(live.ms - 300) <= 60, `/live waited ${live.ms} ms`);
    assert.ok(Math.abs(sinceHeavy - 300) <= 60, `answered ${sinceHeavy} ms after /heavy`);
    assert.ok(live.doneAt >= heavy.doneAt - 5, '/live answered only after /heavy');
  });

  test('/pool?ms=200 ×8 with pool 4 takes ≈400 ms, slots 0–3', async (ctx) => {
    const t0 = performance.now();
    const replies = await Promise.all(Array.from({ length: 8 }, () => get(t.base, '/pool?ms=200')));
    const total = performance.now() - t0;
    const bodies = replies.map((r) => JSON.parse(r.body) as { pid: number; slot: number; waitedMs: number });
    const slots = bodies.map((b) => b.slot).sort();
    const waited = bodies.map((b) => b.waitedMs).sort((a, b) => a - b);
    ctx.diagnostic(`8 × /pool?ms=200 took ${r0(total)} ms; slots ${slots.join(',')}; waitedMs ${waited.map(r0).join(',')}`);
    assert.ok(Math.abs(total - 400) <= 80, `total ${total} ms`);
    assert.deepEqual(slots, [0, 0, 1, 1, 2, 2, 3, 3]);
    assert.ok(waited.slice(0, 4).every((w) => w < 50), `first four waited ${waited}`);
    assert.ok(waited.slice(4).every((w) => Math.abs(w - 200) <= 60), `last four waited ${waited}`);
  });

  test('/blocking?ms=100 ×4 is serialized: ≈400 ms', async (ctx) => {
    const t0 = performance.now();
    const replies = await Promise.all(Array.from({ length: 4 }, () => get(t.base, '/blocking?ms=100')));
    const total = performance.now() - t0;
    const ends = replies.map((r) => r0(r.doneAt - t0)).sort((a, b) => a - b);
    ctx.diagnostic(`4 × /blocking?ms=100 took ${r0(total)} ms; answered at ${ends.join(', ')} ms`);
    assert.ok(replies.every((r) => r.status === 200));
    assert.ok(total >= 390 && total <= 500, `total ${total} ms`);
  });

  test('/async?ms=200 ×8 runs concurrently: ≈200 ms', async (ctx) => {
    const t0 = performance.now();
    const replies = await Promise.all(Array.from({ length: 8 }, () => get(t.base, '/async?ms=200')));
    const total = performance.now() - t0;
    ctx.diagnostic(`8 × /async?ms=200 took ${r0(total)} ms`);
    assert.ok(replies.every((r) => r.status === 200));
    assert.ok(total >= 195 && total <= 280, `total ${total} ms`);
  });

  test('/1 blocks the only worker: /2 waits behind it (head-of-line)', async (ctx) => {
    const slowP = get(t.base, '/1?ms=300');
    await sleep(20);
    const fast = await get(t.base, '/2');
    const slow = await slowP;
    const [pid1, tid1] = JSON.parse(slow.body) as [number, number];
    const [pid2, tid2] = JSON.parse(fast.body) as [number, number];
    ctx.diagnostic(`/2 waited ${r0(fast.ms)} ms behind /1?ms=300 (pid ${pid1} / ${pid2})`);
    assert.equal(pid1, pid2);
    assert.equal(tid1, tid2);
    assert.equal(tid1, 100000 + pid1);
    assert.ok(Math.abs(fast.ms - 280) <= 60, `/2 waited ${fast.ms} ms`);
  });

  test('/stream/rotating: 8 concurrent streams hop between pool threads', async (ctx) => {
    const streams = await Promise.all(
      Array.from({ length: 8 }, () => readStream(t.base, '/stream/rotating?events=10&gapMs=50')),
    );
    const distinct = streams.map((s) => new Set(s.events.map((e) => e.thread)).size);
    ctx.diagnostic(`distinct thread ids per stream: ${distinct.join(', ')}; first event after ${r0(streams[0]!.events[0]!.atMs)} ms, last after ${r0(streams[0]!.ms)} ms`);
    for (const s of streams) {
      assert.equal(s.contentType, 'text/event-stream');
      assert.deepEqual(s.events.map((e) => e.num), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.ok(s.events.every((e) => DEFAULT_THREAD_IDS.includes(e.thread)));
      // Flushed one by one, not buffered until the end.
      assert.ok(s.events[0]!.atMs < 200, `first event at ${s.events[0]!.atMs} ms`);
      assert.ok(s.events[9]!.atMs - s.events[0]!.atMs >= 350, 'events spread over time');
    }
    assert.ok(distinct.filter((n) => n >= 2).length >= 4, `distinct ${distinct}`);
  });

  test('/stream/stable: every stream stays on one thread', async (ctx) => {
    const streams = await Promise.all(
      Array.from({ length: 8 }, () => readStream(t.base, '/stream/stable?events=10&gapMs=30')),
    );
    const distinct = streams.map((s) => new Set(s.events.map((e) => e.thread)).size);
    ctx.diagnostic(`distinct thread ids per stream: ${distinct.join(', ')}`);
    for (const s of streams) {
      assert.equal(s.events.length, 10);
      assert.deepEqual([...new Set(s.events.map((e) => e.thread))], [100000 + s.pid]);
    }
  });

  test('SIGTERM: exits cleanly with code 0', async () => {
    const { code, signal } = await t.stop();
    assert.equal(signal, null);
    assert.equal(code, 0);
    assert.equal(t.stdout().split('\n').filter(Boolean).length, 1, 'exactly one stdout line');
  });
});

describe('demo target: two workers (node:cluster, SCHED_NONE)', () => {
  let t: Target;
  before(async () => {
    t = await startTarget(['--port', '0', '--workers', '2']);
  });
  after(async () => {
    await t?.stop();
  });

  test('a NEW connection to /2 goes to the other worker while /1 blocks one', async (ctx) => {
    assertReadyLine(t.stdout());
    const slowP = get(t.base, '/1?ms=1000');
    await sleep(100);
    const fast = await get(t.base, '/2');
    const slow = await slowP;
    const [slowPid] = JSON.parse(slow.body) as [number, number];
    const [fastPid, fastTid] = JSON.parse(fast.body) as [number, number];
    ctx.diagnostic(`/1?ms=1000 on pid ${slowPid} took ${r0(slow.ms)} ms; /2 on pid ${fastPid} answered in ${fast.ms.toFixed(1)} ms`);
    assert.equal(fast.headers['x-worker-pid'], String(fastPid));
    assert.equal(fastTid, 100000 + fastPid);
    assert.notEqual(fastPid, t.child.pid, 'answered by a worker, not the primary');
    assert.notEqual(fastPid, slowPid);
    assert.ok(fast.ms < 300, `/2 took ${fast.ms} ms`);
    assert.ok(slow.ms >= 1000);
  });

  test('a keep-alive connection stays pinned: a pipelined /2 waits behind /1', async (ctx) => {
    // Two pipelined requests on one connection: the second one is stuck behind the first.
    const sock = connect(t.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
    try {
      const t0 = performance.now();
      let buf = '';
      const times: number[] = [];
      const done = new Promise<void>((resolve, reject) => {
        sock.setEncoding('utf8');
        sock.on('data', (d: string) => {
          buf += d;
          const n = buf.match(/HTTP\/1\.1 200/g)?.length ?? 0;
          while (times.length < n) times.push(performance.now() - t0);
          if (n >= 2 && /\[\d+,\d+\]$/.test(buf)) resolve();
        });
        sock.on('error', reject);
        setTimeout(() => reject(new Error('pipelined responses did not arrive')), 5_000).unref();
      });
      sock.write('GET /1?ms=400 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /2 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await done;
      const pids = [...buf.matchAll(/x-worker-pid: (\d+)/gi)].map((m) => m[1]);
      ctx.diagnostic(`pipelined /1?ms=400 then /2 on one connection: answered at ${times.map(r0).join(', ')} ms, pids ${pids.join(', ')}`);
      assert.equal(pids.length, 2);
      assert.equal(pids[0], pids[1]);
      assert.ok(times[1]! >= 380, `/2 answered at ${times[1]} ms`);
    } finally {
      sock.destroy();
    }
  });

  test('SIGTERM stops the primary and its workers', async () => {
    const pids = new Set<number>();
    for (let i = 0; i < 20 && pids.size < 2; i++) {
      // Keep one worker busy so the next connection is likely to land on the other.
      const busy = get(t.base, '/1?ms=150');
      await sleep(30);
      pids.add(Number((await get(t.base, '/2')).headers['x-worker-pid']));
      pids.add(Number((await busy).headers['x-worker-pid']));
    }
    assert.equal(pids.size, 2, `saw worker pids ${[...pids]}`);
    const { code, signal } = await t.stop();
    assert.equal(signal, null);
    assert.equal(code, 0);
    await sleep(200);
    for (const pid of pids) assert.equal(isAlive(pid), false, `worker ${pid} still alive`);
  });
});
