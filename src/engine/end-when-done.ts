// A run of bounded actors (ab -n, a count of requests, streams of known length) ends shortly
// after they are done: the probes without a stop then end too, instead of adding empty rows up
// to the duration (which is then only a cap).
import type { Scenario } from '../types.js';

/** Probes go on this long after the last bounded actor: the timeline shows the recovery. */
export const TAIL_MS = 1000;

/** Aborts `stop` TAIL_MS after every bounded actor's runner is done; returns a cancel. */
export function endWhenDone(scenario: Scenario, runners: readonly Promise<void>[], stop: AbortController): () => void {
  if (!scenario.endWhenDone) return () => undefined;
  const bounded = runners.filter((_, i) => {
    const a = scenario.actors[i]!;
    return !(a.kind === 'probe' && a.stopMs === undefined);
  });
  let timer: NodeJS.Timeout | undefined;
  void Promise.all(bounded).then(() => {
    if (!stop.signal.aborted) timer = setTimeout(() => stop.abort(), TAIL_MS);
  });
  return () => clearTimeout(timer);
}
