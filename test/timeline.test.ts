// The per-bucket timeline: counts, p50 and max per bucket; buckets the run has moved past are
// packed (a compact encoding) and must read back exactly as live ones, late completions included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Timeline } from '../src/metrics/timeline.js';
import { LatencyHistogram } from '../src/metrics/latency-histogram.js';
import { seededRandom } from '../src/baseline/prng.js';

/** 12 buckets of 100 ms; completions in time order with a few late ones into buckets already left behind. */
function recorded() {
  const random = seededRandom(7);
  const t = new Timeline(100);
  const expected = new Map<number, { count: number; failures: number; latency: LatencyHistogram }>();
  const record = (endMs: number, ok: boolean, ms: number) => {
    t.record(endMs, ok, ok ? ms : undefined);
    const i = Math.floor(endMs / 100);
    const e = expected.get(i) ?? { count: 0, failures: 0, latency: new LatencyHistogram('coarse') };
    if (ok) {
      e.count++;
      e.latency.record(ms);
    } else e.failures++;
    expected.set(i, e);
  };
  for (let endMs = 0; endMs < 1200; endMs += 1 + random() * 4) {
    record(endMs, random() > 0.05, 1 + random() * random() * 300);
    // Now and then a completion that belongs three buckets back (already packed by then).
    if (endMs > 400 && random() < 0.01) record(endMs - 300, true, 5000 + random() * 10);
  }
  return { t, expected };
}

test('packed buckets read back as the live ones: counts, p50 and max per bucket, late completions included', () => {
  const { t, expected } = recorded();
  const json = t.toJSON(1200);
  assert.equal(json.length, 12);
  for (const [i, b] of json.entries()) {
    const e = expected.get(i)!;
    assert.equal(b.count, e.count, `bucket ${i} count`);
    assert.equal(b.failures, e.failures, `bucket ${i} failures`);
    assert.equal(b.p50, Math.round(e.latency.percentile(50) * 100) / 100, `bucket ${i} p50`);
    assert.equal(b.max, Math.round(e.latency.maxMs * 100) / 100, `bucket ${i} max`);
  }
  // The late completions (5 s) landed in their own bucket, not in the one open when they came.
  assert.ok(json.some((b, i) => b.max >= 5000 && i < 9), JSON.stringify(json.map((b) => b.max)));
});

test('run data and worker deltas carry the packed buckets unchanged', () => {
  const { t } = recorded();
  const again = Timeline.fromData(t.toData());
  assert.deepEqual(again.toJSON(1200), t.toJSON(1200));
  assert.deepEqual(again.toData(), t.toData());
  const { t: worker } = recorded();
  const merged = new Timeline(100);
  for (const d of worker.drain()) merged.merge(d);
  assert.deepEqual(merged.toJSON(1200), t.toJSON(1200));
  assert.deepEqual(worker.toJSON(0), [], 'drained: nothing left');
  // Whole buckets (the baseline's blocks) hold each bucket's histogram.
  const blocks = merged.wholeBuckets(1200);
  assert.equal(blocks.length, 12);
  assert.deepEqual(blocks.map((b) => b.latency.count), t.toJSON(1200).map((b) => b.count));
});
