// The doctor's findings from fixed measurements: categories, ranking (worst first), the reproducing
// commands (shell-quoted: paths come from the server), and the terminal table as a golden file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { categoryOf, describe, rank, reproduceCommand, shellQuote, type Measured } from '../src/doctor/findings.js';
import type { ConcurrencyFinding, DoctorReport, LoopBlock } from '../src/doctor/report.js';
import type { Operation } from '../src/doctor/openapi.js';
import { renderDoctor } from '../src/report/doctor-table.js';
import { ROOT } from './helpers.js';

const BASE = 'http://127.0.0.1:8015';
const op = (path: string, extra: Partial<Operation> = {}): Operation => ({ method: 'GET', template: path, path, headers: {}, ...extra });
const free = (probeMaxMs: number, callMs = 200): LoopBlock => ({ status: 'clear', probeMaxMs, probeP50Ms: 2, longestStallMs: 0, selfLagMs: 0, callMs });
const held = (ms: number): LoopBlock => ({ status: 'detected', probeMaxMs: ms, probeP50Ms: 2, longestStallMs: ms, selfLagMs: 0, callMs: ms + 3 });
const load = (connections: number, C: number, o: Partial<ConcurrencyFinding> = {}): ConcurrencyFinding => ({
  connections, amount: 5 * connections, effectiveConcurrency: C, poolSizeEstimate: null, throughputRps: C / 0.2, poolStatus: 'clear', serializedStatus: 'clear', outcome: 'clear', reason: null, ...o,
});

const probe = op('/health');
const measured: Measured[] = [
  { op: op('/healthy'), serviceTimeMs: 205, status: 200, loopBlock: free(6), concurrency: load(8, 8.1), notes: [] },
  { op: op('/cpu'), serviceTimeMs: 204, status: 200, loopBlock: held(186), concurrency: load(4, 1.02, { poolStatus: 'detected', serializedStatus: 'detected', outcome: 'serialized', poolSizeEstimate: 1 }), notes: [] },
  { op: op('/executor'), serviceTimeMs: 203, status: 200, loopBlock: free(15), concurrency: load(8, 6.05, { poolStatus: 'detected', outcome: 'pool', poolSizeEstimate: 6 }), notes: [] },
  { op: op('/blocking'), serviceTimeMs: 206, status: 200, loopBlock: held(207), concurrency: load(4, 1.05, { poolStatus: 'detected', serializedStatus: 'detected', outcome: 'serialized', poolSizeEstimate: 1 }), notes: [] },
  { op: op('/limited'), serviceTimeMs: 204, status: 200, loopBlock: free(7), concurrency: load(8, 3.9, { poolStatus: 'detected', outcome: 'pool', poolSizeEstimate: 4 }), notes: [] },
  { op: op('/locked'), serviceTimeMs: 100, status: 200, loopBlock: free(5, 100), concurrency: load(4, 1.0, { poolStatus: 'detected', serializedStatus: 'detected', outcome: 'serialized', poolSizeEstimate: 1 }), notes: [] },
  { op: op('/broken'), serviceTimeMs: 3, status: 500, error: 'HTTP 500', notes: [] },
  { op: op('/slow'), serviceTimeMs: null, status: null, timedOut: true, notes: ['no answer within 1.90 s, its share of the survey: too slow to measure within --budget 30.0 s'] },
  { op: op("/it's\u001b[2J"), serviceTimeMs: 1.5, status: 200, concurrency: load(8, 2, { outcome: 'inconclusive', reason: 'too-fast', poolStatus: 'inconclusive', serializedStatus: 'inconclusive' }), notes: [] },
  { op: probe, serviceTimeMs: 1.2, status: 200, notes: ['the probe itself'] },
  { op: op('/events', { stream: 'sse' }), serviceTimeMs: null, status: 200, loopBlock: free(20), stream: { format: 'sse', streams: 2, responded: 2, events: 10, firstEventMs: { p50: 5, max: 5.2 }, gapMs: { p50: 100.5, max: 102 } }, notes: [] },
];

