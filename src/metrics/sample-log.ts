// Raw samples of low-rate actors (probes, single requests) in typed arrays: ~30 bytes a sample,
// so a 10-minute probe at 1,000/s costs ~18 MB, and nothing per sample is left for the GC.
import type { SampleColumns } from '../run-data/types.js';
import type { Sample } from '../types.js';

export class SampleLog {
  private scheduled = new Float64Array(1024);
  private sent = new Float64Array(1024);
  private end = new Float64Array(1024);
  private status = new Uint16Array(1024);
  private errorIndex = new Uint8Array(1024);
  private bytes = new Uint32Array(1024);
  /** 0 unknown, 1 a new connection, 2 a reused one. */
  private conn = new Uint8Array(1024);
  private readonly errors: string[] = [''];
  private readonly ids = new Map<number, Record<string, string>>();
  length = 0;

  push(s: Sample): void {
    if (this.length === this.scheduled.length) this.grow();
    const i = this.length++;
    this.scheduled[i] = s.scheduledMs;
    this.sent[i] = s.sentMs;
    this.end[i] = s.endMs;
    this.status[i] = s.status;
    this.bytes[i] = Math.min(s.bytes, 0xffffffff);
    this.errorIndex[i] = s.error ? this.intern(s.error) : 0;
    this.conn[i] = s.reused === undefined ? 0 : s.reused ? 2 : 1;
    if (s.ids && Object.keys(s.ids).length) this.ids.set(i, s.ids);
  }

  get(i: number): Sample {
    const e = this.errorIndex[i]!;
    const s: Sample = {
      scheduledMs: this.scheduled[i]!,
      sentMs: this.sent[i]!,
      endMs: this.end[i]!,
      status: this.status[i]!,
      bytes: this.bytes[i]!,
    };
    if (e) s.error = this.errors[e];
    if (this.conn[i]) s.reused = this.conn[i] === 2;
    const ids = this.ids.get(i);
    if (ids) s.ids = ids;
    return s;
  }

  *[Symbol.iterator](): IterableIterator<Sample> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }

  /** Samples ordered by scheduled time (probes finish out of order). */
  sortedBySchedule(): Sample[] {
    return [...this].sort((a, b) => a.scheduledMs - b.scheduledMs);
  }

  toData(): SampleColumns {
    const n = this.length;
    const col = (a: Float64Array | Uint16Array | Uint8Array | Uint32Array) => Array.from(a.subarray(0, n));
    return {
      scheduledMs: col(this.scheduled),
      sentMs: col(this.sent),
      endMs: col(this.end),
      status: col(this.status),
      bytes: col(this.bytes),
      error: col(this.errorIndex),
      errors: [...this.errors],
      conn: col(this.conn),
      ids: [...this.ids].sort((a, b) => a[0] - b[0]),
    };
  }

  private intern(error: string): number {
    let i = this.errors.indexOf(error);
    if (i < 0) {
      if (this.errors.length >= 255) return 255; // more distinct errors than anyone reads: fold them
      i = this.errors.push(error) - 1;
    }
    return i;
  }

  private grow(): void {
    const n = this.scheduled.length * 2;
    const grow = <T extends Float64Array | Uint16Array | Uint8Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.scheduled = grow(this.scheduled, (k) => new Float64Array(k));
    this.sent = grow(this.sent, (k) => new Float64Array(k));
    this.end = grow(this.end, (k) => new Float64Array(k));
    this.status = grow(this.status, (k) => new Uint16Array(k));
    this.errorIndex = grow(this.errorIndex, (k) => new Uint8Array(k));
    this.bytes = grow(this.bytes, (k) => new Uint32Array(k));
    this.conn = grow(this.conn, (k) => new Uint8Array(k));
  }
}

/** The samples of a SampleColumns, in recorded order. */
export function samplesOf(c: SampleColumns): Sample[] {
  const ids = new Map(c.ids);
  return c.scheduledMs.map((scheduledMs, i) => {
    const s: Sample = { scheduledMs, sentMs: c.sentMs[i]!, endMs: c.endMs[i]!, status: c.status[i]!, bytes: c.bytes[i]! };
    const e = c.error[i]!;
    if (e) s.error = c.errors[e];
    if (c.conn[i]) s.reused = c.conn[i] === 2;
    const id = ids.get(i);
    if (id) s.ids = id;
    return s;
  });
}
