// `wobbly doctor` on a real FastAPI app under uvicorn whose endpoints each have one known behaviour
// (test/targets/fastapi/doctor_app.py, 200 ms each): the ranking, every number with the tolerance
// the physics allows, the budget kept, and the POST never received (the app counts every request).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { getJson, runCli, tempDir } from './helpers.js';
import { FASTAPI_DIR, PYTHON, requirePythonStack } from './fastapi.js';
import { ChildServer } from '../src/server/child-server.js';
import { freePort } from '../src/server/free-port.js';
import type { DoctorReport, EndpointReport } from '../src/doctor/report.js';

const dir = tempDir();
const MS = 200;
let server: ChildServer | undefined;
let base = '';
const uvicorn = (port: string) => [PYTHON, '-m', 'uvicorn', '--app-dir', FASTAPI_DIR, 'doctor_app:app', '--host', '127.0.0.1', '--port', port];

before(async () => {
  requirePythonStack();
  const port = await freePort();
  const [command, ...args] = uvicorn(String(port));
  base = `http://127.0.0.1:${port}`;
  server = await ChildServer.start({ command: command!, args, readyUrl: `${base}/health`, readyTimeoutMs: 20_000 });
});
after(async () => {
  await server?.stop();
});

const calls = () => getJson<Record<string, number>>(`${base}/calls`);
/** A 200 ms wait measured from outside: never shorter, up to 60 ms longer on a busy 2-core machine. */
const slowCall = (actual: number | null | undefined, what: string) =>
  assert.ok(actual !== null && actual !== undefined && actual >= MS && actual <= MS + 60, `${what}: ${actual}, expected ${MS}–${MS + 60} ms`);
/**
 * Throughput is measured directly: M answers per 200 ms (± 20 %: thread hand-offs on a busy machine). C = X × S carries
 * the survey's S as well (up to 60 ms long on a busy machine): it is checked for consistency with them.
 */
