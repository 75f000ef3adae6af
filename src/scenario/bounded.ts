// Which actors end by themselves (ab -n: an `amount`; a `count` of requests; streams of a known
// number of `events`; a probe's `stop`), so that `duration:` may be left out and a run ends
// when they are done instead of going on with empty rows.
import type { RawActor } from './schema.js';

/** Without duration: how long a run may go on at most (a cap, not a length). */
export const UNBOUNDED_CAP_MS = 10 * 60_000;

/** Why an actor does not end by itself; undefined when it does. */
export function unboundedBy(a: RawActor): string | undefined {
  switch (a.kind) {
    case 'probe':
      return a.stop ? undefined : 'a probe without stop';
    case 'request':
      return undefined;
    case 'stream':
      return a.events ? undefined : 'a stream without events';
    case 'load':
      return a.amount || a.duration ? undefined : 'a load without amount or duration';
    case 'sweep':
      return undefined; // steps of `step` (3 s by default) or of `amount` requests
  }
}

/**
 * The run ends once its bounded actors are done (probes without stop end then too) when
 * duration is left out, or when a closed-model load of fixed size runs beside probes.
 */
export function endsWhenDone(actors: readonly RawActor[], durationGiven: boolean): boolean {
  const others = actors.filter((a) => a.kind !== 'probe');
  if (!others.length || others.some((a) => unboundedBy(a))) return false;
  return !durationGiven || others.some((a) => (a.kind === 'load' && a.amount !== undefined) || (a.kind === 'sweep' && a.amount !== undefined));
}
