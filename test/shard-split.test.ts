// The split of a scenario into shards (a pure function), --shard/--start-at parsing and the
// clock-offset estimate from Date headers: no network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../src/scenario/load.js';
import { shareOf, splitScenario } from '../src/shard/split.js';
import { parseShard, parseStartAt } from '../src/shard/shard-ref.js';
import { offsetFromRoundTrips } from '../src/shard/clock-offset.js';
import { InputError } from '../src/input-error.js';
import type { ActorSpec, ProbeSpec, Scenario, StreamSpec } from '../src/types.js';

const WHOLE = parseScenario(
  `
name: t
duration: 5s
target: http://127.0.0.1:8000
actors:
  - { name: probe, kind: probe, path: /live, rate: 100/s, start: 200ms, connections: 3 }
  - { name: heavy, kind: request, path: /heavy, at: 1s }
  - { name: burst, kind: request, path: /x, at: 2s, count: 7 }
  - { name: streams, kind: stream, path: /s, streams: 10, rampUp: 1s, format: sse }
  - { name: load, kind: load, path: /pool, connections: 50, amount: 1003, workers: 2 }
  - { name: sweep, kind: sweep, path: /pool, connections: [4, 9, 16], step: 1s, amount: 10 }
`,
  't.yaml',
);

const shards = (n: number): Scenario[] => Array.from({ length: n }, (_, index) => splitScenario(WHOLE, { index, count: n }));
function actor<K extends ActorSpec['kind']>(s: Scenario, name: string): Extract<ActorSpec, { kind: K }> {
  return s.actors.find((a) => a.name === name) as Extract<ActorSpec, { kind: K }>;
}

test('shareOf: item i, i+N … of the total; the shares add up exactly, the remainder to the first shards', () => {
  for (const total of [0, 1, 3, 7, 50, 1003]) {
    for (const n of [1, 2, 3, 4, 7]) {
      const shares = Array.from({ length: n }, (_, index) => shareOf(total, { index, count: n }));
      assert.equal(shares.reduce((a, b) => a + b, 0), total, `${total} over ${n}`);
      assert.ok(shares.every((s, i) => i === 0 || s <= shares[i - 1]!) && shares[0]! - shares[n - 1]! <= 1, `${total} over ${n}: ${shares.join(',')}`);
    }
  }
});

test('split: connections, amounts, streams and request counts add up to the whole over 1–4 shards', () => {
  for (const n of [1, 2, 3, 4]) {
    const parts = shards(n);
    const sum = (f: (s: Scenario) => number) => parts.reduce((t, s) => t + f(s), 0);
    assert.equal(sum((s) => actor<'load'>(s, 'load').connections), 50);
    assert.equal(sum((s) => actor<'load'>(s, 'load').amount!), 1003);
    assert.equal(sum((s) => actor<'request'>(s, 'burst').count), 7);
    assert.equal(sum((s) => actor<'request'>(s, 'heavy').count), 1);
    assert.equal(sum((s) => actor<'stream'>(s, 'streams').streams), 10);
    assert.equal(sum((s) => actor<'sweep'>(s, 'sweep').amount!), 10);
    assert.deepEqual([0, 1, 2].map((k) => sum((s) => actor<'sweep'>(s, 'sweep').steps[k]!)), [4, 9, 16]);
    assert.equal(sum((s) => actor<'probe'>(s, 'probe').ratePerSec), 100);
    // Everything else is the scenario's own.
    for (const s of parts) assert.deepEqual({ ...s, actors: [] }, { ...WHOLE, actors: [] });
  }
  // A single request goes to the first shard; the others send none of it.
  assert.deepEqual(shards(4).map((s) => actor<'request'>(s, 'heavy').count), [1, 0, 0, 0]);
  assert.deepEqual(shards(4).map((s) => actor<'load'>(s, 'load').connections), [13, 13, 12, 12]);
  assert.deepEqual(shards(4).map((s) => actor<'load'>(s, 'load').workers), [2, 2, 2, 2]);
  assert.deepEqual(shards(4).map((s) => actor<'probe'>(s, 'probe').connections), [1, 1, 1, 1]);
  assert.equal(splitScenario(WHOLE, { index: 0, count: 1 }), WHOLE);
});

/** Due times of a probe up to the run's end (as actors/probe.ts schedules them). */
function probeTimes(p: ProbeSpec, untilMs: number): number[] {
  const out: number[] = [];
  for (let i = 0; p.startMs + (i * 1000) / p.ratePerSec < untilMs; i++) out.push(p.startMs + (i * 1000) / p.ratePerSec);
  return out;
}
/** Open times of a stream actor's streams (as actors/stream.ts opens them). */
const streamTimes = (s: StreamSpec) => Array.from({ length: s.streams }, (_, i) => s.atMs + (i * s.rampUpMs) / s.streams);
const close = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) < 1e-6);

