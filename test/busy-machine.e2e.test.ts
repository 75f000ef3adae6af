// A busy machine: CPU hogs (`node -e 'for(;;){}'`) beside a real run against the stall server.
// A healthy server must never turn `detected`, a real block still must be. This file takes the
// whole machine on purpose, so npm test runs it alone (scripts/run-tests.mjs), not beside the
// files whose measurements a hog would disturb.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuHogs, ROOT, runCli, stallServerForFile, tempDir, within } from './helpers.js';
import { assertNeverDetected } from './stall-checks.js';
import type { RunResult } from '../src/result/types.js';

const SCENARIO = join(ROOT, 'test/fixtures/stall.yaml');
const server = stallServerForFile();
const dir = tempDir();

test('CPU hogs beside the run: the healthy server is never `detected`, the 1,000 ms block still is', async () => {
  // Two hogs on this 2-core machine: every process waits for the CPU, wobbly and the server alike.
  const two = [cpuHogs(1), cpuHogs(1)];
  try {
    const healthy = join(dir, 'busy-clear.json');
    let r = await runCli(['run', SCENARIO, '--target', server.url, '--set', 'heavyPath=/slow?ms=1000', '--json', healthy, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assertNeverDetected(JSON.parse(readFileSync(healthy, 'utf8')) as RunResult);
    // One hog left: a real block is still found.
    await two[0]!.stop();
    const blocked = join(dir, 'busy-stall.json');
    r = await runCli(['run', SCENARIO, '--target', server.url, '--json', blocked, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const v = (JSON.parse(readFileSync(blocked, 'utf8')) as RunResult).verdicts.find((x) => x.id === 'event-loop-stall')!;
    assert.equal(v.status, 'detected', v.summary);
    // The block lasts 1,000 ms of wall time (less one probe interval at most); on a busy machine the
    // server may then wait for the CPU before it answers: later, never sooner.
    within((v.evidence as { longestStallMs: number }).longestStallMs, 1200, 210, 'longest stall on a busy machine (ms)');
  } finally {
    await Promise.all(two.map((h) => h.stop()));
  }
});
