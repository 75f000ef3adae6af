// Errors are findings (DESIGN.md §2): an actor whose requests mostly failed (HTTP ≥ 400, resets,
// timeouts) measured how fast the server says no, not what the scenario meant. It is listed
// first in every report, and the run does not pass, unless a detected verdict explains those
// failures (concurrency-limit: the 503s beyond K concurrent requests are its evidence).
import type { Verdict } from '../types.js';
import type { ActorResult, FailedActor } from './types.js';

/** More than this share of an actor's completed requests failed: "mostly failed". */
export const MOSTLY_FAILED = 0.5;

function reasons(a: ActorResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [code, n] of Object.entries(a.summary.statusCodes)) if (Number(code) >= 400) out[`HTTP ${code}`] = n;
  for (const [err, n] of Object.entries(a.summary.errors)) if (err !== 'unfinished') out[err] = n;
  return out;
}

export function failedActors(actors: Readonly<Record<string, ActorResult>>, verdicts: readonly Verdict[]): FailedActor[] {
  const out: FailedActor[] = [];
  for (const [name, a] of Object.entries(actors)) {
    const { requests, failures } = a.summary;
    if (!requests || failures / requests <= MOSTLY_FAILED) continue;
    const explainer = verdicts.find((v) => v.status === 'detected' && v.id === 'concurrency-limit' && v.evidence.actor === name);
    out.push({ actor: name, request: a.request, requests, failures, reasons: reasons(a), ...(explainer ? { explainedBy: explainer.id } : {}) });
  }
  return out;
}

/** "load (GET /nope): 28366 of 28366 requests failed (HTTP 404 ×28366)" */
export function failedActorLine(f: FailedActor): string {
  const why = Object.entries(f.reasons)
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${r} ×${n}`)
    .join(', ');
  const tail = f.explainedBy ? ` — explained by ${f.explainedBy}` : ': the run measured failures, not the server\'s work';
  return `${f.actor} (${f.request}): ${f.failures} of ${f.requests} requests failed (${why})${tail}`;
}
