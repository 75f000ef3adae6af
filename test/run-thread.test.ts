// The CLI's run in its own thread (src/engine/run-thread.ts): against a real loopback server it
// gives the data and result a run on this thread would compute from that data, the live state
// while it runs, Ctrl-C before the start as a partial result; errors keep their class across.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../src/server/free-port.js';
import { executeRunInThread, rebuildError } from '../src/engine/run-thread.js';
import { resultOf } from '../src/pipeline.js';
import { parseScenario } from '../src/scenario/load.js';
import { TargetUnreachableError } from '../src/net/unreachable.js';
import { ScenarioError } from '../src/scenario/problems.js';
import type { LiveState } from '../src/engine/live.js';
import { stallServer } from './helpers.js';

const scenario = (target: string) => parseScenario(`name: thread\ntarget: ${target}\nduration: 1200ms\nactors:\n  - { name: probe, kind: probe, path: /live, rate: 20/s }\n`, 'thread.yaml');

test('a run in its thread: the result of its own data, and the live state while it ran', async () => {
  const server = await stallServer();
  try {
    const live: LiveState[] = [];
    const run = await executeRunInThread(scenario(server.url), { onLive: (s) => live.push(s) });
    assert.deepEqual(run.result, resultOf(run.data));
    const probe = run.result.actors.probe!;
    // 20/s for 1.2 s: 24 due (the last may still be on its way at the end).
    assert.ok(probe.summary.requests >= 23 && probe.summary.requests <= 25, `${probe.summary.requests} probes`);
    assert.equal(probe.summary.failures, 0);
    assert.ok(live.length >= 2, `${live.length} live states`);
    assert.deepEqual(live.at(-1)!.actors.map((a) => a.name), ['probe']);
    assert.ok(live.at(-1)!.actors[0]!.ok > 0);
  } finally {
    await server.stop();
  }
});

test('Ctrl-C before the thread starts: a partial result, nothing sent', async () => {
  const server = await stallServer();
  try {
    const stop = new AbortController();
    stop.abort();
    const run = await executeRunInThread(scenario(server.url), { interrupt: stop.signal });
    assert.equal(run.result.stoppedBy, 'interrupt');
    assert.equal(run.result.actors.probe?.summary.requests ?? 0, 0);
  } finally {
    await server.stop();
  }
});

test('errors keep their class and fields across the thread boundary', async () => {
  const port = await freePort(); // bound and released: nobody listens
  await assert.rejects(executeRunInThread(scenario(`http://127.0.0.1:${port}`)), (err: unknown) => {
    assert.ok(err instanceof TargetUnreachableError, String(err));
    assert.equal(err.code, 'ECONNREFUSED');
    assert.equal(err.message, `cannot reach http://127.0.0.1:${port} (ECONNREFUSED): is the server running?`);
    return true;
  });
  const problems = [{ file: 'a.yaml', line: 3, path: 'actors[0].rate', message: 'expected a rate' }];
  const rebuilt = rebuildError({ cls: 'ScenarioError', name: 'ScenarioError', message: 'bad', props: { problems } });
  assert.ok(rebuilt instanceof ScenarioError);
  assert.deepEqual((rebuilt as ScenarioError).problems, problems);
  const unknown = rebuildError({ cls: 'RangeError', name: 'RangeError', message: 'x', props: {} });
  assert.ok(unknown instanceof Error && !(unknown instanceof TargetUnreachableError));
  assert.equal(unknown.message, 'x');
});
