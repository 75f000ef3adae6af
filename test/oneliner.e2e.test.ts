// `wobbly <URL> …` end to end: seed 002's `ab -n 100 -c 50` on a `def` endpoint sleeping 1 s under
// uvicorn (started with --server), the probe beside a load, expectations, and bad flags (exit 2,
// nothing sent).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getJson, runCli, stallServerForFile, tempDir } from './helpers.js';
import { FASTAPI_DIR, PYTHON, requirePythonStack } from './fastapi.js';
import { renderTerminal } from '../src/report/terminal.js';
import type { RunResult } from '../src/result/types.js';

const dir = tempDir();
const stall = stallServerForFile();
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RunResult;
const verdict = (r: RunResult, id: string) => r.verdicts.find((v) => v.id === id)!;

test('seed 002 as a one-liner: def endpoint, 1 s, -n 100 -c 50: the ab summary, and a pool of 40', async () => {
  requirePythonStack();
  const json = join(dir, 'sync.json');
  const server = `${PYTHON} -m uvicorn --app-dir ${FASTAPI_DIR} pools:app --host 127.0.0.1 --port {port}`;
  const r = await runCli(['http://127.0.0.1:8000/sync?ms=1000', '-n', '100', '-c', '50', '--server', server, '--server-ready', '/health', '--json', json, '-e', 'load.rps >= 10'], { timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const result = read(json);
  // What it printed is the report of that JSON (ab's summary among it), then where the JSON went.
  assert.equal(r.stdout, renderTerminal(result, { color: false, width: 100 }) + `result written to ${json}\n`);
  const load = result.actors.load!.load!;
  assert.equal(load.connections, 50);
  assert.equal(load.complete, 100);
  assert.equal(load.failed, 0);
  // 40 tokens, 1 s each: answers at ~1 s (40), ~2 s (40), ~3 s (20); never sooner, and a server
  // short of CPU on a busy 2-core machine (load average 18 seen) a little later.
  const between = (x: number | undefined, lo: number, hi: number, what: string) => assert.ok(x !== undefined && x >= lo && x <= hi, `${what}: ${x}, expected ${lo}–${hi}`);
  between(load.timeTakenMs, 2950, 3600, 'time taken');
  between(load.concurrency.serviceTimeMs!, 1000, 1100, 'S');
  between(load.servedWithinMs['50'], 1000, 1250, 'median');
  between(load.servedWithinMs['100'], 2000, 2400, 'longest');
  const pool = verdict(result, 'pool-starvation');
  // The pool of 40 from the first wave: 40 answered together, then a gap of a whole S.
  const group = (pool.evidence.poolSizeEstimate ?? (pool.evidence.firstWave as { group?: number }).group) as number;
  assert.ok(Math.abs(group - 40) <= 1, `pool ${group}, expected 40 ± 1`);
  assert.notEqual(pool.status, 'clear', pool.summary);
  // Until the verdicts decide from the first wave alone (issue 12), 100 requests are too short a steady window.
  if (pool.status === 'inconclusive') assert.equal(pool.evidence.reason, 'too-short', pool.summary);
  assert.deepEqual(result.expectations.map((e) => [e.expr, e.pass]), [['load.rps >= 10', true]]);
  assert.equal(result.server?.command.includes('pools:app'), true);
});

test('--probe beside the load: the loop held by the heavy requests is seen; -t bounds the run; --raw saves it for analyse', async () => {
  const json = join(dir, 'probe.json');
  const raw = join(dir, 'probe.wob');
  const r = await runCli([`${stall.url}/heavy?ms=300`, '-n', '6', '-c', '2', '-t', '3s', '--probe', '/live', '--json', json, '--raw', raw, '-q'], { timeoutMs: 30_000 });
  assert.equal(r.code, 0, r.stderr);
  const result = read(json);
  // The one-liner's run data, analysed again, is the same result (as `run --raw` then `analyse`).
  const analysedJson = join(dir, 'probe-analysed.json');
  const again = await runCli(['analyse', raw, '--json', analysedJson, '-q'], { timeoutMs: 30_000 });
  assert.equal(again.code, 0, again.stderr);
  const analysed = read(analysedJson);
  assert.deepEqual(analysed.verdicts, result.verdicts);
  assert.deepEqual(analysed.actors, result.actors);
  assert.equal(result.actors.load!.summary.requests, 6);
  assert.equal(result.actors.probe!.kind, 'probe');
  const v = verdict(result, 'event-loop-stall');
  assert.equal(v.status, 'detected', v.summary);
  const longest = v.evidence.longestStallMs as number;
  // Two connections keep a 300 ms busy wait queued all along: the loop is never free until the
  // sixth is done, 6 × 300 ms (a probe answered between two is late too); the probe resolves 20 ms.
  assert.ok(Math.abs(longest - 1800) <= 120, `longest stall ${longest} ms, expected 1.8 s ± 0.12`);
  assert.ok(result.durationMs <= 5000 + 100, `ran ${result.durationMs} ms: -t 3s and a 2 s grace at most`);
});

test('an expectation that fails: exit 1, like wobbly run', async () => {
  const r = await runCli([`${stall.url}/live`, '-n', '20', '-c', '2', '-q', '-e', 'load.p99 < 0.001ms'], { timeoutMs: 30_000 });
  assert.equal(r.code, 1, r.stderr);
});

test('bad flags: exit 2, every problem named, nothing sent to the target', async () => {
  const before = await getJson<{ requests: number; connections: number }>(`${stall.url}/stats`);
  const r = await runCli([`${stall.url}/live`, '-n', '0', '-c', 'many', '-t', 'forever', '-H', 'nocolon', '--rate', 'fast', '-e', 'load.p99 <'], { timeoutMs: 15_000 });
  assert.equal(r.code, 2, r.stderr);
  for (const flag of ['-n:', '-c:', '-t:', '-H[0]:', '--rate:', '--expect[0]:']) assert.ok(r.stderr.includes(`(command line): ${flag}`), `${flag} in ${r.stderr}`);
  assert.ok(!r.stderr.includes('    at '), 'no stack trace');
  const unknown = await runCli([`${stall.url}/live`, '--frobnicate'], { timeoutMs: 15_000 });
  assert.equal(unknown.code, 2, unknown.stderr);
  const missingFile = await runCli([`${stall.url}/live`, '-m', 'POST', '-d', `@${join(dir, 'no-such-body.json')}`], { timeoutMs: 15_000 });
  assert.equal(missingFile.code, 2, missingFile.stderr);
  const after = await getJson<{ requests: number; connections: number }>(`${stall.url}/stats`);
  assert.equal(after.requests, before.requests);
});
