// A one-line live progress display, only on a TTY.
import type { RunRecord } from '../engine/run.js';
import type { Scenario } from '../types.js';
import type { Io } from './io.js';

export function progressLine(io: Io, scenario: Scenario) {
  let shown = false;
  return {
    update: (elapsedMs: number, record: RunRecord) => {
      const parts = [...record.actors].map(([name, a]) => {
        const failures = a.failures + a.live.failures;
        return `${name} ${a.requests + a.live.requests - failures} ok${failures ? `/${failures} failed` : ''}`;
      });
      const pct = Math.min(100, Math.round((elapsedMs / scenario.durationMs) * 100));
      io.err(`\r\u001b[2K${scenario.name} ${(elapsedMs / 1000).toFixed(1)}s/${(scenario.durationMs / 1000).toFixed(0)}s ${pct}% · ${parts.join(' · ')}`);
      shown = true;
    },
    clear: () => {
      if (shown) io.err('\r\u001b[2K');
    },
  };
}
