// Verdict `concurrency-limit` (DESIGN.md §1): the server, or a proxy in front of it, turns work
// away beyond K concurrent requests: uvicorn `--limit-concurrency K` answers 503 (it counts open
// connections too, so keep-alive connections beyond K get 503 on every request), gunicorn
// `--worker-connections`, a proxy's max connections refuse or reset them. Seen from outside: a
// closed-model load whose requests get 503 or refused/reset connections, while some succeed.
// A sweep finds K: the largest N with nothing rejected, below the first N that was.
// One rule file (see rule.ts), listed in registry.ts: its judge, typed evidence and report lines.
import type { Analysis } from '../analysis/analyse.js';
import type { ConcurrencyEstimate } from '../analysis/concurrency.js';
import type { Verdict } from '../types.js';
import { defineRule, type JudgedVerdict } from './rule.js';

/** A phase rejects when more than this share of its requests (and more than one) were turned away. */
const REJECTING_SHARE = 0.01;

export type ConcurrencyLimitEvidence = {
  actor: string;
  request: string;
  /** K: the most concurrent requests served without rejection; null when the run cannot tell (a load alone, rejected from its first wave). */
  limit: number | null;
  /** K lies in [lo, hi] (a sweep: the clean step and the first rejecting one − 1). */
  limitInterval?: { lo: number; hi: number };
  /** Requests turned away, of `requests`, in the phase that shows the limit. */
  rejected: number;
  requests: number;
  /** The main way they were turned away: "HTTP 503", "ECONNRESET", … */
  status: string | null;
  byReason: Record<string, number>;
  /** The connection counts measured, and whether each rejected. */
  measurements: { connections: number; requests: number; rejected: number }[];
};

export const CONCURRENCY_LIMIT_HINT =
  'The server or something in front of it caps concurrent work and answers the rest with 503 or drops the connection. ' +
  'uvicorn `--limit-concurrency K` counts open connections as well as requests in progress: keep-alive clients (browsers, connection pools) hold connections, ' +
  'so K must exceed the connections you expect, not just the requests. gunicorn `--worker-connections` (async workers) and a proxy\'s limits (nginx `limit_conn`, ' +
  'HAProxy `maxconn`, a load balancer) do the same. Raise the limit to the concurrency the service must take, or keep it as back-pressure and make clients retry with backoff; ' +
  'either way, alert on the 503s. (uvicorn 0.17 rejects the K-th connection already: `--limit-concurrency 6` serves 5 at once.)';

function rejects(e: ConcurrencyEstimate): boolean {
  const r = e.rejections;
  return r.rejected > 1 && r.rejected > REJECTING_SHARE * r.requests;
}

function mainReason(byReason: Record<string, number>): string | null {
  const top = Object.entries(byReason).sort((a, b) => b[1] - a[1])[0];
  return top ? top[0] : null;
}

function estimatesOf(analysis: Analysis): { actor: string; label: string; sweep: boolean; phases: ConcurrencyEstimate[] }[] {
  const loads = (analysis.loads ?? []).map((e) => ({ actor: e.actor, label: e.label, sweep: false, phases: [e] }));
  const sweeps = (analysis.sweeps ?? []).map((s) => ({ actor: s.actor, label: s.label, sweep: true, phases: s.steps }));
  return [...sweeps, ...loads];
}

interface Finding {
  status: Verdict['status'];
  summary: string;
  evidence: ConcurrencyLimitEvidence;
}