function throughputOf(c: { throughputRps: number | null; effectiveConcurrency: number | null }, M: number, S: number, what: string) {
  const X = c.throughputRps!;
  assert.ok(Math.abs(X - (M * 1000) / MS) <= 0.2 * ((M * 1000) / MS), `${what}: ${X} req/s, expected ${(M * 1000) / MS} ± 20%`);
  assert.ok(Math.abs(c.effectiveConcurrency! - (X * S) / 1000) <= 0.05, `${what}: C ${c.effectiveConcurrency} = X ${X} × S ${S}`);
}
const near = (actual: number | null | undefined, expected: number, tolerance: number, what: string) =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected} ± ${tolerance}`);

test('doctor ranks every endpoint of the app within its 40 s budget, with the numbers', async () => {
  const json = join(dir, 'doctor.json');
  const began = performance.now();
  const r = await runCli(['doctor', base, '--budget', '40s', '--json', json], { timeoutMs: 80_000 });
  const wallMs = performance.now() - began;
  assert.equal(r.code, 1, `findings → exit 1\n${r.stderr}\n${r.stdout}`);
  const report = JSON.parse(readFileSync(json, 'utf8')) as DoctorReport;
  assert.equal(report.schemaVersion, 1);
  assert.equal(report.kind, 'doctor');
  // The budget holds the measurements; the CLI's own start and the document add a little.
  assert.ok(report.elapsedMs <= 40_000, `elapsed ${report.elapsedMs} ms of 40 s`);
  assert.ok(wallMs <= 40_000 + 3000, `the whole command took ${Math.round(wallMs)} ms`);
  assert.ok(r.stderr.includes('doctor: [1/'), 'progress is shown');

  const by = (path: string): EndpointReport => {
    const e = report.endpoints.find((x) => x.path === path);
    assert.ok(e, `${path} in ${report.endpoints.map((x) => x.path).join(', ')}`);
    return e;
  };
  // Worst first: the two that hold the loop (the longer hold first), the pools (4 before 6), then the rest.
  const ranked = report.endpoints.map((e) => `${e.path} ${e.category}`);
  assert.deepEqual(new Set(ranked.slice(0, 2)), new Set(['/blocking stalls-loop', '/cpu stalls-loop']), ranked.join('; '));
  assert.deepEqual(ranked.slice(2, 4), ['/limited pool-limited', '/executor pool-limited'], ranked.join('; '));
  assert.ok(report.endpoints[0]!.loopBlock!.longestStallMs! >= report.endpoints[1]!.loopBlock!.longestStallMs!);
  assert.equal(by('/healthy').category, 'healthy');
  // The instant ones: too fast to hold the loop or show a pool, measured for their S only.
  for (const p of ['/health', '/calls', '/items/42']) {
    assert.equal(by(p).category, 'healthy', p);
    assert.ok(by(p).serviceTimeMs! < 20, `${p} S ${by(p).serviceTimeMs}`);
    assert.equal(by(p).concurrency, undefined);
  }
  assert.deepEqual(report.endpoints.map((e) => e.rank), report.endpoints.map((_, i) => i + 1));

  // Every 200 ms endpoint: S from the survey (one at a time), a few ms of HTTP on top.
  for (const p of ['/blocking', '/cpu', '/limited', '/executor', '/healthy']) slowCall(by(p).serviceTimeMs, `${p} S`);
  assert.ok(['/health', '/items/42', '/calls'].includes(report.probe!.path), `probe ${report.probe?.path}`);
  assert.ok(report.probe!.serviceTimeMs < 20, `probe S ${report.probe!.serviceTimeMs}`);

  // One call of /blocking or /cpu holds the loop its whole 200 ms: the probe (every 20 ms) waits that long.
  for (const p of ['/blocking', '/cpu']) {
    const e = by(p);
    assert.equal(e.loopBlock!.status, 'detected', p);
    // The probe every 20 ms: the one due just after the loop was taken waits 180–200 ms of it.
    near(e.loopBlock!.longestStallMs, MS, 30, `${p} longest stall during one call`);
    near(e.loopBlock!.probeMaxMs, MS + 10, 60, `${p} probe max during one call`);
    slowCall(e.loopBlock!.callMs, `${p} call`);
    // Their concurrency comes last (one at a time is implied already): measured if the budget allowed.
    if (e.concurrency && e.concurrency.outcome !== 'inconclusive') {
      throughputOf(e.concurrency, 1, e.serviceTimeMs!, p);
      assert.equal(e.concurrency.connections, 4);
      assert.equal(e.concurrency.serializedStatus, 'detected', p);
    } else assert.ok(e.notes.some((n) => n.includes('implies one request at a time')) || e.concurrency?.reason === 'too-short', `${p}: ${JSON.stringify(e)}`);
    assert.match(e.reproduce, /^wobbly run liveness-during-heavy --target /);
  }
  // The pools leave the loop free; C and the first wave give their sizes.
  for (const [p, size] of [['/limited', 4], ['/executor', Math.min(32, cpus().length + 4)]] as const) {
    const e = by(p);
    assert.equal(e.loopBlock!.status, 'clear', p);
    assert.ok(e.loopBlock!.probeMaxMs < 100, `${p} probe max ${e.loopBlock!.probeMaxMs}`); // below the 100 ms stall threshold: clear
    assert.equal(e.concurrency!.connections, 8);
    assert.equal(e.concurrency!.poolStatus, 'detected', p);
    // The first wave's group: on a busy machine a late answer splits a wave (smaller, never larger).
    const group = e.concurrency!.poolSizeEstimate!;
    assert.ok(group >= 1 && group <= size, `${p} first-wave group ${group}, expected at most ${size}`);
    throughputOf(e.concurrency!, size, e.serviceTimeMs!, p);
    assert.match(e.reproduce, /^wobbly run concurrency-sweep /);
  }
  const healthy = by('/healthy');
  assert.equal(healthy.loopBlock!.status, 'clear');
  assert.ok(healthy.loopBlock!.probeMaxMs < 100, `probe max ${healthy.loopBlock!.probeMaxMs}`);
  throughputOf(healthy.concurrency!, 8, healthy.serviceTimeMs!, '/healthy');
  assert.equal(healthy.concurrency!.poolStatus, 'clear');
  // The stream: 5 events 100 ms apart from an async generator, two streams at once, the loop free.
  const stream = by('/stream');
  assert.equal(stream.stream!.streams, 2);
  assert.equal(stream.stream!.events, 10);
  assert.ok(stream.stream!.firstEventMs.max < 50, `first event ${stream.stream!.firstEventMs.max} ms`);
  near(stream.stream!.gapMs.p50, 100, 15, 'stream gap p50');
  assert.ok(stream.stream!.gapMs.max < 150, `gap max ${stream.stream!.gapMs.max}`);
  // The loop stays free; only wobbly's own lag (a busy machine) may leave it undecided, never detected.
  if (stream.loopBlock!.status !== 'clear') {
    assert.equal(stream.loopBlock!.status, 'inconclusive');
    assert.ok(stream.loopBlock!.selfLagMs >= stream.loopBlock!.longestStallMs! / 2, JSON.stringify(stream.loopBlock));
    assert.equal(stream.category, 'inconclusive');
  } else assert.equal(stream.category, 'healthy');

  // Not called: the POST, and the GET whose required parameter has no value to send.
  assert.deepEqual(report.skipped.map((s) => `${s.method} ${s.template}`).sort(), ['GET /search', 'POST /orders']);
  const seen = await calls();
  assert.equal(seen['POST /orders'], undefined, JSON.stringify(seen));
  assert.equal(Object.keys(seen).filter((k) => k.startsWith('GET /search')).length, 0);
  assert.equal(seen['GET /openapi.json'], 1, 'the document is read once');
  // Everything the app saw was one of the selected operations (and nothing else).
  const allowed = new Set(['GET /openapi.json', ...report.endpoints.map((e) => `${e.method} ${e.path.split('?')[0]}`)]);
  for (const k of Object.keys(seen)) assert.ok(allowed.has(k), `unexpected ${k}`);
  // The requests counted in the measurements all reached the app (which also saw the calibrations).
  const total = Object.values(seen).reduce((a, b) => a + b, 0);
  assert.ok(report.requestsSent > 100 && report.requestsSent <= total, `${report.requestsSent} counted, the app saw ${total}`);
});

// After the main run (alone: its numbers are timings, and it counts every request the app saw).
// The --server run starts an app of its own and checks only its two categories; beside it the two
// tests that count this app's requests go one after the other, each with a CLI or two that send at
// most one request (~0.2 s of CPU each, mostly while the --server run's app starts).
describe('beside the --server run', { concurrency: true }, () => {
  test('--paths with --server works, without an OpenAPI document', async () => {
    const json = join(dir, 'paths.json');
    const r = await runCli(['doctor', '--server', uvicorn('{port}').join(' '), '--paths', '/healthy,/health', '--budget', '10s', '--json', json, '-q'], { timeoutMs: 40_000 });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(readFileSync(json, 'utf8')) as DoctorReport;
    assert.equal(report.openapi, null);
    assert.deepEqual(report.endpoints.map((e) => `${e.path} ${e.category}`), ['/healthy healthy', '/health healthy']);
    assert.ok(report.elapsedMs <= 10_000, `elapsed ${report.elapsedMs}`);
  });

  describe('on this app, one after the other: each counts its requests', { concurrency: false }, () => {
    test('no OpenAPI document: a clear message and --paths as the way out', async () => {
      const before = await calls();
      const none = await runCli(['doctor', base, '--openapi', '/nope.json', '--budget', '10s'], { timeoutMs: 20_000 });
      assert.equal(none.code, 2, none.stderr);
      assert.ok(none.stderr.includes('answered HTTP 404') && none.stderr.includes('--paths /health'), none.stderr);
      const after = await calls();
      assert.equal(after['GET /nope.json'], 1, 'only the document was asked for');
      assert.equal(Object.values(after).reduce((a, b) => a + b, 0) - Object.values(before).reduce((a, b) => a + b, 0), 2, 'the /nope.json request and this /calls');
    });

    test('bad flags: exit 2, all of them named, nothing sent', async () => {
      const before = await calls();
      const r = await runCli(['doctor', 'localhost:8000', '--budget', '1s', '-H', 'nocolon', '--paths', 'health'], { timeoutMs: 15_000 });
      assert.equal(r.code, 2, r.stderr);
      for (const what of ['URL:', '--budget:', '-H[0]:', '--paths:']) assert.ok(r.stderr.includes(what), `${what} in ${r.stderr}`);
      const noFile = await runCli(['doctor', base, '--openapi', 'missing-openapi.json'], { timeoutMs: 15_000 });
      assert.equal(noFile.code, 2, noFile.stderr);
      const after = await calls();
      assert.deepEqual({ ...after, 'GET /calls': 0 }, { ...before, 'GET /calls': 0 }, 'nothing but these checks reached the app');
      assert.equal(after['GET /calls'], before['GET /calls']! + 1);
    });
  });
});
