// `duration:` is optional when every actor ends by itself, and a run of bounded actors ends
// shortly after them: a probe beside `ab -n 24 -c 8` stops one second after the load instead
// of adding empty rows up to the duration. Against the Node pool server (pools of M slots).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, startServer, tempDir, type TestServer } from './helpers.js';
import type { RunResult } from '../src/result/types.js';
import { TAIL_MS } from '../src/engine/end-when-done.js';

const dir = tempDir();
let server: TestServer;
before(async () => {
  server = await startServer(join(ROOT, 'dist/test/servers/pool-server.js'));
});
after(() => server.stop());

function scenario(name: string, text: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

const PROBE_AND_LOAD = (duration: string) => `name: bounded
${duration}actors:
  - name: probe
    kind: probe
    path: /live
    rate: 20/s
  - name: load
    kind: load
    path: /pool/4?ms=200
    connections: 8
    amount: 24
`;

for (const [what, duration] of [['without duration', ''], ['with a 20 s duration', 'duration: 20s\n']] as const) {
  test(`a probe beside ab -n 24 -c 8, ${what}: the run ends ${TAIL_MS} ms after the load, no empty rows`, async () => {
    const json = join(dir, `${what.replace(/\W/g, '')}.json`);
    const r = await runCli(['run', scenario('bounded', PROBE_AND_LOAD(duration)), '--target', server.url, '--json', json]);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
    const load = result.actors.load!;
    assert.equal(load.summary.requests, 24);
    // 24 requests through 4 slots of 200 ms: 6 waves, at least 1.2 s; then the tail.
    const loadEnd = load.load!.timeTakenMs;
    assert.ok(loadEnd >= 1190 && loadEnd <= 3000, `load took ${loadEnd} ms`);
    assert.ok(result.durationMs >= loadEnd + TAIL_MS - 50 && result.durationMs <= loadEnd + TAIL_MS + 600, `run ${result.durationMs} ms`);
    const probe = result.actors.probe!;
    assert.ok(probe.timeline.every((b) => b.count > 0), `probe rows: ${probe.timeline.map((b) => b.count)}`);
    assert.equal(probe.timeline.length, Math.ceil(result.durationMs / 1000));
  });
}

test('without duration, an actor that never ends by itself is a scenario error: exit 2, the field named, nothing sent', async () => {
  const file = scenario('unbounded', 'name: unbounded\nactors:\n  - kind: load\n    path: /pool/4\n    connections: 2\n  - kind: stream\n    path: /s\n');
  const r = await runCli(['run', file, '--target', server.url]);
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.includes('duration: missing'));
  assert.equal(lines.length, 2, r.stderr);
  assert.ok(lines[0]!.startsWith(`${file}:3: duration: missing: actors[0] is a load without amount or duration`), lines[0]);
  assert.ok(lines[1]!.includes('actors[1] is a stream without events'), lines[1]);
});
