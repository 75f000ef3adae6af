// analyse and buildResult from RunData alone, on hand-built runs whose every sample is known; the
// RunData file format; the percentile clamp of the ab-like load summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { analyse } from '../src/analysis/analyse.js';
import { buildResult } from '../src/result/build.js';
import { abSummary } from '../src/result/load-summary.js';
import { decodeRunData, encodeRunData } from '../src/run-data/file.js';
import { InputError } from '../src/result/read.js';
import { resultOf } from '../src/pipeline.js';
import { judge } from '../src/verdicts/judge.js';
import { ActorRecorder } from '../src/metrics/actor-recorder.js';
import type { RunData } from '../src/run-data/types.js';
import { StreamStats } from '../src/metrics/stream-stats.js';
import { MAX_LANE_EVENTS, MAX_LANES } from '../src/metrics/stream-lanes.js';
import { streamSummary } from '../src/result/stream-summary.js';
import { probeSamples, probeSpec, recorded, requestSpec, runData, scenario, streamSpec } from './fixtures/run-data.js';

/** A probe every 10 ms for 4 s; the server answers nothing from 1,500 to 2,500 ms while `heavy` runs. */
function stallRun(): RunData {
  const probe = probeSpec('probe', '/live');
  const heavy = requestSpec('heavy', '/heavy?ms=1000', 1500);
  return runData({
    scenario: scenario([probe, heavy], { expect: ['probe.p99 < 200ms', 'verdict.event-loop-stall == clear'] }),
    actors: [
      recorded(probe, probeSamples({ durationMs: 4000, baseMs: 2, block: [1500, 2500] })),
      recorded(heavy, [{ scheduledMs: 1500, sentMs: 1500, endMs: 2500, status: 200, bytes: 5 }]),
    ],
    calibration: { probe: { samples: 100, p50Ms: 2, p99Ms: 2 } },
    episodes: [{ startMs: 3200, endMs: 3300, lagMs: 100 }],
  });
}

test('analyse: the stall from the probe samples, its length, the probes that waited and what was in flight', () => {
  const a = analyse(stallRun());
  assert.equal(a.stalls.length, 1);
  const s = a.stalls[0]!;
  // Threshold max(100 ms, 10 × unloaded p99 2 ms); 400 probes sent and answered.
  assert.deepEqual([s.probe, s.label, s.thresholdMs, s.unloadedP99Ms, s.sent, s.answered], ['probe', 'GET /live', 100, 2, 400, 400]);
  // Probes due from 1,500 ms were all answered at 2,502 ms; those due before 2,402 ms waited over 100 ms.
  assert.deepEqual(s.stalls, [{ startMs: 1500, endMs: 2502, lengthMs: 1002, probesAffected: 91, during: ['heavy'], selfLagMs: 0 }]);
  assert.deepEqual(a.windows, [{ actor: 'heavy', label: 'GET /heavy?ms=1000', startMs: 1500, endMs: 2500 }]);
  assert.deepEqual([a.loads, a.sweeps, a.hopping, a.headOfLine], [[], [], [], undefined]);
});

test('analyse: wobbly\'s own lag during a stall is taken from the saved episodes', () => {
  const data = stallRun();
  data.self.episodes.push({ startMs: 1600, endMs: 2400, lagMs: 800 });
  assert.equal(analyse(data).stalls[0]!.stalls[0]!.selfLagMs, 800);
});

