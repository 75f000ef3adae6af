// Verdict `head-of-line-blocking` (seed 004): fast requests wait behind a slow one on the same
// worker: with one worker, all of them; with several, those on keep-alive connections pinned to
// the busy worker (a new connection goes to a free worker).
import type { ExposedGroup, HeadOfLineFacts } from '../analysis/head-of-line.js';
import { formatMs, round } from '../format.js';
import type { Verdict } from '../types.js';
import { defineRule, type JudgedVerdict } from './rule.js';

export const HEAD_OF_LINE_HINT =
  'Likely cause: the slow request holds its worker: a blocking call inside `async def` (time.sleep, a sync DB or HTTP client, CPU-heavy code) ' +
  'stops that worker\'s event loop, so every request routed to it waits until it finishes. Fix: do not block the loop (plain `def` endpoints run in ' +
  'the threadpool; `await run_in_threadpool(...)` or async libraries for I/O; a task queue for long jobs). More workers (`gunicorn -w N`, ' +
  '`uvicorn --workers N`) help new connections, which a free worker accepts, but not keep-alive connections already pinned to the busy worker ' +
  '(browsers, HTTP clients and proxies reuse them), so they are no fix on their own.';

const r1 = (x: number) => round(x, 1);
const roundGroup = (g: ExposedGroup): ExposedGroup => ({ requests: g.requests, delayed: g.delayed, maxDelayMs: r1(g.maxDelayMs) });

export type HeadOfLineEvidence = {
  delayedRequests: number;
  maxDelayMs: number;
  byIdentity: Record<string, ExposedGroup>;
  field: string | null;
  exposedRequests: number;
  slowRemainingMs: number;
  answeredAfterSlowEndMs: number;
  byConnection: { new: ExposedGroup; reused: ExposedGroup; unknown: ExposedGroup };
  byProbe: Record<string, ExposedGroup & { thresholdMs: number }>;
  slow: { actor: string; request: string; sentMs: number; endMs: number; identity?: string }[];
  selfLagMs: number;
};

function evidenceOf(f: HeadOfLineFacts): HeadOfLineEvidence {
  return {
    delayedRequests: f.delayed,
    maxDelayMs: r1(f.maxDelayMs),
    byIdentity: Object.fromEntries(Object.entries(f.byIdentity).map(([k, g]) => [k, roundGroup(g)])),
    field: f.field ?? null,
    exposedRequests: f.exposed,
    slowRemainingMs: r1(f.remainingAtMaxMs),
    answeredAfterSlowEndMs: r1(f.answeredAfterSlowEndMs),
    byConnection: { new: roundGroup(f.byConnection.new), reused: roundGroup(f.byConnection.reused), unknown: roundGroup(f.byConnection.unknown) },
    byProbe: Object.fromEntries(Object.entries(f.byProbe).map(([k, g]) => [k, { ...roundGroup(g), thresholdMs: r1(g.thresholdMs) }])),
    slow: f.slow.map((w) => ({ actor: w.actor, request: w.label, sentMs: r1(w.sentMs), endMs: r1(w.endMs), ...(w.identity !== undefined ? { identity: w.identity } : {}) })),
    selfLagMs: r1(f.selfLagMs),
  };
}

function slowText(f: HeadOfLineFacts): string {
  const labels = [...new Set(f.slow.map((w) => `${w.label} (${w.actor})`))];
  return labels.join(' or ');
}

function identityText(f: HeadOfLineFacts): string {
  if (!f.field) return '';
  const slowIds = new Set(f.slow.flatMap((w) => (w.identity !== undefined ? [w.identity] : [])));
  const ids = Object.entries(f.byIdentity).filter(([id]) => id !== '(no answer)');
  const delayedIds = ids.filter(([, g]) => g.delayed > 0).map(([id]) => id);
  const free = ids.filter(([, g]) => g.delayed === 0);
  const parts: string[] = [];
  if (delayedIds.length) {
    const busy = delayedIds.every((id) => slowIds.has(id));
    parts.push(`the delayed ones were answered by ${f.field} ${delayedIds.join(', ')}${busy ? `, the worker that ran the slow request` : ''}`);
  }
  for (const [id, g] of free) parts.push(`${f.field} ${id} answered its ${g.requests} at once`);
  return parts.length ? ` ${capital(parts.join('; '))}.` : '';
}

function connectionText(f: HeadOfLineFacts): string {
  const { new: fresh, reused } = f.byConnection;
  if (!fresh.requests || !reused.requests) return '';
  return ` By connection: ${reused.delayed} of ${reused.requests} on reused keep-alive connections waited, ${fresh.delayed} of ${fresh.requests} on new connections.`;
}

