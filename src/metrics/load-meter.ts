// What the concurrency analysis needs from a closed-model load, aggregated online and in fixed
// memory: per send-time slot (10 ms or more) how many requests went out, how many finished and
// their summed latency (for Little's law over a steady-state window chosen afterwards), answers
// per end-time slot, wobbly's own turnaround between an answer and the next send, and the
// latency of each connection's first request (the first wave: N requests sent at once).
import type { ActorRecorder } from './actor-recorder.js';

export interface LoadMeterData {
  slotMs: number;
  connections: number;
  /** Per send slot (index = floor(sentMs / slotMs)): requests that got an outcome (answer or error). */
  finished: Float64Array;
  /** Per send slot: requests answered with 2xx/3xx. */
  ok: Float64Array;
  /** Per send slot: summed latency (ms) of the finished requests. */
  latencySum: Float64Array;
  /** Per send slot: requests still in flight when the load was stopped (censored). */
  unfinished: Float64Array;
  /** Per end slot: requests answered with 2xx/3xx. */
  okByEnd: Float64Array;
  gapSumMs: number;
  gapCount: number;
  /** Every byte received: heads, bodies and framing (ab's "Total transferred"). */
  wireBytes: number;
  /** Latency of each connection's first request (ms; Infinity when it got no answer). */
  firstWaveMs: number[];
  firstSentMs: number;
  lastSentMs: number;
  lastEndMs: number;
  /** Longest latency of a finished request (ms). */
  maxLatencyMs: number;
  /** When the requests still in flight were cut short (the end of the run); Infinity: never. */
  stoppedAtMs: number;
}

/** One closed-model phase: a load actor's whole run, or one step of a sweep. */
export interface LoadPhase {
  connections: number;
  /** When the phase began and stopped sending, and when its last request ended (run clock, ms). */
  startMs: number;
  sendUntilMs: number;
  endMs: number;
  /** Stopped by the end of the run (or Ctrl-C) with requests in flight. */
  aborted: boolean;
  /** This phase's own counts (the actor's recorder has every phase). */
  recorder: ActorRecorder;
  meter: LoadMeterData;
  /** Event-loop delay of the load's worker threads: a client that lags is the bottleneck. */
  clientLag: { p99Ms: number; maxMs: number };
}

export interface MeteredResult {
  seq: number;
  sentMs: number;
  endMs: number;
  status: number;
  error?: string;
  wireBytes: number;
  gapMs: number;
}

function grown(a: Float64Array<ArrayBuffer>, need: number): Float64Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Float64Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

export class LoadMeter {
  private finished = new Float64Array(64);
  private ok = new Float64Array(64);
  private latencySum = new Float64Array(64);
  private unfinished = new Float64Array(64);
  private okByEnd = new Float64Array(64);
  private sendSlots = 0;
  private endSlots = 0;
  private gapSumMs = 0;
  private gapCount = 0;
  private wireBytes = 0;
  private readonly firstWaveMs: number[] = [];
  private firstSentMs = Infinity;
  private lastSentMs = -Infinity;
  private lastEndMs = -Infinity;
  private maxLatencyMs = 0;
  private stoppedAtMs = Infinity;

  constructor(
    readonly slotMs: number,
    readonly connections: number,
  ) {}