test('buildResult: summaries, timeline, requests, self lag and expectations from RunData alone', () => {
  const data = stallRun();
  const r = resultOf(data);
  const probe = r.actors.probe!;
  assert.deepEqual([probe.summary.requests, probe.summary.failures, probe.summary.unfinished], [400, 0, 0]);
  assert.equal(probe.summary.latencyMs.max, 1002);
  assert.equal(probe.summary.latencyMs.min, 2);
  // 1 s buckets by answer time: the stalled second answers 50, the next one 150 (the backlog).
  assert.deepEqual(probe.timeline.map((b) => b.count), [100, 50, 150, 100]);
  assert.deepEqual(probe.probe, { ratePerSec: 100, unloadedP99Ms: 2, stallThresholdMs: 100, missed: 0 });
  assert.deepEqual(r.actors.heavy!.requests, [{ sentMs: 1500, endMs: 2500, latencyMs: 1000, status: 200 }]);
  // The exact max of the loop-lag histogram survives its encoding (decoding alone rounds it to its bucket).
  assert.equal(r.self.eventLoopDelayMaxMs, 100);
  assert.deepEqual(r.verdicts.map((v) => [v.id, v.status]), [['event-loop-stall', 'detected']]);
  // p99 of the 400 latencies: the 396th, 962 ms (the probe due at 1,540 ms), within HDR's 0.1 %.
  const [p99, verdict] = r.expectations;
  assert.deepEqual([p99!.expr, p99!.pass, p99!.actual, p99!.unit], ['probe.p99 < 200ms', false, '962 ms', 'ms']);
  assert.ok(Math.abs(p99!.value! - 962) <= 0.962, `p99 ${p99!.value}`);
  assert.deepEqual(verdict, { expr: 'verdict.event-loop-stall == clear', pass: false, actual: 'detected', status: 'detected' });
  assert.equal(r.pass, false);
  assert.equal(r.durationMs, 4000);
  assert.equal(r.startedAt, data.startedAt);
});

test('RunData is plain data: through JSON, and through the gzip file format, the result is the same', () => {
  const data = stallRun();
  const direct = buildResult(data, analyse(data), judge(analyse(data)));
  const viaJson = JSON.parse(JSON.stringify(data)) as RunData;
  assert.deepEqual(buildResult(viaJson, analyse(viaJson), judge(analyse(viaJson))), direct);
  const file = encodeRunData(data);
  assert.deepEqual([file[0], file[1]], [0x1f, 0x8b]);
  assert.deepEqual(decodeRunData(file, 'r.wob'), viaJson);
  assert.deepEqual(resultOf(decodeRunData(file, 'r.wob')), resultOf(data));
});

test('chart fields from RunData alone: each probe request as a point, the distribution, what was in flight', () => {
  const r = resultOf(stallRun());
  const points = r.actors.probe!.points!;
  assert.equal(points.length, 400);
  // The probe due at 1,540 ms waited for the stall's end at 2,500 ms, then took its 2 ms.
  assert.deepEqual(points.find((p) => p.t === 1540), { t: 1540, ms: 962, ok: true });
  const dist = r.actors.probe!.latencyDistribution!;
  assert.deepEqual(dist.at(-1), { percentile: 100, ms: 1002 });
  assert.ok(dist.every((p, i) => i === 0 || p.ms >= dist[i - 1]!.ms), 'ascending');
  assert.deepEqual(r.inFlight?.find((w) => w.actor === 'heavy'), { actor: 'heavy', label: 'GET /heavy?ms=1000', startMs: 1500, endMs: 2500 });
});

test('stream lanes are carried in RunData, bounded (the first 64 streams × 200 events), and read back by the result', () => {
  const spec = streamSpec('s', '/s', MAX_LANES + 6);
  const stats = new StreamStats('thread', undefined);
  for (let s = 0; s < MAX_LANES + 6; s++) for (let k = 0; k < MAX_LANE_EVENTS + 50; k++) stats.onEvent(10, k === 0, { stream: s, atMs: s + 10.04 * k, id: String(k % 2) });
  const data = JSON.parse(JSON.stringify(stats.toData())) as ReturnType<StreamStats['toData']>;
  assert.equal(data.lanes!.lanes.length, MAX_LANES);
  assert.ok(data.lanes!.lanes.every((l) => l.events.length === MAX_LANE_EVENTS));
  assert.equal(data.lanes!.truncated, true);
  const lanes = streamSummary(data, spec, 1000).lanes!;
  assert.deepEqual([lanes.field, lanes.truncated, lanes.lanes[3]!.stream], ['thread', true, 3]);
  assert.deepEqual(lanes.lanes[3]!.events.slice(0, 2), [{ t: 3, id: '0' }, { t: 13, id: '1' }]);
  // A file written before lanes existed has none: the result simply has no swimlanes.
  assert.equal(streamSummary({ ...data, lanes: undefined }, spec, 1000).lanes, undefined);
});

