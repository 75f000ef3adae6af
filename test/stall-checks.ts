// What the stall tests check on a healthy server, in one place.
import assert from 'node:assert/strict';
import type { RunResult } from '../src/result/types.js';
import { unexplainedMs } from '../src/verdicts/event-loop-stall.js';

/** A healthy server is never `detected`: a late probe is clear, or inconclusive where wobbly's and the machine's lag explain it. */
export function assertNeverDetected(result: RunResult): void {
  const v = result.verdicts.find((x) => x.id === 'event-loop-stall')!;
  type Late = { lengthMs: number; selfLagMs: number };
  const e = v.evidence as { thresholdMs: number; machineLagMs: number; stalls: Late[]; ownLagStalls: Late[] };
  assert.notEqual(v.status, 'detected', v.summary);
  assert.deepEqual(e.stalls, [], 'no stall is the server\'s');
  // Late probes that wobbly's own lag (or the machine's) explains are listed apart and make it inconclusive.
  assert.equal(v.status, e.ownLagStalls.length ? 'inconclusive' : 'clear', v.summary);
  for (const s of e.ownLagStalls) assert.ok(unexplainedMs(s, e.machineLagMs) <= e.thresholdMs, `${JSON.stringify(s)} explained within ${e.thresholdMs} ms`);
}
