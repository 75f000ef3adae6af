// End to end: the real CLI against a real server that blocks its event loop for exactly 1,000 ms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, stallServerForFile, tempDir } from './helpers.js';
import type { RunResult } from '../src/result/types.js';

const SCENARIO = join(ROOT, 'test/fixtures/stall.yaml');
const server = stallServerForFile();
const dir = tempDir();

test('a 1,000 ms event-loop block is reported as a 1,000 ± 50 ms stall, attributed to the heavy request', async () => {
  const json = join(dir, 'stall.json');
  const r = await runCli(['run', SCENARIO, '--target', server.url, '--json', json]);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  const v = result.verdicts.find((x) => x.id === 'event-loop-stall')!;
  assert.equal(v.status, 'detected', v.summary);
  const e = v.evidence as { longestStallMs: number; stalls: { startMs: number; endMs: number; lengthMs: number; during: string[]; probesAffected: number }[] };
  assert.ok(Math.abs(e.longestStallMs - 1000) <= 50, `longest stall ${e.longestStallMs} ms`);
  assert.equal(e.stalls.length, 1, JSON.stringify(e.stalls));
  const stall = e.stalls[0]!;
  assert.deepEqual(stall.during, ['heavy']);
  // The stall starts when the heavy request is sent (1.5 s) and about 100 probes (100/s × 1 s) waited.
  assert.ok(Math.abs(stall.startMs - 1500) <= 60, `stall starts at ${stall.startMs}`);
  assert.ok(stall.probesAffected >= 90 && stall.probesAffected <= 110, `probes affected ${stall.probesAffected}`);
  // The heavy request itself took about 1 s.
  const heavy = result.actors.heavy!;
  assert.ok(Math.abs(heavy.requests![0]!.latencyMs - 1000) <= 50, `heavy took ${heavy.requests![0]!.latencyMs}`);
  // The summary sentence names the endpoint, the length and the cause.
  assert.match(v.summary, /stopped answering GET \/live for 1\.0\d s .*GET \/heavy\?ms=1000 \(heavy\) was in flight/);
  // Open model: every scheduled probe is accounted for, 100/s over 4 s.
  const probe = result.actors.probe!;
  assert.ok(probe.summary.requests + probe.summary.unfinished >= 395 && probe.summary.requests + probe.summary.unfinished <= 401, `probes ${probe.summary.requests}`);
  // The per-second timeline shows the dip and the burst: fewer answers in the stalled second(s).
  const counts = probe.timeline.map((b) => b.count);
  assert.equal(counts.length, 4);
  assert.ok(Math.min(counts[1]!, counts[2]!) <= 60, `timeline ${counts}`);
  assert.equal(result.schemaVersion, 1);
  assert.equal(typeof result.self.eventLoopDelayP99Ms, 'number');
  assert.ok(result.self.eventLoopDelayP99Ms < 100);
  // The terminal report carries the verdict and the timeline.
  assert.match(r.stdout, /DETECTED\s+event-loop-stall/);
  assert.match(r.stdout, /Timeline \(per second/);
  // `wobbly report` re-renders the saved result exactly as the run printed it.
  const again = await runCli(['report', json]);
  assert.equal(again.code, 0);
  assert.equal(again.stdout, r.stdout.replace(`result written to ${json}\n`, ''));
});

test('a healthy server (the slow request awaits instead of blocking) gives `clear`', async () => {
  const json = join(dir, 'clear.json');
  const r = await runCli(['run', SCENARIO, '--target', server.url, '--set', 'heavyPath=/slow?ms=1000', '--json', json]);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  const v = result.verdicts.find((x) => x.id === 'event-loop-stall')!;
  assert.equal(v.status, 'clear', v.summary);
  assert.equal((v.evidence as { stalls: unknown[] }).stalls.length, 0);
  assert.ok(result.actors.probe!.summary.latencyMs.p99 < 50, `p99 ${result.actors.probe!.summary.latencyMs.p99}`);
  assert.ok(Math.abs(result.actors.heavy!.requests![0]!.latencyMs - 1000) <= 50);
  assert.match(r.stdout, /clear\s+event-loop-stall/);
});

test('a 100 ms bucket timeline keeps the stall visible as empty buckets', async () => {
  const json = join(dir, 'fine.json');
  const file = join(dir, 'fine.yaml');
  const text = readFileSync(SCENARIO, 'utf8').replace('duration: ${duration}', 'duration: ${duration}\ntimeline: { bucket: 100ms }');
  (await import('node:fs')).writeFileSync(file, text);
  const r = await runCli(['run', file, '--target', server.url, '--json', json, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  const tl = result.actors.probe!.timeline;
  assert.equal(tl.length, 40);
  // From 1.6 s to 2.4 s no probe is answered: 8 empty buckets of 100 ms at least.
  const empty = tl.filter((b) => b.t >= 1.6 && b.t < 2.4 && b.count === 0).length;
  assert.ok(empty >= 8, `empty buckets ${empty}: ${tl.map((b) => b.count).join(',')}`);
});