test('a file that is not RunData is refused with what is wrong, every problem at once', () => {
  const refused = (bytes: Buffer) => {
    try {
      decodeRunData(bytes, 'r.wob');
    } catch (err) {
      assert.ok(err instanceof InputError, String(err));
      return err.message;
    }
    assert.fail('accepted');
  };
  assert.match(refused(Buffer.from('not json')), /^r\.wob: not a wobbly run file \(.*\); expected the file written by `wobbly run --raw`$/);
  assert.match(refused(gzipSync('{"schemaVersion":1}')), /format: expected "wobbly-run-data"/);
  const data = stallRun();
  const v99 = refused(gzipSync(JSON.stringify({ ...data, version: 99 })));
  assert.ok(v99.includes('run data version 99, this wobbly reads version 1'), v99);
  const damaged = { ...data, durationMs: -1, actors: [{ ...data.actors[0], name: 'nobody' }], self: {} };
  assert.equal(
    refused(gzipSync(JSON.stringify(damaged))),
    'r.wob: a damaged wobbly run file:\n  durationMs: expected a number ≥ 0\n  self: expected the loop-lag histogram and episodes\n  actors[0]: expected an actor of the scenario',
  );
});

test('a gzip bomb stops at the size cap: exit-2 error, not the memory filled', () => {
  const bomb = gzipSync(Buffer.alloc(2 << 20, 0x20)); // 2 MiB of spaces in a few kB
  assert.ok(bomb.length < 10_000);
  assert.throws(() => decodeRunData(bomb, 'r.wob', 1 << 20), (err: unknown) => err instanceof InputError && err.message === 'r.wob: expected a run file of at most 1 MiB, it unzips to more');
  const data = stallRun();
  assert.deepEqual(decodeRunData(encodeRunData(data), 'r.wob', 1 << 20), JSON.parse(JSON.stringify(data)));
});

test('preflightMs goes from RunData to the result (analyse reproduces it)', () => {
  const data: RunData = { ...stallRun(), preflightMs: 123.456 };
  assert.equal(resultOf(data).preflightMs, 123.5);
  assert.equal(resultOf(stallRun()).preflightMs, undefined);
});

test('load summary: the percentile rows never exceed the longest request (HDR answers with the top of a bucket)', () => {
  // One request of 1,234.567 ms: HDR (3 digits) puts it in the bucket up to 1,234.943 ms.
  const rec = new ActorRecorder('load', 'load', 1000, false);
  rec.record({ scheduledMs: 0, sentMs: 0, endMs: 1234.567, status: 200, bytes: 1 });
  const phase = {
    connections: 1,
    startMs: 0,
    sendUntilMs: 2000,
    endMs: 1234.567,
    aborted: false,
    counts: rec.countsData(),
    meter: { slotMs: 10, connections: 1, okByEnd: [], latencyByEnd: [], gapSumMs: 0, gapCount: 0, wireBytes: 100, firstWaveMs: [1234.567], firstSentMs: 0, lastSentMs: 0, lastEndMs: 1234.567, stoppedAtMs: null },
    clientLag: { p99Ms: 0, maxMs: 0 },
  };
  const within = abSummary(phase).servedWithinMs;
  assert.equal(within['100'], 1234.57);
  assert.equal(within['99'], 1234.57);
  for (const p of Object.keys(within)) assert.ok(within[p]! <= within['100']!, `${p}%: ${within[p]} > ${within['100']}`);
});
