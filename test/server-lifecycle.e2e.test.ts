// Servers wobbly starts itself: free port, readiness, log tail on failure, and never an orphan
// (after success, failure, Ctrl-C, or wobbly itself being killed).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getJson, ROOT, runCli, sleep, startCli, tempDir, waitGone } from './helpers.js';
import type { RunResult } from '../src/result/types.js';

const SERVER = `node ${join(ROOT, 'dist/test/servers/stall-server.js')}`;
const SCENARIO = join(ROOT, 'test/fixtures/stall.yaml');
const dir = tempDir();

// The stall verdict needs the CPU (a starved client rightly says inconclusive instead): alone.
test('--server: started on a free port, measured, stopped; the result names it', async () => {
  const json = join(dir, 'server.json');
  const r = await runCli(['run', SCENARIO, '--server', `${SERVER} --port {port}`, '--server-ready', '/live', '--set', 'duration=3s', '--json', json]);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  assert.match(result.target, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(result.server!.port, Number(new URL(result.target).port));
  assert.equal(result.verdicts[0]!.status, 'detected');
  assert.ok(await waitGone(result.server!.pid!, 2000), 'server stopped after the run');
});

// The other cases start their own servers on free ports and count only those servers' requests:
// they run three at a time, mostly waiting on the servers' timers.
describe('servers wobbly starts', { concurrency: 3 }, () => {
  test('server: in the scenario file, with env and cwd; {port} in env', async () => {
    const file = join(dir, 'with-server.yaml');
    writeFileSync(
      file,
      [
        'name: with-server',
        'duration: 2s',
        'server:',
        `  command: 'node -e "require(\\"http\\").createServer((q,s)=>s.end(process.env.GREETING+\\" \\"+process.env.MY_PORT+\\" \\"+process.cwd())).listen(Number(process.env.MY_PORT),\\"127.0.0.1\\")"'`,
        `  cwd: ${ROOT}`,
        '  env: { GREETING: hello, MY_PORT: "{port}" }',
        '  ready: /',
        '  readyTimeout: 5s',
        'actors:',
        '  - { name: probe, kind: probe, path: /, rate: 20/s, extract: { body: { from: body, regex: "(.*)" } } }',
      ].join('\n'),
    );
    const json = join(dir, 'with-server.json');
    const r = await runCli(['run', file, '--json', json]);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
    const port = new URL(result.target).port;
    const bodies = Object.keys(result.actors.probe!.identities.body!);
    assert.deepEqual(bodies, [`hello ${port} ${ROOT.replace(/\/$/, '')}`]);
    assert.ok(await waitGone(result.server!.pid!, 2000));
  });

  test('a server that fails to start: exit 3, its log tail, nothing left running', async () => {
    const r = await runCli(['run', SCENARIO, '--server', `${SERVER} --fail-start`]);
    assert.equal(r.code, 3);
    assert.equal(r.stderr, 'wobbly: the server exited before it was ready (exit code 1)\nits last output:\n  | Traceback: ImportError: cannot import name "app" (a deliberate start failure)\n');
  });

  test('a server that never gets ready: exit 3 after the ready timeout', async () => {
    const file = join(dir, 'never-ready.yaml');
    writeFileSync(file, `name: never-ready\nduration: 2s\nserver: { command: "sleep 30", ready: /health, readyTimeout: 1s }\nactors:\n  - { kind: probe, path: /, rate: 1/s }\n`);
    const t0 = Date.now();
    const r = await runCli(['run', file]);
    assert.equal(r.code, 3);
    assert.ok(Date.now() - t0 < 6000);
    // The port is the free one wobbly picked: the line up to it, and after it.
    const [before, after] = r.stderr.split(/:\d+\//);
    assert.equal(before, 'wobbly: the server was not ready after 1 s (http://127.0.0.1');
    assert.equal(after, 'health did not answer)\n');
  });

  test('Ctrl-C: partial result, exit 130, server stopped', async () => {
    const json = join(dir, 'ctrl-c.json');
    const run = startCli(['run', SCENARIO, '--server', `${SERVER} --port {port}`, '--server-ready', '/live', '--set', 'duration=30s', '--json', json]);
    // Interrupt once the run is under way (past the 100 calibration requests), however slow the start.
    let url: string | undefined;
    for (let i = 0; i < 200 && !url; i++) {
      await sleep(50);
      url = / on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output().stderr)?.[1];
    }
    assert.ok(url, run.output().stderr);
    for (let i = 0; i < 200; i++) {
      await sleep(50);
      if ((await getJson<{ requests: number }>(`${url}/stats`)).requests >= 150) break;
    }
    run.child.kill('SIGINT');
    const r = await run.done;
    assert.equal(r.code, 130, r.stderr);
    const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
    assert.equal(result.partial, true);
    assert.ok(await waitGone(result.server!.pid!, 3000), 'server stopped after Ctrl-C');
  });

  test('wobbly killed with SIGKILL: the reaper stops its server within seconds', async () => {
    const run = startCli(['run', SCENARIO, '--server', `${SERVER} --port {port}`, '--server-ready', '/live', '--set', 'duration=30s']);
    // The "started `...` (pid N)" line on stderr tells us the server's process group.
    let pid = 0;
    for (let i = 0; i < 100 && !pid; i++) {
      await sleep(50);
      pid = Number(/\(pid (\d+)\)/.exec(run.output().stderr)?.[1] ?? 0);
    }
    assert.ok(pid > 0, run.output().stderr);
    await sleep(500);
    run.child.kill('SIGKILL');
    await run.done;
    assert.ok(await waitGone(pid, 5000), 'no orphan server');
  });
});
