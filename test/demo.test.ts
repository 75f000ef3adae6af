// `wobbly demo` as a newcomer runs it: the built-in target, the built-in scenarios, a detected stall.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './helpers.js';
import type { RunResult } from '../src/result/types.js';

test('wobbly demo finds the demo target\'s 1.5 s event-loop stall and says so', async () => {
  const dir = tempDir();
  const r = await runCli(['demo', '--json-dir', dir], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /== demo: liveness-during-heavy against the built-in target at http:\/\/127\.0\.0\.1:\d+/);
  assert.match(r.stdout, /DETECTED\s+event-loop-stall\s+The server stopped answering GET \/live for 1\.5\d s/);
  const result = JSON.parse(readFileSync(join(dir, 'liveness-during-heavy.json'), 'utf8')) as RunResult;
  const v = result.verdicts.find((x) => x.id === 'event-loop-stall')!;
  assert.equal(v.status, 'detected');
  const longest = (v.evidence as { longestStallMs: number }).longestStallMs;
  assert.ok(Math.abs(longest - 1500) <= 75, `longest stall ${longest}`);
});
