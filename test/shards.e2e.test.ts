// End to end: 4 shards as local processes against one loopback server, merged, against the same
// scenario in one process: the merged run has exactly the shards' requests, its histograms are
// the union of theirs bucket by bucket, and the pool, stall and hopping verdicts and numbers are
// those of one process. The tests run side by side, but shardSchedule keeps their sharded runs one at
// a time and puts each one-process reference run where only sleeping shards of another server are.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { tempDir } from './helpers.js';
import { REFERENCE_AFTER_MS, runShards, runSingle, shardSchedule, START_LEAD_MS, testServers, verdict } from './shards-helpers.js';
import type { HistogramData, RunData } from '../src/run-data/types.js';

const dir = tempDir();
const servers = testServers(['stall', 'pool', 'stream']);
// The sharded runs one at a time: pool, stall, stream (the tests' order). Each reference run goes in
// the lead of another server's shards, made long enough to hold it (seen on a busy machine: the stall
// reference 3.4–4.1 s, the pool's 4.3–5.3 s, the stream's 0.6–1.4 s) with ~0.7 s to spare: every
// reference beside sleeping shards only, from its start-up to its exit.
const schedule = shardSchedule();
type Server = 'pool' | 'stall' | 'stream';
/** Whose shards' lead holds each server's reference, and each sharded run's lead. */
const referenceIn: Record<Server, Server> = { pool: 'stream', stall: 'pool', stream: 'stall' };
const leadMs: Record<Server, number> = { pool: REFERENCE_AFTER_MS + 4100 + 700, stall: START_LEAD_MS, stream: REFERENCE_AFTER_MS + 5300 + 700 };
const shardedAndSingle = (name: Server, file: string) =>
  Promise.all([
    schedule.sharded(name, leadMs[name], (startAt) => runShards(file, servers[name].url, 4, dir, name, startAt)),
    schedule.reference(name, referenceIn[name], () => runSingle(file, servers[name].url, dir, name)),
  ]);

function scenario(name: string, lines: string[]): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [`name: ${name}`, ...lines, ''].join('\n'));
  return file;
}

const decode = (h: HistogramData) => hdr.decodeFromCompressedBase64(h.hdr, h.precision === 'fine' ? 32 : 'packed');

/** The merged histogram has the counts of the shards' histograms added, bucket by bucket. */
function assertUnion(merged: HistogramData | null, shards: (HistogramData | null)[]): void {
  const present = shards.filter((h): h is HistogramData => h !== null);
  if (!present.length) return assert.equal(merged, null);
  assert.ok(merged);
  const union = decode(present[0]!);
  for (const h of present.slice(1)) union.add(decode(h));
  assert.equal(merged.count, present.reduce((s, h) => s + h.count, 0));
  // Encoding is a function of the counts per bucket: equal encodings, equal buckets.
  assert.equal(hdr.encodeIntoCompressedBase64(decode(merged)), hdr.encodeIntoCompressedBase64(union));
  assert.equal(decode(merged).outputPercentileDistribution(), union.outputPercentileDistribution());
  assert.equal(merged.maxMs, Math.max(...present.map((h) => h.maxMs)));
}

/** Every actor of the merged run: the shards' requests summed exactly, their histograms' union, their timelines' totals. */
function assertLossless(merged: RunData, shards: RunData[]): void {
  for (const a of merged.actors) {
    const parts = shards.map((s) => s.actors.find((x) => x.name === a.name)!);
    for (const k of ['requests', 'failures', 'unfinished', 'bytes'] as const) {
      assert.equal(a.counts[k], parts.reduce((s, p) => s + p.counts[k], 0), `${a.name} ${k}`);
    }
    assertUnion(a.counts.latency, parts.map((p) => p.counts.latency));
    const inTimeline = (d: typeof a) => d.timeline.buckets.reduce((s, b) => s + b.count, 0);
    assert.equal(inTimeline(a), parts.reduce((s, p) => s + inTimeline(p), 0), `${a.name} timeline`);
    if (a.samples) assert.equal(a.samples.scheduledMs.length, parts.reduce((s, p) => s + p.samples!.scheduledMs.length, 0));
  }
}

function assertStartedTogether(shards: RunData[], requestedStartAt: string): void {
  for (const s of shards) {
    assert.equal(s.shard!.requestedStartAt, requestedStartAt);
    // Started at the requested time: a late shard (skew ≥ 0) would mean the lead was too short.
    assert.ok(s.shard!.startSkewMs! >= 0 && s.shard!.startSkewMs! < 100, `shard ${s.shard!.index} skew ${s.shard!.startSkewMs} ms`);
    // The target runs on this machine: its Date header agrees with our clock within the estimate's ± (and 1 s resolution).
    const o = s.shard!.clockOffset!;
    assert.ok(Math.abs(o.offsetMs) <= o.uncertaintyMs + 5 && o.uncertaintyMs <= 600, `offset ${o.offsetMs} ± ${o.uncertaintyMs} ms`);
  }
}

