// The end of a run: the live recorders become RunData, plain data that analysis reads and that
// can be saved and analysed again.
import { RUN_DATA_FORMAT, RUN_DATA_VERSION, type RunData } from '../run-data/types.js';
import { VERSION } from '../version.js';
import type { RunRecord } from './run.js';

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
