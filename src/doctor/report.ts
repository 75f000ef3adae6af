// The doctor's JSON (`wobbly doctor --json F`): a public interface like the run result, versioned
// on its own (kind "doctor"). Documented in the README ("The doctor's JSON").
import type { VerdictStatus } from '../types.js';
import type { Skipped, StreamFormat } from './openapi.js';

/** Worst first: the order of the ranked table. */
export const CATEGORIES = ['stalls-loop', 'pool-limited', 'serialized', 'failing', 'inconclusive', 'not-measured', 'healthy'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface LoopBlock {
  /** The event-loop-stall verdict of the run with one call beside the probe. */
  status: VerdictStatus;
  /** The slowest probe answer while the call ran (counted from its scheduled time): how long the loop was held. */
  probeMaxMs: number;
  /** The probe's median: what an answer costs when nothing blocks. */
  probeP50Ms: number;
  /** The longest stall while the call (or the streams) ran; null when the verdict could not say. */
  longestStallMs: number | null;
  /** wobbly's own event-loop lag during those stalls: as long as half a stall, the verdict is inconclusive (wobbly itself was slow). */
  selfLagMs: number;
  /** How long the call itself took. */
  callMs: number | null;
  /** For the HTML report's sparkline: the probe's latency of each request in that run, in order (null: no answer), at most 120. */
  probeTraceMs?: (number | null)[];
}

export interface ConcurrencyFinding {
  connections: number;
  /** Requests sent (ab -n) over those connections. */
  amount: number;
  effectiveConcurrency: number | null;
  poolSizeEstimate: number | null;
  throughputRps: number | null;
  /** pool-starvation and serialized verdicts of that run. */
  poolStatus: VerdictStatus;
  serializedStatus: VerdictStatus;
  /** The estimate's outcome: clear, overhead, pool, serialized or inconclusive (and why). */
  outcome: string | null;
  reason: string | null;
  /** For the HTML report's sparkline: the answer time of each connection's first request, ascending (null: no answer): waves show as steps. */
  firstWaveMs?: (number | null)[];
}

export interface StreamFinding {
  format: StreamFormat;
  streams: number;
  responded: number;
  events: number;
  firstEventMs: { p50: number; max: number };
  gapMs: { p50: number; max: number };
}

export interface EndpointReport {
  /** 1 = worst. */
  rank: number;
  method: string;
  /** As documented: /items/{item_id} */
  template: string;
  /** As sent: /items/42 */
  path: string;
  category: Category;
  /** Unloaded service time: the median of a few requests one at a time. */
  serviceTimeMs: number | null;
  /** The first HTTP status seen, and an error when a request got no answer. */
  status: number | null;
  error?: string;
  loopBlock?: LoopBlock;
  concurrency?: ConcurrencyFinding;
  stream?: StreamFinding;
  /** One sentence with the numbers. */
  evidence: string;
  /** One line: what to change. */
  fix: string;
  /** The command that reproduces it in depth (shell-quoted). */
  reproduce: string;
  /** What was not measured and why (budget, too fast, no probe). */
  notes: string[];
}

export interface DoctorReport {
  schemaVersion: 1;
  kind: 'doctor';
  tool: { name: 'wobbly'; version: string };
  target: string;
  startedAt: string;
  budgetMs: number;
  elapsedMs: number;
  /** Interrupted (Ctrl-C) or the target went away: the endpoints not reached are not-measured. */
  partial: boolean;
  /** Why it stopped early: Ctrl-C, or the service stopped answering (then exit 3). */
  stoppedBy?: 'interrupt' | 'target-down';
  openapi: { source: string; title?: string; version?: string } | null;
  /** The cheapest endpoint, used to watch the event loop. */
  probe: { path: string; serviceTimeMs: number } | null;
  /** How many measurements (scenarios) ran, and the requests they counted (the probes' calibrations come on top). */
  measurements: number;
  requestsSent: number;
  endpoints: EndpointReport[];
  skipped: Skipped[];
}
