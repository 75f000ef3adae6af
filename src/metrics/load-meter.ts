// What the concurrency analysis needs from a closed-model load, aggregated online and in fixed
// memory: per end-time slot (10 ms or more) the answers and their summed latency (throughput and
// latency over a steady-state window chosen afterwards), wobbly's own turnaround between an answer
// and the next send, and the latency of each connection's first request (the first wave: N
// requests sent at once).
import type { MeterData } from '../run-data/types.js';

export interface LoadMeterData {
  slotMs: number;
  connections: number;
  /** Per end slot (index = floor(endMs / slotMs)): requests answered with 2xx/3xx. */
  okByEnd: Float64Array;
  /** Per end slot: their summed latency (ms). */
  latencyByEnd: Float64Array;
  gapSumMs: number;
  gapCount: number;
  /** Every byte received: heads, bodies and framing (ab's "Total transferred"). */
  wireBytes: number;
  /** Latency of each connection's first request (ms; Infinity when it got no answer). */
  firstWaveMs: number[];
  firstSentMs: number;
  lastSentMs: number;
  lastEndMs: number;
  /** When the requests still in flight were cut short (the end of the run); Infinity: never. */
  stoppedAtMs: number;
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
  private okByEnd = new Float64Array(64);
  private latencyByEnd = new Float64Array(64);
  private endSlots = 0;
  private gapSumMs = 0;
  private gapCount = 0;
  private wireBytes = 0;
  private readonly firstWaveMs: number[] = [];
  private firstSentMs = Infinity;
  private lastSentMs = -Infinity;
  private lastEndMs = -Infinity;
  private stoppedAtMs = Infinity;

  constructor(
    readonly slotMs: number,
    readonly connections: number,
  ) {}

  record(r: MeteredResult): void {
    this.firstSentMs = Math.min(this.firstSentMs, r.sentMs);
    this.lastSentMs = Math.max(this.lastSentMs, r.sentMs);
    const answered = !r.error && r.status >= 200 && r.status < 400;
    if (r.seq === 0) this.firstWaveMs.push(answered ? r.endMs - r.sentMs : Infinity);
    if (r.error === 'unfinished') {
      this.stoppedAtMs = Math.min(this.stoppedAtMs, r.endMs);
      return;
    }
    this.wireBytes += r.wireBytes;
    this.lastEndMs = Math.max(this.lastEndMs, r.endMs);
    if (r.gapMs === r.gapMs) {
      this.gapSumMs += r.gapMs;
      this.gapCount++;
    }
    if (!answered) return;
    const e = Math.max(0, Math.floor(r.endMs / this.slotMs));
    if (e >= this.endSlots) {
      this.endSlots = e + 1;
      this.okByEnd = grown(this.okByEnd, this.endSlots);
      this.latencyByEnd = grown(this.latencyByEnd, this.endSlots);
    }
    this.okByEnd[e]!++;
    this.latencyByEnd[e]! += r.endMs - r.sentMs;
  }

  data(): LoadMeterData {
    return {
      slotMs: this.slotMs,
      connections: this.connections,
      okByEnd: this.okByEnd.slice(0, this.endSlots),
      latencyByEnd: this.latencyByEnd.slice(0, this.endSlots),
      gapSumMs: this.gapSumMs,
      gapCount: this.gapCount,
      wireBytes: this.wireBytes,
      firstWaveMs: [...this.firstWaveMs],
      firstSentMs: this.firstSentMs,
      lastSentMs: this.lastSentMs,
      lastEndMs: this.lastEndMs,
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
      okByEnd: addInto(m.okByEnd, p.okByEnd),
      latencyByEnd: addInto(m.latencyByEnd, p.latencyByEnd),
      gapSumMs: m.gapSumMs + p.gapSumMs,
      gapCount: m.gapCount + p.gapCount,
      wireBytes: m.wireBytes + p.wireBytes,
      firstWaveMs: [...m.firstWaveMs, ...p.firstWaveMs],
      firstSentMs: Math.min(m.firstSentMs, p.firstSentMs),
      lastSentMs: Math.max(m.lastSentMs, p.lastSentMs),
      lastEndMs: Math.max(m.lastEndMs, p.lastEndMs),
      stoppedAtMs: Math.min(m.stoppedAtMs, p.stoppedAtMs),
    }),
    parts[0]!,
  );
}

/** Slot size for a run: 10 ms, coarser for very long runs so a meter stays under ~20,000 slots. */
export function slotMsFor(runMs: number): number {
  return Math.max(10, Math.ceil(runMs / 20_000 / 10) * 10);
}

const orNull = (x: number) => (Number.isFinite(x) ? x : null);

/** JSON-safe: typed arrays as arrays, "never" (±Infinity) as null. */
export function meterToData(m: LoadMeterData): MeterData {
  return {
    slotMs: m.slotMs,
    connections: m.connections,
    okByEnd: Array.from(m.okByEnd),
    latencyByEnd: Array.from(m.latencyByEnd),
    gapSumMs: m.gapSumMs,
    gapCount: m.gapCount,
    wireBytes: m.wireBytes,
    firstWaveMs: m.firstWaveMs.map(orNull),
    firstSentMs: orNull(m.firstSentMs),
    lastSentMs: orNull(m.lastSentMs),
    lastEndMs: orNull(m.lastEndMs),
    stoppedAtMs: orNull(m.stoppedAtMs),
  };
}

export function meterFromData(d: MeterData): LoadMeterData {
  return {
    slotMs: d.slotMs,
    connections: d.connections,
    okByEnd: Float64Array.from(d.okByEnd),
    latencyByEnd: Float64Array.from(d.latencyByEnd),
    gapSumMs: d.gapSumMs,
    gapCount: d.gapCount,
    wireBytes: d.wireBytes,
    firstWaveMs: d.firstWaveMs.map((x) => x ?? Infinity),
    firstSentMs: d.firstSentMs ?? Infinity,
    lastSentMs: d.lastSentMs ?? -Infinity,
    lastEndMs: d.lastEndMs ?? -Infinity,
    stoppedAtMs: d.stoppedAtMs ?? Infinity,
  };
}
