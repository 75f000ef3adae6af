// The latency histogram: exact bucket counts from a real HDR histogram (two waves land in the
// first and the last bucket and add up), and the terminal text against a golden file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyHistogram } from '../src/metrics/latency-histogram.js';
import { latencyHistogramBuckets } from '../src/result/chart-data.js';
import { latencyHistogramText } from '../src/report/histogram-text.js';
import { actor, result } from './fixtures/results.js';
import { assertGolden } from './golden.js';

/** Two waves, like a pool of 40 under 50 connections: 400 answers at 200–209 ms, 100 at 400–409 ms. */
function twoWaves(): LatencyHistogram {
  const h = new LatencyHistogram('fine');
  for (let i = 0; i < 400; i++) h.record(200 + (i % 10));
  for (let i = 0; i < 100; i++) h.record(400 + (i % 10));
  return h;
}

test('latencyHistogramBuckets: two waves in the first and the last of 10 buckets, nothing between, 500 in all', () => {
  const h = twoWaves();
  const buckets = latencyHistogramBuckets(h)!;
  assert.equal(buckets.length, 10);
  assert.deepEqual(buckets.map((b) => b.count), [400, 0, 0, 0, 0, 0, 0, 0, 0, 100]);
  assert.equal(buckets[9]!.upToMs, h.maxMs);
});

test('latencyHistogramBuckets: counts at every edge match a uniform spread (1..1000 ms, 100 per bucket)', () => {
  const h = new LatencyHistogram('fine');
  for (let ms = 1; ms <= 1000; ms++) h.record(ms);
  const counts = latencyHistogramBuckets(h)!.map((b) => b.count);
  // Edges 100.9, 200.8, ... ms: HDR keeps 3 digits, so each bucket holds 100 ± 1.
  for (const c of counts) assert.ok(Math.abs(c - 100) <= 1, JSON.stringify(counts));
  assert.equal(counts.reduce((a, b) => a + b, 0), 1000);
  assert.equal(latencyHistogramBuckets(new LatencyHistogram('fine')), undefined);
});

test('latencyHistogramText: hey-style bars for load actors only', () => {
  const h = twoWaves();
  const load = { ...actor('load', { requests: 500, rps: 200, request: 'GET /pool?ms=200' }), latencyHistogram: latencyHistogramBuckets(h)! };
  const probe = { ...actor('probe', { requests: 10, rps: 10 }), latencyHistogram: [{ upToMs: 2, count: 10 }] };
  assertGolden('latency-histogram.txt', latencyHistogramText(result({ load, probe })) + '\n');
  assert.equal(latencyHistogramText(result({ probe })), '');
});