function report(): DoctorReport {
  const endpoints = rank(
    measured.map((m) => {
      const category = categoryOf(m);
      return { method: m.op.method, template: m.op.template, path: m.op.path, category, serviceTimeMs: m.serviceTimeMs, status: m.status, ...(m.error ? { error: m.error } : {}),
        ...(m.loopBlock ? { loopBlock: m.loopBlock } : {}), ...(m.concurrency ? { concurrency: m.concurrency } : {}), ...(m.stream ? { stream: m.stream } : {}),
        ...describe(m, category), reproduce: reproduceCommand(m, category, BASE, probe, false), notes: m.notes };
    }),
  );
  return {
    schemaVersion: 1, kind: 'doctor', tool: { name: 'wobbly', version: '0.1.0' }, target: BASE, startedAt: '2026-12-01T17:00:00.000Z', budgetMs: 30_000, elapsedMs: 28_412, partial: false,
    openapi: { source: `${BASE}/openapi.json`, title: 'shop', version: '1.0' }, probe: { path: '/health', serviceTimeMs: 1.2 }, measurements: 37, requestsSent: 2301, endpoints,
    skipped: [{ method: 'POST', template: '/orders', reason: 'POST may change data: called only with --unsafe' }],
  };
}

test('worst first: loop stalls (longest first), pools (lowest C/N first), serialized, failing, not measured, healthy', () => {
  const r = report();
  assert.deepEqual(
    r.endpoints.map((e) => `${e.rank} ${e.path} ${e.category}`),
    ['1 /blocking stalls-loop', '2 /cpu stalls-loop', '3 /limited pool-limited', '4 /executor pool-limited', '5 /locked serialized', '6 /broken failing', '7 /slow not-measured',
      // Healthy ones: the slowest first (streams have no single service time: last).
      '8 /healthy healthy', `9 /it's\u001b[2J healthy`, '10 /health healthy', '11 /events healthy'],
  );
});

test('each finding names the command that reproduces it; server paths stay one inert shell word', () => {
  const r = report();
  const by = (p: string) => r.endpoints.find((e) => e.path === p)!;
  assert.equal(by('/blocking').reproduce, `wobbly run liveness-during-heavy --target ${BASE} --set probePath=/health --set heavyPath=/blocking`);
  assert.equal(by('/limited').reproduce, `wobbly run concurrency-sweep --target ${BASE} --set path=/limited --set connections=1,2,4,8,16,32,64`);
  assert.equal(by('/locked').reproduce, `wobbly ${BASE}/locked -n 24 -c 4 --probe /health`);
  assert.equal(by('/events').reproduce, `wobbly run stream-thread-identity --target ${BASE} --set streamPath=/events --set streams=8`);
  const hostile = by("/it's\u001b[2J").reproduce;
  // The shell gives back exactly the URL as one argument: no expansion, no second word.
  const url = hostile.split(' ')[1]!;
  const echoed = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${url}`], { encoding: 'utf8' });
  assert.equal(echoed, `${BASE}/it's\u001b[2J\n`);
  assert.equal(shellQuote('$(rm -rf ~)'), "'$(rm -rf ~)'");
});

test('the terminal table (golden file): sentences, fixes, control characters escaped', () => {
  const text = renderDoctor(report(), { color: false, width: 100 });
  assert.ok(!text.includes('\u001b'), 'no raw escape from the server reaches the terminal');
  const golden = join(ROOT, 'test/golden/doctor-table.txt');
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(golden)) {
    mkdirSync(dirname(golden), { recursive: true });
    writeFileSync(golden, text);
    if (process.env.UPDATE_GOLDEN !== '1') assert.fail(`${golden} was missing: written now, check it and commit it`);
  }
  assert.equal(text, readFileSync(golden, 'utf8'));
});
