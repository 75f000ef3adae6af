// The facts of a concurrency estimate as plain rounded JSON, shared by the result's load
// section and the pool verdicts' evidence (both say the same numbers).
import { round } from '../format.js';
import type { ConcurrencyEstimate, Interval } from './concurrency.js';

// Types, not interfaces: verdict evidence must fit Record<string, unknown>.
export type FirstWaveFacts = {
  requests: number;
  served: number;
  withinMs: number;
  group?: number;
  nextGroupMs?: number;
};

export type EstimateFacts = {
  window?: { startMs: number; endMs: number; requests: number };
  firstWave: FirstWaveFacts;
  concurrencyInterval?: Interval;
  poolSizeEstimate?: number;
  poolSizeInterval?: Interval;
  waves?: number[];
  decideAfterMs?: number;
};

const interval = (i: Interval): Interval => ({ lo: round(i.lo, 2), hi: round(i.hi, 2) });

export function estimateFacts(e: ConcurrencyEstimate): EstimateFacts {
  const w = e.firstWave;
  return {
    ...(e.window ? { window: { startMs: round(e.window.startMs, 1), endMs: round(e.window.endMs, 1), requests: e.window.requests } } : {}),
    firstWave: {
      requests: w.requests,
      served: w.served,
      withinMs: round(w.withinMs, 1),
      ...(w.group !== undefined ? { group: w.group } : {}),
      ...(w.nextGroupMs !== undefined ? { nextGroupMs: round(w.nextGroupMs, 1) } : {}),
    },
    ...(e.concurrencyInterval ? { concurrencyInterval: interval(e.concurrencyInterval) } : {}),
    ...(e.poolEstimate !== undefined ? { poolSizeEstimate: e.poolEstimate } : {}),
    ...(e.poolInterval ? { poolSizeInterval: interval(e.poolInterval) } : {}),
    ...(e.waves ? { waves: e.waves.slice(0, 50) } : {}),
    ...(e.decideAfterMs !== undefined ? { decideAfterMs: e.decideAfterMs } : {}),
  };
}
