// How far this machine's wall clock is from the target's, from the target's Date header: the
// header has 1 s resolution, so each round trip only says "the target's clock read D…D+1 s at some
// moment between send and answer". Round trips spread over a second narrow that down (those on
// either side of the target's second boundary bound it): with 5 trips 200 ms apart the estimate is
// good to about ±100 ms plus half a round trip. Enough to see a shard with a badly set clock, not
// to align samples (merge aligns by each shard's own wall-clock start).
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
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
  /** Ctrl-C: stop measuring (what was measured so far counts). */
  stop?: AbortSignal;
}

/** One GET on a new connection: the local times around it and the Date header; undefined on any failure or after timeoutMs. */
function dateRoundTrip(url: URL, timeoutMs: number): Promise<DateRoundTrip | undefined> {
  return new Promise((resolve) => {
    const get = url.protocol === 'https:' ? httpsGet : httpGet;
    const sentMs = Date.now();
    const req = get(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      const receivedMs = Date.now();
      const serverDateMs = Date.parse(res.headers.date ?? '');
      res.resume();
      finish(Number.isFinite(serverDateMs) ? { sentMs, receivedMs, serverDateMs } : undefined);
    });
    // A ref'd timer of our own: the round trip ends in timeoutMs whatever the socket does.
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    let done = false;
    function finish(trip: DateRoundTrip | undefined) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(trip);
    }
    req.on('error', () => finish(undefined));
  });
}

/** GET the target's base URL a few times and read its Date header; null when none came back. */
export async function estimateClockOffset(url: string, options: OffsetOptions = {}): Promise<ClockOffset | null> {
  const { roundTrips = 5, spacingMs = 200, timeoutMs = 2000, stop } = options;
  const target = new URL(url);
  const trips: DateRoundTrip[] = [];
  for (let k = 0; k < roundTrips && !stop?.aborted; k++) {
    if (k) await new Promise((r) => setTimeout(r, spacingMs));
    const trip = await dateRoundTrip(target, timeoutMs);
    if (trip) trips.push(trip);
  }
  return offsetFromRoundTrips(trips);
}
