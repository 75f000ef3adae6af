// End to end: `wobbly run X --raw r --json a.json`, then `wobbly analyse r --json b.json` on the
// saved run alone gives the same verdicts, statuses, evidence numbers, expectations and figures,
// on a real stall, a real pool and real streams (Node test servers on loopback).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, startServer, tempDir, type TestServer } from './helpers.js';
import type { RunResult } from '../src/result/types.js';

const dir = tempDir();
const servers: Record<string, TestServer> = {};

before(async () => {
  await Promise.all(['stall', 'pool', 'stream'].map(async (name) => (servers[name] = await startServer(join(ROOT, `dist/test/servers/${name}-server.js`)))));
});
after(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
});

/** Runs the scenario with --raw and --json, then analyses the raw file; both results. */
async function runThenAnalyse(name: string, scenario: string, server: string): Promise<{ ran: RunResult; analysed: RunResult; runCode: number | null; stdout: string }> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, scenario);
  const raw = join(dir, `${name}.wob`);
  const a = join(dir, `${name}-a.json`);
  const b = join(dir, `${name}-b.json`);
  const run = await runCli(['run', file, '--target', servers[server]!.url, '--raw', raw, '--json', a, '--quiet']);
  assert.ok(run.code === 0 || run.code === 1, `run exit ${run.code}: ${run.stderr}`);
  const analysis = await runCli(['analyse', raw, '--json', b]);
  assert.equal(analysis.code, run.code, analysis.stderr);
  return { ran: JSON.parse(readFileSync(a, 'utf8')), analysed: JSON.parse(readFileSync(b, 'utf8')), runCode: run.code, stdout: analysis.stdout };
}

function assertSame(ran: RunResult, analysed: RunResult): void {
  assert.deepEqual(analysed.verdicts, ran.verdicts); // ids, statuses, sentences, evidence numbers
  assert.deepEqual(analysed.expectations, ran.expectations);
  assert.deepEqual(analysed.actors, ran.actors);
  assert.deepEqual(analysed.self, ran.self);
  assert.deepEqual(analysed.inFlight, ran.inFlight); // the charts' in-flight windows
  assert.deepEqual([analysed.durationMs, analysed.startedAt, analysed.pass], [ran.durationMs, ran.startedAt, ran.pass]);
}

// Three runs at once, each on its own server (timers, light load; the analyses are not timed): as
// load.e2e's three pools, they do not disturb each other's measurements.
describe('run, then analyse', { concurrency: true }, () => {
  test('stall: the analysed run finds the same 1 s event-loop stall, with the same evidence', async () => {
    const { ran, analysed, stdout } = await runThenAnalyse('stall', readFileSync(join(ROOT, 'test/fixtures/stall.yaml'), 'utf8') + 'expect: ["probe.p99 < 5s", "verdict.event-loop-stall == clear"]\n', 'stall');
    const v = ran.verdicts.find((x) => x.id === 'event-loop-stall')!;
    assert.equal(v.status, 'detected', v.summary);
    // The server blocks 1,000 ms; on a busy machine draining the probes' backlog adds up to ~200 ms
    // (the stall's precision is stall.e2e's subject; here it is that the run and its analysis agree).
    const longest = v.evidence.longestStallMs as number;
    assert.ok(longest >= 950 && longest <= 1250, `longest stall ${longest}`);
    assert.deepEqual(ran.expectations.map((e) => [e.pass, e.unit ?? e.status]), [[true, 'ms'], [false, 'detected']]);
    assertSame(ran, analysed);
    assert.ok(stdout.includes('DETECTED     event-loop-stall'), stdout);
  });

  test('pool: the analysed run finds the same pool of 4 (load and sweep), with the same effective concurrency', async () => {
    const { ran, analysed } = await runThenAnalyse(
      'pool',
      [
        'name: rd-pool',
        'duration: 5s',
        'actors:',
        '  - { name: probe, kind: probe, path: /live, rate: 50/s }',
        '  - { name: load, kind: load, path: "/pool/4?ms=200", connections: 8, calibrate: 3, duration: 2500ms }',
        '  - { name: sweep, kind: sweep, path: "/pool/2?ms=100&id=s", connections: [1, 4], step: 1s, calibrate: 3, start: 2600ms }',
        '',
      ].join('\n'),
      'pool',
    );
    const pool = ran.verdicts.find((x) => x.id === 'pool-starvation')!;
    assert.equal(pool.status, 'detected', pool.summary);
    // The verdict is about the most telling measurement: the load (a pool of 4) or the sweep's N = 4
    // step (a pool of 2), whichever the rules trust on this run; C is within 10 % of its pool.
    const c = pool.evidence.effectiveConcurrency as number;
    const m = pool.evidence.actor === 'load' ? 4 : 2;
    assert.ok(Math.abs(c - m) <= 0.1 * m, `C ${c} for ${String(pool.evidence.actor)}, a pool of ${m}`);
    assert.equal(ran.actors.sweep!.sweep!.steps.length, 2);
    assertSame(ran, analysed);
  });

  test('streams: the analysed run finds the same thread hopping, with the same per-stream counts', async () => {
    const { ran, analysed } = await runThenAnalyse(
      'stream',
      ['name: rd-stream', 'duration: 4s', 'actors:', '  - name: streams', '    kind: stream', '    path: /rotate?events=10&gapMs=20', '    streams: 8', '    events: 10', '    extract:', "      thread: { from: event, regex: 'thread: (\\d+)' }", ''].join('\n'),
      'stream',
    );
    const hop = ran.verdicts.find((x) => x.id === 'thread-hopping')!;
    assert.equal(hop.status, 'detected', hop.summary);
    assert.equal(hop.evidence.streams, 8);
    assert.equal(ran.actors.streams!.stream!.complete, 8);
    // The swimlanes travel in the saved run (assertSame compares them): 8 lanes of 10 events.
    assert.deepEqual(ran.actors.streams!.stream!.lanes!.lanes.map((l) => l.events.length), Array(8).fill(10));
    assertSame(ran, analysed);
  });
});

test('analyse refuses a file that is not a saved run: exit 2, what is wrong, no stack', async () => {
  const notRun = join(dir, 'result.json');
  writeFileSync(notRun, JSON.stringify({ schemaVersion: 1 }));
  const r = await runCli(['analyse', notRun]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `wobbly: ${notRun}: not a wobbly run file (format: expected "wobbly-run-data"); expected the file written by \`wobbly run --raw\`\n`);
  const missing = await runCli(['analyse', join(dir, 'nothing.wob')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nothing\.wob: cannot read the run file \(ENOENT\)/);
});
