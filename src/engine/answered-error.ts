// A calibration answered with an HTTP error (404 on a typo'd path, 401, 500): the load would
// only measure how fast the server says no. Stop before any load is sent (exit 3, like an
// unreachable target) and say which request, which status, and what to check.
import { STATUS_CODES } from 'node:http';
import type { ActorSpec } from '../types.js';
import type { Calibration } from '../run-data/types.js';
import { TargetUnreachableError } from '../net/unreachable.js';

/** What to check for an error status. */
export function statusAdvice(status: number): string {
  if (status === 404 || status === 410) return 'check the path';
  if (status === 405) return 'check the method';
  if (status === 401 || status === 403 || status === 407) return 'check the credentials (headers)';
  if (status === 400 || status === 411 || status === 413 || status === 415 || status === 422) return 'check the query, headers and body';
  if (status === 429 || status === 503) return 'the server is refusing work (rate or concurrency limit, or not ready): check its limits';
  if (status >= 500) return "the server failed: see its log";
  return 'check the request';
}

export class TargetAnsweredError extends TargetUnreachableError {
  constructor(
    target: string,
    readonly request: string,
    readonly status: number,
    readonly actor: string,
  ) {
    super(target, `HTTP ${status}`);
    this.name = 'TargetAnsweredError';
    const text = STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : '';
    this.message = `${request} answered ${status}${text}: ${statusAdvice(status)} (while calibrating actor ${actor}, before any load was sent).`;
  }
}

/** Throws on the first actor whose calibration requests got an HTTP error status. */
export function checkCalibrationAnswers(target: string, actors: readonly ActorSpec[], calibration: ReadonlyMap<string, Calibration>): void {
  for (const a of actors) {
    const cal = calibration.get(a.name);
    if (cal?.failures && cal.failedStatus !== undefined && 'path' in a) throw new TargetAnsweredError(target, `${a.method} ${a.path}`, cal.failedStatus, a.name);
  }
}
