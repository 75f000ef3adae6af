// The run while it runs (live recorders, which the progress line reads), and how it settles at
// the end into RunData: plain data that analysis reads and that can be saved and analysed again.
import type { ActorRecorder } from '../metrics/actor-recorder.js';
import { RUN_DATA_FORMAT, RUN_DATA_VERSION, type Calibration, type RunData } from '../run-data/types.js';
import type { LoopLagMonitor } from '../selfcheck/loop-lag.js';
import type { ActorSpec, Scenario } from '../types.js';
import { VERSION } from '../version.js';

/** The run while it runs: live recorders (the progress line reads them); settled into RunData at the end. */
export interface RunRecord {
  scenario: Scenario;
  startedAt: Date;
  /** Length of the measured run (ms). */
  durationMs: number;
  partial: boolean;
  /** Why the run ended early, if it did. */
  stoppedBy?: 'interrupt' | 'target-down';
  targetDown?: { atMs: number; error: string };
  actors: Map<string, ActorRecorder>;
  specs: Map<string, ActorSpec>;
  calibration: Map<string, Calibration>;
  selfLag: LoopLagMonitor;
}

export function settle(record: RunRecord): RunData {
  return {
    format: RUN_DATA_FORMAT,
    version: RUN_DATA_VERSION,
    tool: { name: 'wobbly', version: VERSION },
    scenario: record.scenario,
    startedAt: record.startedAt.toISOString(),
    durationMs: record.durationMs,
    partial: record.partial,
    ...(record.stoppedBy ? { stoppedBy: record.stoppedBy } : {}),
    ...(record.targetDown ? { targetDown: { ...record.targetDown } } : {}),
    calibration: Object.fromEntries(record.calibration),
    self: record.selfLag.toData(),
    actors: [...record.actors].map(([name, rec]) => rec.toData(record.specs.get(name)!.kind)),
  };
}
