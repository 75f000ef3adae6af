// Self-check of the thread that reads a stream actor's streams (the stream worker from
// OFF_THREAD_STREAMS streams on, the main thread below): its loop lag is measured and reported,
// and a thread-hopping "clear" is not given when that lag explains the streams' stalls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, startServer, tempDir, type TestServer } from './helpers.js';
import type { RunResult } from '../src/result/types.js';
import { OFF_THREAD_STREAMS } from '../src/actors/stream.js';
import { ownLagExplainsGaps } from '../src/selfcheck/stream-lag.js';
import { judgeThreadHopping } from '../src/verdicts/thread-hopping.js';
import type { HoppingFacts } from '../src/analysis/hopping.js';
import { decodeRunData, encodeRunData } from '../src/run-data/file.js';
import { resultOf } from '../src/pipeline.js';
import { runData, scenario, streamActor, streamSpec } from './fixtures/run-data.js';

let server: TestServer;
const dir = tempDir();
before(async () => {
  server = await startServer(join(ROOT, 'dist/test/servers/stream-server.js'));
});
after(async () => {
  await server.stop();
});

test('own lag explains the stalls only when it is at least half the longest silence and half the stall gap', () => {
  const lag = (maxMs: number) => ({ thread: 'worker' as const, p99Ms: maxMs / 2, maxMs });
  assert.equal(ownLagExplainsGaps(lag(600), { streams: 3, longestMs: 1200 }, 1000), true);
  assert.equal(ownLagExplainsGaps(lag(599), { streams: 3, longestMs: 1200 }, 1000), false, 'under half the silence');
  assert.equal(ownLagExplainsGaps(lag(450), { streams: 3, longestMs: 800 }, 1000), false, 'under half the stall gap');
  assert.equal(ownLagExplainsGaps(lag(5000), { streams: 0, longestMs: 900 }, 1000), false, 'no stall to explain');
  assert.equal(ownLagExplainsGaps(undefined, { streams: 3, longestMs: 1200 }, 1000), false, 'not measured');
});

test('thread-hopping: a clear becomes inconclusive when the streams thread lagged enough to explain the stalls; a detection stays', () => {
  const facts: HoppingFacts = {
    actor: 'streams', label: 'GET /stream/async', field: 'thread', streams: 300, tooShort: 0, hoppingStreams: 0, maxDistinctPerStream: 1,
    maxSwitchesPerStream: 0, switches: 0, distinctPerStream: { '1': 300 }, examples: [],
  };
  const judge = (f: HoppingFacts) => judgeThreadHopping({ windows: [], stalls: [], hopping: [f] })[0]!;
  const lagged = judge({ ...facts, ownLag: { maxMs: 812.4, explainsStalls: true } });
  assert.equal(lagged.status, 'inconclusive');
  assert.equal(lagged.evidence.ownLagMaxMs, 812.4);
  assert.equal(judge({ ...facts, ownLag: { maxMs: 30, explainsStalls: false } }).status, 'clear');
  assert.equal(judge(facts).status, 'clear', 'no measurement: as before');
  const hopping = judge({ ...facts, hoppingStreams: 40, maxDistinctPerStream: 3, switches: 90, ownLag: { maxMs: 812.4, explainsStalls: true } });
  assert.equal(hopping.status, 'detected', 'events read late cannot make one stream show several thread ids');
});

test('the own lag is carried in RunData: a saved run gives the same self-check (lag against the stalls it explains or not)', () => {
  const spec = streamSpec('streams', '/stable', 4);
  const stable = Array.from({ length: 10 }, () => '7');
  // Events 20 ms apart: the stall gap is max(1 s, 10 × 20 ms) = 1 s; one stream went 1.5 s silent.
  const data = (maxMs: number) => {
    const actor = streamActor(spec, [stable, stable, stable, stable]);
    actor.stream!.silencesMs = [1500, 20, 20, 20];
    actor.stream!.ownLag = { thread: 'main', p99Ms: maxMs / 2, maxMs };
    return decodeRunData(encodeRunData(runData({ scenario: scenario([spec]), actors: [actor] })), 'run.wobbly');
  };
  for (const [maxMs, explains] of [[750, true], [749.9, false]] as const) {
    const result = resultOf(data(maxMs));
    const s = result.actors.streams!.stream!;
    assert.deepEqual([s.stalled, s.stallGapMs, s.longestSilenceMs], [1, 1000, 1500]);
    assert.deepEqual(s.ownLagMs, { thread: 'main', p99: Math.round((maxMs / 2) * 10) / 10, max: maxMs, explainsStalls: explains });
    const v = result.verdicts.find((x) => x.id === 'thread-hopping')!;
    assert.equal(v.evidence.ownLagMaxMs, maxMs);
    assert.equal(v.status, explains ? 'inconclusive' : 'clear', `lag ${maxMs} ms against half the 1.5 s silence`);
  }
  const unmeasured = streamActor(spec, [stable, stable]);
  const r = resultOf(runData({ scenario: scenario([spec]), actors: [unmeasured] }));
  assert.equal(r.actors.streams!.stream!.ownLagMs, undefined, 'a run saved before the self-check: nothing invented');
  assert.equal(r.verdicts.find((x) => x.id === 'thread-hopping')!.evidence.ownLagMaxMs, undefined);
});

async function runStreams(name: string, streams: number): Promise<RunResult> {
  const file = join(dir, `${name}.yaml`);
  const json = join(dir, `${name}.json`);
  writeFileSync(
    file,
    `name: ${name}\nduration: 3s\nactors:\n  - { name: streams, kind: stream, path: '/stable?events=10&gapMs=50', streams: ${streams}, rampUp: 500ms, events: 10,` +
      ` extract: { thread: { from: event, regex: 'thread: (\\d+)' } } }\n`,
  );
  const r = await runCli(['run', file, '--target', server.url, '--json', json]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(readFileSync(json, 'utf8')) as RunResult;
}

for (const [thread, streams] of [['worker', OFF_THREAD_STREAMS], ['main', 8]] as const) {
  test(`the ${thread} thread's own lag is measured for ${streams} streams and reported with the verdict`, async () => {
    const result = await runStreams(`lag-${thread}`, streams);
    const s = result.actors.streams!.stream!;
    assert.equal(s.complete, streams);
    const lag = s.ownLagMs!;
    assert.equal(lag.thread, thread);
    // Measured every 10 ms over a 3 s run: a figure between 0 and the run's length, p99 ≤ max.
    assert.ok(lag.max >= 0 && lag.max < result.durationMs, JSON.stringify(lag));
    assert.ok(lag.p99 <= lag.max, JSON.stringify(lag));
    assert.equal(lag.explainsStalls, s.stalled > 0 && lag.max >= Math.max(s.stallGapMs / 2, s.longestSilenceMs / 2));
    const v = result.verdicts.find((x) => x.id === 'thread-hopping')!;
    assert.equal(v.evidence.ownLagMaxMs, lag.max);
    assert.equal(v.status, lag.explainsStalls ? 'inconclusive' : 'clear', v.summary);
  });
}
