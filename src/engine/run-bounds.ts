// What keeps a run inside its budget and honest about how it ended: a bounded grace after the
// deadline (an actor stuck in a connect that the stop signal cannot cut short does not hold the
// run open), and a last look at the target when the run ended with it failing (a server that died
// during a stream-only run ends every stream before the watchdog could call it down).
import { checkReachable, TargetUnreachableError } from './preflight.js';
import { faultKind } from '../protocols/faults.js';
import type { Target } from '../net/target.js';

/** After the stop signal, actors get this long to hand back their last samples. */
export const STOP_GRACE_MS = 2000;

/** Resolves true when `work` is done, false when it is still running `graceMs` after `stop` fired. */
export function settleWithin(work: Promise<unknown>, stop: AbortSignal, graceMs = STOP_GRACE_MS): Promise<boolean> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      timer = setTimeout(() => resolve(false), graceMs);
      timer.unref?.();
    };
    if (stop.aborted) arm();
    else stop.addEventListener('abort', arm, { once: true });
    void work.then(
      () => {
        if (timer) clearTimeout(timer);
        stop.removeEventListener('abort', arm);
        resolve(true);
      },
      () => resolve(true), // the caller awaits `work` itself and sees the error
    );
  });
}

/**
 * The run ended while requests were failing with "nobody there" errors: is anyone listening now?
 * Returns the error when nothing listens (the target went down), undefined when it is still there.
 */
export async function goneAtEnd(target: Target, lastError: string | undefined): Promise<string | undefined> {
  if (lastError === undefined) return undefined;
  try {
    await checkReachable(target, 1000);
    return undefined;
  } catch (err) {
    if (err instanceof TargetUnreachableError && (faultKind(err.code) === 'refused' || err.code === 'connect timeout')) return lastError;
    return undefined;
  }
}