function judgeActor(a: { actor: string; label: string; sweep: boolean; phases: ConcurrencyEstimate[] }): Finding {
  const phases = [...a.phases].sort((x, y) => x.connections - y.connections);
  const measurements = phases.map((p) => ({ connections: p.connections, requests: p.rejections.requests, rejected: p.rejections.rejected }));
  const firstRejecting = phases.find(rejects);
  const who = `${a.label} (${a.actor})`;
  const shown = firstRejecting ?? phases[phases.length - 1]!;
  const r = shown.rejections;
  const base = { actor: a.actor, request: a.label, rejected: r.rejected, requests: r.requests, status: mainReason(r.byReason), byReason: r.byReason, measurements };
  if (!firstRejecting) {
    const top = phases[phases.length - 1]!.connections;
    return { status: 'clear', summary: `${who}: no request was turned away (no 503, no refused or reset connection) at up to ${top} concurrent connection${top === 1 ? '' : 's'}.`, evidence: { ...base, limit: null } };
  }
  const N = firstRejecting.connections;
  const how = `${r.rejected} of ${r.requests} requests got ${base.status}${Object.keys(r.byReason).length > 1 ? ' (and other rejections)' : ''}`;
  const served = r.requests - r.rejected;
  if (served <= 0 && firstRejecting === phases[0]) {
    return { status: 'inconclusive', summary: `${who}: every request was turned away (${how}) already at ${N} connection${N === 1 ? '' : 's'}: the server refuses all work, not work beyond a limit. Look at the server first.`, evidence: { ...base, limit: null } };
  }
  const below = phases.filter((p) => p.connections < N);
  const clean = below.length && below.every((p) => !rejects(p)) ? below[below.length - 1]! : undefined;
  if (clean) {
    const K = clean.connections;
    const hi = N - 1;
    const range = hi > K ? ` (between ${K} and ${hi}: no step in between)` : '';
    return {
      status: 'detected',
      summary: `${who}: the server turns work away beyond about ${K} concurrent connections${range}: at N = ${K} nothing was rejected; at N = ${N} ${how}.`,
      evidence: { ...base, limit: K, limitInterval: { lo: K, hi } },
    };
  }
  // A load alone shows that there is a limit below N, not where (uvicorn rejects every request
  // of a connection it counted beyond K, whatever the order the first ones came in).
  return {
    status: 'detected',
    summary: `${who}: the server turns work away beyond a concurrency limit below ${N}: with ${N} connections ${how}. A sweep over fewer connections (1 … ${N}) finds the limit.`,
    evidence: { ...base, limit: null, limitInterval: { lo: 0, hi: N - 1 } },
  };
}

/** One verdict per run: the most telling actor's (detected > inconclusive > clear). */
function judgeWorstActor(analysis: Analysis): JudgedVerdict<'concurrency-limit', ConcurrencyLimitEvidence> | undefined {
  const findings = estimatesOf(analysis).map(judgeActor);
  if (!findings.length) return undefined;
  const rank = { detected: 2, inconclusive: 1, clear: 0 } as const;
  const f = findings.reduce((worst, x) => (rank[x.status] > rank[worst.status] ? x : worst));
  return { id: 'concurrency-limit', status: f.status, summary: f.summary, hint: CONCURRENCY_LIMIT_HINT, evidence: f.evidence };
}

export function judgeConcurrencyLimit(analysis: Analysis): Verdict | undefined {
  return judgeWorstActor(analysis);
}

function evidenceLines(e: ConcurrencyLimitEvidence): string[] {
  const reasons = Object.entries(e.byReason ?? {}).map(([why, n]) => `${why} ×${n}`).join(', ');
  const limit = e.limit !== null ? `limit ${e.limit}` : e.limitInterval ? `limit below ${e.limitInterval.hi + 1}` : 'limit unknown';
  const lines = [`${limit}; rejected ${e.rejected} of ${e.requests} requests${reasons ? ` (${reasons})` : ''}`];
  const steps = e.measurements ?? [];
  if (steps.length > 1) lines.push(`measurements: ${steps.map((m) => `N=${m.connections} rejected ${m.rejected}/${m.requests}`).join('; ')}`);
  return lines;
}

export const concurrencyLimit = defineRule({
  id: 'concurrency-limit',
  reads: ['loads', 'sweeps'],
  judge: (analysis) => {
    const v = judgeWorstActor(analysis);
    return v ? [v] : [];
  },
  evidenceLines,
  // compare recommends from starvation; the requests a limit turned away show as failed requests.
  blocksRecommendation: false,
});