function conclusion(f: HeadOfLineFacts): string {
  const answered = Object.keys(f.byIdentity).filter((id) => id !== '(no answer)');
  const freeWorker = Object.entries(f.byIdentity).some(([id, g]) => id !== '(no answer)' && g.delayed === 0);
  const share = (g: ExposedGroup) => (g.requests ? g.delayed / g.requests : 0);
  const { new: fresh, reused } = f.byConnection;
  if (f.field && freeWorker && reused.delayed > 0 && (fresh.delayed === 0 || share(reused) >= 3 * share(fresh))) {
    return ' Keep-alive connections pinned to the busy worker waited although another worker was free.';
  }
  if (f.field && answered.length === 1) return ' One worker: while it runs the slow request, everything else waits.';
  return '';
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function judgeHeadOfLineFacts(f: HeadOfLineFacts): Verdict {
  return judgeFacts(f);
}

function judgeFacts(f: HeadOfLineFacts): JudgedVerdict<'head-of-line-blocking', HeadOfLineEvidence> {
  const base = { id: 'head-of-line-blocking' as const, hint: HEAD_OF_LINE_HINT, evidence: evidenceOf(f) };
  const fast = [...new Set(Object.values(f.probes))].join(', ');
  const slow = slowText(f);
  const thresholds = Object.values(f.byProbe).map((g) => g.thresholdMs);
  const thresholdMs = Math.min(...thresholds);
  if (f.exposed === 0) {
    return {
      ...base,
      status: 'inconclusive',
      summary: `No request to ${fast} overlapped ${slow}: nothing to judge. Make the slow request longer, or start it while the probe runs.`,
    };
  }
  if (f.delayed > 0 && f.selfLagMs >= Math.max(thresholdMs / 2, f.maxDelayMs / 2)) {
    return {
      ...base,
      status: 'inconclusive',
      summary: `${f.delayed} requests to ${fast} waited up to ${formatMs(f.maxDelayMs)} while ${slow} was in flight, but wobbly's own event loop lagged ${formatMs(f.selfLagMs)} meanwhile: it may be wobbly, not the server. Run again on a less busy machine.`,
    };
  }
  if (f.delayed > 0) {
    return {
      ...base,
      status: 'detected',
      summary:
        `${f.delayed} of ${f.exposed} requests to ${fast} that overlapped ${slow} waited for it: up to ${formatMs(f.maxDelayMs)}, ` +
        `about the ${formatMs(f.remainingAtMaxMs)} it still had to run (answered a median ${formatMs(Math.abs(f.answeredAfterSlowEndMs))} ${f.answeredAfterSlowEndMs < 0 ? 'before' : 'after'} it finished).` +
        identityText(f) +
        connectionText(f) +
        conclusion(f),
    };
  }
  const ids = f.field ? Object.keys(f.byIdentity).filter((id) => id !== '(no answer)') : [];
  return {
    ...base,
    status: 'clear',
    summary:
      `All ${f.exposed} requests to ${fast} that overlapped ${slow} were answered within ${formatMs(thresholdMs)}` +
      `${ids.length ? ` (by ${f.field} ${ids.join(', ')})` : ''}: no head-of-line blocking.`,
  };
}

const groupText = (g: ExposedGroup) => `${g.delayed}/${g.requests} delayed${g.delayed ? ` (max ${formatMs(g.maxDelayMs)})` : ''}`;

function evidenceLines(e: HeadOfLineEvidence): string[] {
  const lines: string[] = [];
  for (const w of e.slow ?? []) {
    lines.push(`slow: ${w.request} (${w.actor}) ${formatMs(w.sentMs)} → ${formatMs(w.endMs)}${w.identity !== undefined ? `, ${e.field} ${w.identity}` : ''}`);
  }
  const byId = Object.entries(e.byIdentity ?? {});
  if (e.field && byId.length) lines.push(`by ${e.field}: ${byId.map(([id, g]) => `${id} ${groupText(g)}`).join(' · ')}`);
  const used = Object.entries(e.byConnection ?? {}).filter(([, g]) => g.requests > 0);
  if (used.length) lines.push(`by connection: ${used.map(([k, g]) => `${k} ${groupText(g)}`).join(' · ')}`);
  const probes = Object.entries(e.byProbe ?? {});
  if (probes.length > 1) lines.push(`by probe: ${probes.map(([k, g]) => `${k} ${groupText(g)}`).join(' · ')}`);
  lines.push(`delayed = over ${probes.map(([, g]) => formatMs(g.thresholdMs)).join(' / ')} from the due time; wobbly's own lag meanwhile ${formatMs(e.selfLagMs)}`);
  return lines;
}

export const headOfLineBlocking = defineRule({
  id: 'head-of-line-blocking',
  reads: ['headOfLine'],
  judge: (analysis) => (analysis.headOfLine ? [judgeFacts(analysis.headOfLine)] : []),
  evidenceLines,
  blocksRecommendation: false,
});
