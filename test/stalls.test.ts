// Stall analysis on synthetic probe samples: exact numbers, no network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findStalls, stallThreshold } from '../src/analysis/stalls.js';
import type { Sample } from '../src/types.js';

/** Probes at `rate`/s for `ms`; answered after 2 ms, except those caught by a block [from, to). */
function probes(rate: number, ms: number, blocks: [number, number][]): Sample[] {
  const out: Sample[] = [];
  for (let t = 0; t < ms; t += 1000 / rate) {
    const block = blocks.find(([from, to]) => t + 1 >= from && t < to);
    const end = block ? block[1] + 0.5 : t + 2;
    out.push({ scheduledMs: t, sentMs: t, endMs: end, status: 200, bytes: 2 });
  }
  return out.reverse(); // completion order is not scheduled order
}

test('the default threshold is max(100 ms, 10 × unloaded p99)', () => {
  assert.equal(stallThreshold(2), 100);
  assert.equal(stallThreshold(30), 300);
  assert.equal(stallThreshold(30, 50), 50);
});

test('one 1,000 ms block gives one stall of ~1,000 ms with its in-flight request', () => {
  const stalls = findStalls(probes(100, 4000, [[1500, 2500]]), 100, [{ actor: 'heavy', label: 'GET /heavy', startMs: 1499, endMs: 2501 }]);
  assert.equal(stalls.length, 1);
  const s = stalls[0]!;
  assert.ok(Math.abs(s.lengthMs - 1000) <= 10, String(s.lengthMs));
  assert.ok(Math.abs(s.startMs - 1500) <= 10);
  assert.equal(s.endMs, 2500.5);
  assert.ok(s.probesAffected >= 90 && s.probesAffected <= 100, String(s.probesAffected));
  assert.deepEqual(s.during, ['heavy']);
});

test('two blocks give two stalls; short hiccups under the threshold give none', () => {
  const stalls = findStalls(probes(100, 6000, [[1000, 1300], [4000, 4050]]), 100, []);
  assert.equal(stalls.length, 1, 'the 50 ms block is under the 100 ms threshold');
  assert.ok(Math.abs(stalls[0]!.lengthMs - 300) <= 10);
  assert.deepEqual(stalls[0]!.during, []);
  assert.equal(findStalls(probes(100, 6000, [[1000, 1300], [4000, 4500]]), 100, []).length, 2);
});

test('timeouts and missed probes are late; refused connections are errors, not stalls', () => {
  const samples: Sample[] = [
    { scheduledMs: 0, sentMs: 0, endMs: 2, status: 200, bytes: 2 },
    { scheduledMs: 10, sentMs: 10, endMs: 5010, status: 0, bytes: 0, error: 'timeout' },
    { scheduledMs: 20, sentMs: NaN, endMs: 3000, status: 0, bytes: 0, error: 'missed' },
    { scheduledMs: 30, sentMs: 30, endMs: 5030, status: 0, bytes: 0, error: 'timeout' },
    { scheduledMs: 40, sentMs: 40, endMs: 41, status: 0, bytes: 0, error: 'ECONNREFUSED' },
    { scheduledMs: 50, sentMs: 50, endMs: 60, status: 0, bytes: 0, error: 'unfinished' },
  ];
  const stalls = findStalls(samples, 100, []);
  assert.equal(stalls.length, 1);
  assert.equal(stalls[0]!.probesAffected, 3);
  assert.equal(stalls[0]!.lengthMs, 5000);
});

test('runs of late probes that overlap in time (a backlog draining) are one stall', () => {
  const at = (t: number, end: number): Sample => ({ scheduledMs: t, sentMs: t, endMs: end, status: 200, bytes: 2 });
  const samples = [at(0, 2), at(10, 900), at(20, 30), at(30, 1000), at(40, 1000), at(1100, 1102), at(1110, 1400)];
  const stalls = findStalls(samples, 100, []);
  assert.equal(stalls.length, 2);
  assert.deepEqual(
    stalls.map((s) => [s.startMs, s.endMs, s.lengthMs, s.probesAffected]),
    [
      [10, 1000, 970, 3],
      [1110, 1400, 290, 1],
    ],
  );
});
