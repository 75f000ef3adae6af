// The event-loop-stall verdict from analysis fixtures: detected, clear, and the self-check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeEventLoopStall } from '../src/verdicts/event-loop-stall.js';
import type { Analysis } from '../src/analysis/analyse.js';

function analysis(stall: { lengthMs: number; selfLagMs: number } | undefined, answered = 400): Analysis {
  return {
    windows: [{ actor: 'heavy', label: 'GET /heavy', startMs: 1500, endMs: 2500 }],
    stalls: [
      {
        probe: 'probe',
        label: 'GET /live',
        thresholdMs: 100,
        unloadedP99Ms: 2,
        answered,
        sent: 400,
        stalls: stall ? [{ startMs: 1500, endMs: 1500 + stall.lengthMs, lengthMs: stall.lengthMs, probesAffected: 100, during: ['heavy'], selfLagMs: stall.selfLagMs }] : [],
      },
    ],
  };
}

test('a stall of the server: detected, with the numbers in the sentence', () => {
  const v = judgeEventLoopStall(analysis({ lengthMs: 1000, selfLagMs: 15 }))!;
  assert.equal(v.status, 'detected');
  assert.equal((v.evidence as { longestStallMs: number }).longestStallMs, 1000);
  assert.match(v.summary, /stopped answering GET \/live for 1\.00 s \(from 1\.50 s into the run.*while GET \/heavy \(heavy\) was in flight: 100 probes waited/);
  assert.match(v.hint, /async def/);
});

test('self-check: a stall during which wobbly itself lagged is inconclusive, never detected', () => {
  const v = judgeEventLoopStall(analysis({ lengthMs: 300, selfLagMs: 280 }))!;
  assert.equal(v.status, 'inconclusive');
  assert.match(v.summary, /wobbly's own event loop lagged 280 ms/);
  assert.equal((v.evidence as { longestStallMs: number }).longestStallMs, 0);
});

test('no stall: clear; no answer at all: inconclusive; no probe: no verdict', () => {
  assert.equal(judgeEventLoopStall(analysis(undefined))!.status, 'clear');
  assert.equal(judgeEventLoopStall(analysis(undefined, 0))!.status, 'inconclusive');
  assert.equal(judgeEventLoopStall({ windows: [], stalls: [] }), undefined);
});
