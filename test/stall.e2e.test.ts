// End to end: the real CLI against a real server that blocks its event loop for exactly 1,000 ms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertPrinted, ROOT, runCli, stallServerForFile, tempDir, within } from './helpers.js';
import { assertNeverDetected } from './stall-checks.js';
import type { RunResult } from '../src/result/types.js';
import { unexplainedMs } from '../src/verdicts/event-loop-stall.js';

const SCENARIO = join(ROOT, 'test/fixtures/stall.yaml');
const server = stallServerForFile();
const dir = tempDir();
/** The same scenario with 100 ms timeline buckets: the stall shows as empty buckets. */
const FINE = join(dir, 'fine.yaml');
writeFileSync(FINE, readFileSync(SCENARIO, 'utf8').replace('duration: ${duration}', 'duration: ${duration}\ntimeline: { bucket: 100ms }'));

test('a 1,000 ms event-loop block is reported as a 1,000 ± 50 ms stall, attributed to the heavy request', async () => {
  const json = join(dir, 'stall.json');
  const r = await runCli(['run', FINE, '--target', server.url, '--json', json]);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  const v = result.verdicts.find((x) => x.id === 'event-loop-stall')!;
  assert.equal(v.status, 'detected', v.summary);
  const e = v.evidence as { longestStallMs: number; stalls: { startMs: number; endMs: number; lengthMs: number; during: string[]; probesAffected: number }[] };
  // The stall's length is the longest probe wait: the block, plus up to one probe interval (10 ms) and scheduler jitter.
  within(e.longestStallMs, 1000, 50, 'longest stall (ms)');
  // One stall is the server's; on a busy machine others may be listed that wobbly's own lag explains.
  const ev = v.evidence as { thresholdMs: number; machineLagMs: number; stalls: { lengthMs: number; selfLagMs: number }[] };
  const servers = e.stalls.filter((_, i) => unexplainedMs(ev.stalls[i]!, ev.machineLagMs) > ev.thresholdMs);
  assert.equal(servers.length, 1, JSON.stringify(e.stalls));
  const stall = servers[0]!;
  assert.deepEqual(stall.during, ['heavy']);
  // The stall starts when the heavy request is sent (1.5 s). Late (over the threshold) are at least the
  // probes due in its first (length − threshold), at most all those due from its start to its end
  // (answers of the backlog come after the block): 100/s × that, give or take a probe at each edge.
  within(stall.startMs, 1500, 60, 'stall start (ms)');
  const thresholdMs = (v.evidence as { thresholdMs: number }).thresholdMs;
  const least = ((stall.lengthMs - thresholdMs) * 100) / 1000 - 2;
  const most = ((stall.endMs - stall.startMs) * 100) / 1000 + 2;
  assert.ok(stall.probesAffected >= least && stall.probesAffected <= most, `probes affected ${stall.probesAffected}, expected ${least}–${most}`);
  // The heavy request itself took about 1 s.
  const heavy = result.actors.heavy!;
  within(heavy.requests![0]!.latencyMs, 1000, 50, 'heavy request (ms)');
  // Open model: every scheduled probe is accounted for, 100/s over 4 s.
  const probe = result.actors.probe!;
  assert.ok(probe.summary.requests + probe.summary.unfinished >= 395 && probe.summary.requests + probe.summary.unfinished <= 401, `probes ${probe.summary.requests}`);
  // The 100 ms timeline keeps the stall visible: from 1.6 s to 2.4 s no probe is answered, 8 empty buckets at least.
  const tl = probe.timeline;
  assert.equal(tl.length, 40);
  const empty = tl.filter((b) => b.t >= 1.6 && b.t < 2.4 && b.count === 0).length;
  assert.ok(empty >= 8, `empty buckets ${empty}: ${tl.map((b) => b.count).join(',')}`);
  assert.equal(result.schemaVersion, 1);
  assert.equal(typeof result.self.eventLoopDelayP99Ms, 'number');
  // The terminal report is the rendering of this result (its wording: golden.test.ts).
  assertPrinted(r.stdout, result);
  // `wobbly report` re-renders the saved result exactly as the run printed it.
  const again = await runCli(['report', json]);
  assert.equal(again.code, 0);
  assert.equal(again.stdout, r.stdout.replace(`result written to ${json}\n`, ''));
});

test('a healthy server (the slow request awaits instead of blocking) is never `detected`: clear, or inconclusive where wobbly\'s own lag explains a late probe', async () => {
  const json = join(dir, 'clear.json');
  const r = await runCli(['run', SCENARIO, '--target', server.url, '--set', 'heavyPath=/slow?ms=1000', '--json', json]);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  assertNeverDetected(result);
  // An awaited 1,000 ms timer: never early; late by scheduler jitter, less than a stall's threshold.
  const slowMs = result.actors.heavy!.requests![0]!.latencyMs;
  const thresholdMs = (result.verdicts.find((x) => x.id === 'event-loop-stall')!.evidence as { thresholdMs: number }).thresholdMs;
  assert.ok(slowMs >= 999 && slowMs < 1000 + thresholdMs, `slow request ${slowMs} ms (threshold ${thresholdMs} ms)`);
  assertPrinted(r.stdout, result);
});