describe('4 shards and one process', { concurrency: true }, () => {
  test('pool: 4 shards merge into the pool of 4 one process finds (C within 10 %)', async () => {
    const file = scenario('shard-pool', ['duration: 3s', 'actors:', '  - { name: load, kind: load, path: "/pool/4?ms=200&id=p", connections: 8, calibrate: 3 }']);
    const [sharded, single] = await shardedAndSingle('pool', file);
    assert.deepEqual(sharded.shards.map((s) => s.scenario.actors[0]!.kind === 'load' && s.scenario.actors[0]!.connections), [2, 2, 2, 2]);
    assertStartedTogether(sharded.shards, sharded.requestedStartAt);
    assertLossless(sharded.mergedData, sharded.shards);
    assert.equal(sharded.mergedData.actors[0]!.phases[0]!.connections, 8);
    assert.equal(sharded.mergedData.actors[0]!.phases[0]!.meter.firstWaveMs.length, 8);
    // The first waves on the merged clock: each shard's answers timed from the earliest first send
    // (a shard that started late had its queued answers sooner after its own sends).
    const firstSends = sharded.shards.map((s, k) => s.actors[0]!.phases[0]!.meter.firstSentMs! + sharded.mergedData.mergedFrom![k]!.shiftMs);
    const t0 = Math.min(...firstSends);
    assert.deepEqual(
      sharded.mergedData.actors[0]!.phases[0]!.meter.firstWaveMs,
      sharded.shards.flatMap((s, k) => s.actors[0]!.phases[0]!.meter.firstWaveMs.map((ms) => (ms === null ? null : ms + (firstSends[k]! - t0)))),
    );
    for (const r of [sharded.merged, single]) {
      const v = verdict(r, 'pool-starvation');
      assert.equal(v.status, 'detected', v.summary);
      const c = v.evidence.effectiveConcurrency as number;
      assert.ok(Math.abs(c - 4) <= 0.4, `C ${c}`);
      assert.equal(verdict(r, 'serialized').status, 'clear');
    }
  });

  test('stall: 4 shards share the probe schedule by phase and find the 1 s stall one process finds', async () => {
    const file = scenario('shard-stall', ['duration: 3s', 'actors:', '  - { name: probe, kind: probe, path: /live, rate: 100/s }', '  - { name: heavy, kind: request, path: "/heavy?ms=1000", at: 1s }']);
    const [sharded, single] = await shardedAndSingle('stall', file);
    assertStartedTogether(sharded.shards, sharded.requestedStartAt);
    assertLossless(sharded.mergedData, sharded.shards);
    // The single heavy request went to shard 0 only; the probes' merged schedule is the original one: every 10 ms.
    assert.deepEqual(sharded.shards.map((s) => s.actors.find((a) => a.name === 'heavy')!.counts.requests), [1, 0, 0, 0]);
    const probe = sharded.mergedData.actors.find((a) => a.name === 'probe')!;
    assert.equal(probe.samples!.scheduledMs.length, 300);
    const shifts = sharded.mergedData.mergedFrom!.map((m) => m.shiftMs);
    // Shard i's j-th probe is due at i × 10 ms + j × 40 ms of its own clock: the original schedule's i, i+4, i+8 …
    sharded.shards.forEach((s, i) => {
      const due = [...s.actors.find((a) => a.name === 'probe')!.samples!.scheduledMs].sort((a, b) => a - b);
      assert.equal(due.length, 75);
      due.forEach((t, j) => assert.ok(Math.abs(t - (i * 10 + j * 40)) < 1e-6, `shard ${i} probe ${j} due at ${t} ms`));
    });
    // On the merged clock they interleave 10 ms apart, up to the shards' start skews (asserted < 100 ms above).
    assert.ok(shifts.every((x) => x >= 0 && x < 100), `shifts ${shifts.join(', ')}`);
    const lengths = [sharded.merged, single].map((r) => {
      const v = verdict(r, 'event-loop-stall');
      assert.equal(v.status, 'detected', v.summary);
      return v.evidence.longestStallMs as number;
    });
    // The server blocks 1,000 ms; probes every 10 ms see it to a probe interval, plus the backlog drain on a busy machine.
    for (const l of lengths) assert.ok(l >= 950 && l <= 1250, `longest stall ${l}`);
    assert.ok(Math.abs(lengths[0]! - lengths[1]!) <= 150, `merged ${lengths[0]} vs single ${lengths[1]} ms`);
  });

  test('streams: 4 shards of 8 streams find the hopping one process finds (6 of 8 streams, 12 switches)', async () => {
    const file = scenario('shard-stream', [
      'duration: 4s',
      'actors:',
      '  - name: streams',
      '    kind: stream',
      '    path: /rotate?events=10&gapMs=20',
      '    streams: 8',
      '    events: 10',
      '    extract:',
      "      thread: { from: event, regex: 'thread: (\\d+)' }",
    ]);
    const [sharded, single] = await shardedAndSingle('stream', file);
    assertStartedTogether(sharded.shards, sharded.requestedStartAt);
    assertLossless(sharded.mergedData, sharded.shards);
    for (const r of [sharded.merged, single]) {
      const v = verdict(r, 'thread-hopping');
      assert.equal(v.status, 'detected', v.summary);
      // The server gives stream k (in arrival order) k % 4 + 1 thread ids: 6 of 8 hop, 0+1+2+3 switches twice.
      assert.deepEqual([v.evidence.streams, v.evidence.hoppingStreams, v.evidence.switches, v.evidence.maxDistinctPerStream], [8, 6, 12, 4]);
      assert.equal(r.actors.streams!.stream!.complete, 8);
    }
  });
});
