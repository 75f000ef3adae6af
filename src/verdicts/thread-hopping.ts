// Verdict `thread-hopping` (seed 000): one stream's events carry several server thread ids, so
// the chunks of one response were produced on different threads and thread-locals break.
import type { Analysis } from '../analysis/analyse.js';
import type { HoppingFacts } from '../analysis/hopping.js';
import type { Verdict } from '../types.js';
import { defineRule, type JudgedVerdict } from './rule.js';

export const HOPPING_HINT =
  'Likely cause: a sync (plain `def`) generator given to StreamingResponse or sse_starlette\'s EventSourceResponse. Starlette drives it with ' +
  '`iterate_in_threadpool`: every next() is a separate job in anyio\'s threadpool, run by whichever thread is free, so threading.local() state ' +
  '(and libraries that keep per-request state in it) changes from one chunk to the next. Fix: make it an `async def` generator (it then runs on the ' +
  'event-loop thread; await async I/O, or wrap each blocking call in `await run_in_threadpool(...)`), or keep per-request state out of thread-locals: ' +
  'pass it to the generator, or put it in a contextvars.ContextVar set before streaming starts (anyio copies the context into every threadpool call).';

/** "thread" for thread ids, "worker" for pids, else the field's own name. */
function noun(field: string): string {
  if (/thread|tid/i.test(field)) return 'thread';
  if (/pid|worker|process/i.test(field)) return 'worker';
  return `"${field}" value`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export type HoppingEvidence = {
  actor: string;
  field: string;
  streams: number;
  hoppingStreams: number;
  maxDistinctPerStream: number;
  maxSwitchesPerStream: number;
  switches: number;
  /** Distinct values per stream → how many streams. */
  distinctPerStream: Record<string, number>;
  streamsTooShort?: number;
  examples: { stream: number; values: string[] }[];
};

function judgeOne(f: HoppingFacts): JudgedVerdict<'thread-hopping', HoppingEvidence> {
  const evidence: HoppingEvidence = {
    actor: f.actor,
    field: f.field,
    streams: f.streams,
    hoppingStreams: f.hoppingStreams,
    maxDistinctPerStream: f.maxDistinctPerStream,
    maxSwitchesPerStream: f.maxSwitchesPerStream,
    switches: f.switches,
    distinctPerStream: f.distinctPerStream,
    ...(f.tooShort ? { streamsTooShort: f.tooShort } : {}),
    examples: f.examples,
  };
  const base = { id: 'thread-hopping' as const, hint: HOPPING_HINT, evidence };
  const what = noun(f.field);
  if (f.streams === 0) {
    return {
      ...base,
      status: 'inconclusive',
      summary: `No stream of ${f.label} carried "${f.field}" in two events or more (${plural(f.tooShort, 'stream')} too short or without it): nothing to compare. Check the extract pattern against the events.`,
    };
  }
  if (f.hoppingStreams > 0) {
    const cause = what === 'thread' ? ': a sync generator is iterated in the threadpool, one chunk per thread' : '';
    return {
      ...base,
      status: 'detected',
      summary:
        `${f.hoppingStreams} of ${f.streams} streams of ${f.label} were served by more than one ${what} ` +
        `(up to ${f.maxDistinctPerStream} ${what}s per stream, ${f.switches} switch${f.switches === 1 ? '' : 'es'} in all)${cause}.`,
    };
  }
  const fewStreams = f.streams < 4 ? ` With only ${plural(f.streams, 'stream')} at once a threadpool reuses its idle thread; hopping shows under concurrency, so try more streams.` : '';
  return {
    ...base,
    status: 'clear',
    summary: `Each of the ${f.streams} streams of ${f.label} was served by a single ${what} from its first event to its last: no ${what} hopping.${fewStreams}`,
  };
}

/** One verdict per stream actor that extracts an identity. */
export function judgeThreadHopping(analysis: Analysis): Verdict[] {
  return (analysis.hopping ?? []).map(judgeOne);
}

/** "a ×3 → b → a": the values in order, repeats folded. */
function runs(values: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j < values.length && values[j] === values[i]) j++;
    out.push(j - i > 1 ? `${values[i]} ×${j - i}` : values[i]!);
    i = j;
  }
  return out.join(' → ');
}

function evidenceLines(e: HoppingEvidence): string[] {
  const dist = Object.entries(e.distinctPerStream ?? {})
    .map(([d, n]) => `${d} → ${n} stream${n === 1 ? '' : 's'}`)
    .join(', ');
  const lines = [`${e.field} values per stream: ${dist}; ${e.switches} switches (at most ${e.maxSwitchesPerStream} in one stream)`];
  for (const x of e.examples ?? []) lines.push(`stream #${x.stream + 1}: ${runs(x.values)}${x.values.length >= 12 ? ' …' : ''}`);
  return lines;
}

export const threadHopping = defineRule({
  id: 'thread-hopping',
  reads: ['hopping'],
  judge: (analysis) => (analysis.hopping ?? []).map(judgeOne),
  evidenceLines,
  blocksRecommendation: false,
});
