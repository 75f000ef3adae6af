// How far this machine's wall clock is from the target's, from the target's Date header: the
// header has 1 s resolution, so each round trip only says "the target's clock read D…D+1 s at some
// moment between send and answer". Round trips spread over a second narrow that down (those on
// either side of the target's second boundary bound it): with 5 trips 200 ms apart the estimate is
// good to about ±100 ms plus half a round trip. Enough to see a shard with a badly set clock, not
// to align samples (merge aligns by each shard's own wall-clock start).
import type { ClockOffset } from '../run-data/types.js';

export interface DateRoundTrip {
  /** Local wall-clock ms when the request went out, and when the answer's headers came. */
  sentMs: number;
  receivedMs: number;
  /** The Date header, as epoch ms (whole seconds). */
  serverDateMs: number;
}

/** The offset interval every round trip allows, as middle ± half-width; null without any trip. */
export function offsetFromRoundTrips(trips: readonly DateRoundTrip[]): ClockOffset | null {
  if (!trips.length) return null;
  let lo = -Infinity;
  let hi = Infinity;
  for (const t of trips) {
    lo = Math.max(lo, t.serverDateMs - t.receivedMs);
    hi = Math.min(hi, t.serverDateMs + 1000 - t.sentMs);
  }
  if (lo > hi) {
    // The trips contradict each other (a clock stepped meanwhile): keep the last one alone.
    const t = trips[trips.length - 1]!;
    lo = t.serverDateMs - t.receivedMs;
    hi = t.serverDateMs + 1000 - t.sentMs;
  }
  return { method: 'date-header', offsetMs: Math.round((lo + hi) / 2), uncertaintyMs: Math.round((hi - lo) / 2), roundTrips: trips.length };
}

export interface OffsetOptions {
  roundTrips?: number;
  spacingMs?: number;
  timeoutMs?: number;
}

/** GET the target's base URL a few times and read its Date header; null when none came back. */
export async function estimateClockOffset(url: string, options: OffsetOptions = {}): Promise<ClockOffset | null> {
  const { roundTrips = 5, spacingMs = 200, timeoutMs = 2000 } = options;
  const trips: DateRoundTrip[] = [];
  for (let k = 0; k < roundTrips; k++) {
    if (k) await new Promise((r) => setTimeout(r, spacingMs));
    const sentMs = Date.now();
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
      const receivedMs = Date.now();
      await res.body?.cancel();
      const serverDateMs = Date.parse(res.headers.get('date') ?? '');
      if (Number.isFinite(serverDateMs)) trips.push({ sentMs, receivedMs, serverDateMs });
    } catch {
      // No answer: this round trip tells nothing; the others may.
    }
  }
  return offsetFromRoundTrips(trips);
}