  record(r: MeteredResult): void {
    const s = Math.max(0, Math.floor(r.sentMs / this.slotMs));
    if (s >= this.sendSlots) {
      this.sendSlots = s + 1;
      this.finished = grown(this.finished, this.sendSlots);
      this.ok = grown(this.ok, this.sendSlots);
      this.latencySum = grown(this.latencySum, this.sendSlots);
      this.unfinished = grown(this.unfinished, this.sendSlots);
    }
    this.firstSentMs = Math.min(this.firstSentMs, r.sentMs);
    this.lastSentMs = Math.max(this.lastSentMs, r.sentMs);
    const answered = !r.error && r.status >= 200 && r.status < 400;
    if (r.seq === 0) this.firstWaveMs.push(answered ? r.endMs - r.sentMs : Infinity);
    if (r.error === 'unfinished') {
      this.unfinished[s]!++;
      this.stoppedAtMs = Math.min(this.stoppedAtMs, r.endMs);
      return;
    }
    this.finished[s]!++;
    this.latencySum[s]! += r.endMs - r.sentMs;
    this.maxLatencyMs = Math.max(this.maxLatencyMs, r.endMs - r.sentMs);
    this.wireBytes += r.wireBytes;
    this.lastEndMs = Math.max(this.lastEndMs, r.endMs);
    if (r.gapMs === r.gapMs) {
      this.gapSumMs += r.gapMs;
      this.gapCount++;
    }
    if (!answered) return;
    this.ok[s]!++;
    const e = Math.max(0, Math.floor(r.endMs / this.slotMs));
    if (e >= this.endSlots) {
      this.endSlots = e + 1;
      this.okByEnd = grown(this.okByEnd, this.endSlots);
    }
    this.okByEnd[e]!++;
  }

  data(): LoadMeterData {
    return {
      slotMs: this.slotMs,
      connections: this.connections,
      finished: this.finished.slice(0, this.sendSlots),
      ok: this.ok.slice(0, this.sendSlots),
      latencySum: this.latencySum.slice(0, this.sendSlots),
      unfinished: this.unfinished.slice(0, this.sendSlots),
      okByEnd: this.okByEnd.slice(0, this.endSlots),
      gapSumMs: this.gapSumMs,
      gapCount: this.gapCount,
      wireBytes: this.wireBytes,
      firstWaveMs: [...this.firstWaveMs],
      firstSentMs: this.firstSentMs,
      lastSentMs: this.lastSentMs,
      lastEndMs: this.lastEndMs,
      maxLatencyMs: this.maxLatencyMs,
      stoppedAtMs: this.stoppedAtMs,
    };
  }
}

function addInto(a: Float64Array, b: Float64Array): Float64Array<ArrayBuffer> {
  const out = new Float64Array(Math.max(a.length, b.length));
  out.set(a);
  for (let i = 0; i < b.length; i++) out[i]! += b[i]!;
  return out;
}

/** The meters of several worker threads (same slot size) as one. */
export function mergeMeters(parts: readonly LoadMeterData[]): LoadMeterData {
  if (!parts.length) throw new Error('mergeMeters: nothing to merge');
  const slotMs = parts[0]!.slotMs;
  if (parts.some((p) => p.slotMs !== slotMs)) throw new Error('mergeMeters: different slot sizes');
  return parts.slice(1).reduce<LoadMeterData>(
    (m, p) => ({
      slotMs,
      connections: m.connections + p.connections,
      finished: addInto(m.finished, p.finished),
      ok: addInto(m.ok, p.ok),
      latencySum: addInto(m.latencySum, p.latencySum),
      unfinished: addInto(m.unfinished, p.unfinished),
      okByEnd: addInto(m.okByEnd, p.okByEnd),
      gapSumMs: m.gapSumMs + p.gapSumMs,
      gapCount: m.gapCount + p.gapCount,
      wireBytes: m.wireBytes + p.wireBytes,
      firstWaveMs: [...m.firstWaveMs, ...p.firstWaveMs],
      firstSentMs: Math.min(m.firstSentMs, p.firstSentMs),
      lastSentMs: Math.max(m.lastSentMs, p.lastSentMs),
      lastEndMs: Math.max(m.lastEndMs, p.lastEndMs),
      maxLatencyMs: Math.max(m.maxLatencyMs, p.maxLatencyMs),
      stoppedAtMs: Math.min(m.stoppedAtMs, p.stoppedAtMs),
    }),
    parts[0]!,
  );
}

/** Slot size for a run: 10 ms, coarser for very long runs so a meter stays under ~20,000 slots. */
export function slotMsFor(runMs: number): number {
  return Math.max(10, Math.ceil(runMs / 20_000 / 10) * 10);
}