test('split by phase: the shards\' probe and stream schedules together are the original one', () => {
  const whole = probeTimes(actor<'probe'>(WHOLE, 'probe'), WHOLE.durationMs);
  const wholeStreams = streamTimes(actor<'stream'>(WHOLE, 'streams'));
  for (const n of [2, 3, 4]) {
    const parts = shards(n);
    const merged = parts.flatMap((s) => probeTimes(actor<'probe'>(s, 'probe'), s.durationMs)).sort((a, b) => a - b);
    assert.ok(close(merged, whole), `${n} shards: ${merged.length} probes vs ${whole.length}`);
    // Shard i sends probes i, i+N, i+2N … of the original schedule.
    parts.forEach((s, i) => assert.ok(close(probeTimes(actor<'probe'>(s, 'probe'), s.durationMs), whole.filter((_, k) => k % n === i))));
    const opened = parts.flatMap((s) => streamTimes(actor<'stream'>(s, 'streams'))).sort((a, b) => a - b);
    assert.ok(close(opened, wholeStreams), `${n} shards: streams open at ${opened.join(', ')}`);
    parts.forEach((s, i) => assert.ok(close(streamTimes(actor<'stream'>(s, 'streams')), wholeStreams.filter((_, k) => k % n === i))));
  }
});

test('split refuses, all problems at once, what cannot give every shard one connection or stream', () => {
  assert.throws(
    () => splitScenario(WHOLE, { index: 0, count: 11 }),
    (err: unknown) =>
      err instanceof InputError &&
      err.message ===
        [
          '--shard 0/11: the scenario cannot be split into 11 shards:',
          '  actors[3] (streams): streams 10 is fewer than 11 shards (each shard needs at least 1)',
          '  actors[5] (sweep): steps[0] 4 connections is fewer than 11 shards (each shard needs at least 1)',
          '  actors[5] (sweep): steps[1] 9 connections is fewer than 11 shards (each shard needs at least 1)',
          '  use fewer shards, or more connections/streams',
        ].join('\n'),
  );
});

test('--shard I/N is 0-based; anything else is refused with what was expected', () => {
  assert.deepEqual(parseShard('0/4'), { index: 0, count: 4 });
  assert.deepEqual(parseShard(' 3 / 4 '), { index: 3, count: 4 });
  assert.deepEqual(parseShard('0/1'), { index: 0, count: 1 });
  const expected = 'expected I/N with 0 ≤ I < N ≤ 1000 (0-based, e.g. 0/4 … 3/4 for four shards)';
  const cases: [string, string][] = [
    ['4/4', `--shard "4/4": I = 4 is not below N = 4; ${expected}`],
    ['1/0', `--shard "1/0": N = 0 is out of range; ${expected}`],
    ['0/1001', `--shard "0/1001": N = 1001 is out of range; ${expected}`],
    ['-1/4', `--shard "-1/4": ${expected}`],
    ['1.5/4', `--shard "1.5/4": ${expected}`],
    ['2', `--shard "2": ${expected}`],
  ];
  for (const [text, message] of cases) assert.throws(() => parseShard(text), (err: unknown) => err instanceof InputError && err.message === message, text);
});

test('--start-at: an ISO date-time with a zone, at most a day ahead', () => {
  const now = new Date('2026-12-01T18:00:00Z');
  assert.equal(parseStartAt('2026-12-01T18:30:00Z', now).toISOString(), '2026-12-01T18:30:00.000Z');
  assert.equal(parseStartAt('2026-12-01T19:30:00.250+01:00', now).toISOString(), '2026-12-01T18:30:00.250Z');
  // In the past is allowed: the shard starts at once and records how late it was.
  assert.equal(parseStartAt('2026-12-01T17:00:00Z', now).toISOString(), '2026-12-01T17:00:00.000Z');
  for (const bad of ['2026-12-01 18:30', '2026-12-01T18:30:00', 'tomorrow', '2026-13-01T18:30:00Z', '2026-12-03T18:30:00Z']) {
    assert.throws(() => parseStartAt(bad, now), (err: unknown) => err instanceof InputError && err.message.startsWith(`--start-at "${bad}": `), bad);
  }
});

test('clock offset from Date headers: round trips either side of the target\'s second boundary narrow it', () => {
  // Target clock = local + 300 ms; round trips of 2 ms every 200 ms from local 10,000 ms.
  const trips = [0, 200, 400, 600, 800].map((at) => {
    const sentMs = 10_000 + at;
    return { sentMs, receivedMs: sentMs + 2, serverDateMs: Math.floor((sentMs + 1 + 300) / 1000) * 1000 };
  });
  const o = offsetFromRoundTrips(trips)!;
  assert.equal(o.roundTrips, 5);
  assert.ok(Math.abs(o.offsetMs - 300) <= o.uncertaintyMs, `${o.offsetMs} ± ${o.uncertaintyMs}`);
  assert.ok(o.uncertaintyMs <= 101, `± ${o.uncertaintyMs}`);
  // One round trip alone: only the second is known.
  const one = offsetFromRoundTrips(trips.slice(0, 1))!;
  assert.ok(one.uncertaintyMs >= 500 && Math.abs(one.offsetMs - 300) <= one.uncertaintyMs);
  assert.equal(offsetFromRoundTrips([]), null);
});
