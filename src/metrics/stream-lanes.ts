// Per-stream event times and identity values for the HTML swimlanes, in fixed memory: only the
// first MAX_LANES streams and their first MAX_LANE_EVENTS events are kept.
import type { StreamLanesData } from '../run-data/types.js';

export const MAX_LANES = 64;
export const MAX_LANE_EVENTS = 200;

/** One event of one stream, as the stream runner reports it. */
export interface LaneEvent {
  stream: number;
  atMs: number;
  id?: string;
}

export class StreamLaneLog {
  private readonly lanes = new Map<number, { t: number; id?: string }[]>();
  truncated = false;

  add(e: LaneEvent): void {
    let lane = this.lanes.get(e.stream);
    if (!lane) {
      if (this.lanes.size >= MAX_LANES) {
        this.truncated = true;
        return;
      }
      this.lanes.set(e.stream, (lane = []));
    }
    if (lane.length >= MAX_LANE_EVENTS) {
      this.truncated = true;
      return;
    }
    lane.push(e.id === undefined ? { t: e.atMs } : { t: e.atMs, id: e.id });
  }

  /** The lanes by stream number, JSON-safe (copies). */
  toData(): StreamLanesData {
    return {
      lanes: [...this.lanes].sort((a, b) => a[0] - b[0]).map(([stream, events]) => ({ stream, events: events.map((e) => ({ ...e })) })),
      truncated: this.truncated,
    };
  }
}
