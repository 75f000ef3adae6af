// The event-loop-stall verdict from analysis fixtures: detected, clear, and the self-check
// (what wobbly's own lag and the machine's explain of a late probe is not the server's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeEventLoopStall } from '../src/verdicts/event-loop-stall.js';
import { LoopLagMonitor, maxLagDuring } from '../src/selfcheck/loop-lag.js';
import type { Analysis } from '../src/analysis/analyse.js';

function analysis(stall: { lengthMs: number; selfLagMs: number } | undefined, o: { answered?: number; selfLagMaxMs?: number } = {}): Analysis {
  return {
    windows: [{ actor: 'heavy', label: 'GET /heavy', startMs: 1500, endMs: 2500 }],
    stalls: [
      {
        probe: 'probe',
        label: 'GET /live',
        thresholdMs: 100,
        unloadedP99Ms: 2,
        answered: o.answered ?? 400,
        sent: 400,
        stalls: stall ? [{ startMs: 1500, endMs: 1500 + stall.lengthMs, lengthMs: stall.lengthMs, probesAffected: 100, during: ['heavy'], selfLagMs: stall.selfLagMs }] : [],
        selfLagMaxMs: o.selfLagMaxMs ?? stall?.selfLagMs ?? 0,
      },
    ],
  };
}

const evidence = (a: Analysis) => judgeEventLoopStall(a)!.evidence as { longestStallMs: number; machineLagMs: number };

test('a stall of the server: detected, with its length in the evidence', () => {
  const v = judgeEventLoopStall(analysis({ lengthMs: 1000, selfLagMs: 15 }))!;
  assert.equal(v.status, 'detected');
  assert.equal((v.evidence as { longestStallMs: number }).longestStallMs, 1000);
  assert.match(v.hint, /async def/);
});

test('self-check: a stall that wobbly\'s own lag explains is inconclusive, never detected', () => {
  const v = judgeEventLoopStall(analysis({ lengthMs: 300, selfLagMs: 280 }))!;
  assert.equal(v.status, 'inconclusive');
  assert.equal((v.evidence as { longestStallMs: number }).longestStallMs, 0);
});

test('self-check: what is left after wobbly\'s lag (sent late, read late) and the machine\'s must exceed the threshold', () => {
  // A 183 ms wait at a 100 ms threshold while wobbly lagged up to 28 ms (the busy machine of issue 10):
  // 183 − 2 × 28 − 28 (the machine kept wobbly off the CPU that long, so maybe the server too) = 99 ms.
  assert.equal(judgeEventLoopStall(analysis({ lengthMs: 183, selfLagMs: 28 }, { selfLagMaxMs: 28 }))!.status, 'inconclusive');
  assert.equal(evidence(analysis({ lengthMs: 183, selfLagMs: 28 }, { selfLagMaxMs: 28 })).machineLagMs, 28);
  // On a quiet machine (lags of 2 ms) the same 183 ms leave 177 ms: the server's.
  assert.equal(judgeEventLoopStall(analysis({ lengthMs: 183, selfLagMs: 2 }, { selfLagMaxMs: 2 }))!.status, 'detected');
  // A long stall stays detected on a busy machine: 1,080 − 2 × 184 − 184 = 528 ms is the server's.
  assert.equal(judgeEventLoopStall(analysis({ lengthMs: 1080, selfLagMs: 184 }, { selfLagMaxMs: 184 }))!.status, 'detected');
});

test('no stall: clear; no answer at all: inconclusive; no probe: no verdict', () => {
  assert.equal(judgeEventLoopStall(analysis(undefined))!.status, 'clear');
  assert.equal(judgeEventLoopStall(analysis(undefined, { answered: 0 }))!.status, 'inconclusive');
  assert.equal(judgeEventLoopStall({ windows: [], stalls: [] }), undefined);
});

test('loop lag: every lag of 1 ms or more is kept with its time; the longest one overlapping a window', () => {
  let now = 0;
  const m = new LoopLagMonitor(() => now);
  m.start();
  m.stop();
  // Ticks due every 10 ms; these ran 15, 15 and 30 ms late.
  for (const t of [10, 20, 30, 55, 80, 90, 130, 140]) m.record((now = t));
  // lags: 55 − 40 = 15 (40..55), 80 − 65 = 15 (65..80), 130 − 100 = 30 (100..130)
  assert.equal(maxLagDuring(m.episodes, 0, 200), 30);
  assert.equal(maxLagDuring(m.episodes, 40, 90), 15);
  assert.equal(maxLagDuring(m.episodes, 131, 200), 0);
  assert.equal(Math.round(m.histogram.maxMs), 30);
});
