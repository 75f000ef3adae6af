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
  // Streams and head-of-line blocking (issue 4): rotating threads hop, a stable stream does not;
  // one worker delays every fast request; with two, only keep-alive ones pinned to the busy worker.
  const verdict = (file: string, id: string) => (JSON.parse(readFileSync(join(dir, file), 'utf8')) as RunResult).verdicts.find((x) => x.id === id)!;
  assert.equal(verdict('stream-thread-identity.json', 'thread-hopping').status, 'detected');
  assert.equal(verdict('stream-thread-identity--stable-stream.json', 'thread-hopping').status, 'clear');
  assert.equal(verdict('head-of-line.json', 'head-of-line-blocking').status, 'detected');
  const two = verdict('head-of-line--2-workers.json', 'head-of-line-blocking');
  const e = two.evidence as { byIdentity: Record<string, { delayed: number }>; byConnection: Record<string, { delayed: number }>; slow: { identity: string }[] };
  const delayedIds = Object.entries(e.byIdentity).filter(([, g]) => g.delayed > 0).map(([id]) => id);
  assert.ok(delayedIds.every((id) => id === e.slow[0]!.identity), `only the busy worker delays: ${JSON.stringify(e.byIdentity)}`);
  assert.ok(e.byConnection.new!.delayed <= 2, `new connections go to the free worker: ${JSON.stringify(e.byConnection)}`);
  assert.match(r.stdout, /== demo: head-of-line, 2 workers against/);
});
