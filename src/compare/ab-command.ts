// `wobbly compare <scenario> --server-a "CMD" --server-b "CMD" [--repeat N]`: start A, run, stop;
// start B, run, stop; N times (A B A B …), then judge B against A pair by pair (./ab.ts).
import { defaultTolerances, type Tolerances } from '../baseline/tolerance.js';
import { EXIT } from '../cli/exit-codes.js';
import type { Io } from '../cli/io.js';
import { exitCodeOf, runWithServer } from '../cli/run-command.js';
import { baselineBlock } from '../report/baseline-text.js';
import { writeFileAtomic } from '../report/write-file.js';
import type { RunResult } from '../result/types.js';
import { maskSecrets } from '../scenario/secrets.js';
import type { Scenario } from '../types.js';
import { compareAb, type AbPair } from './ab.js';

export interface AbFlags {
  serverA: string;
  serverB: string;
  pairs: number;
  serverEnv: Record<string, string>;
  serverReady?: string;
  maxRegression?: Tolerances;
  json?: string;
  quiet?: boolean;
}

export async function abCompare(scenario: Scenario, flags: AbFlags, io: Io): Promise<number> {
  const pairs: AbPair[] = [];
  const runOne = async (side: 'A' | 'B', i: number): Promise<RunResult | number> => {
    if (!flags.quiet) io.err(`wobbly: [${2 * i + (side === 'A' ? 1 : 2)}/${2 * flags.pairs}] server ${side}${flags.pairs > 1 ? ` (pair ${i + 1}/${flags.pairs})` : ''}\n`);
    const command = side === 'A' ? flags.serverA : flags.serverB;
    const r = await runWithServer(scenario, { command, env: flags.serverEnv, readyPath: flags.serverReady }, { quiet: true, announceServer: !flags.quiet }, io);
    const code = exitCodeOf(r);
    if (code === EXIT.interrupted || code === EXIT.targetUnreachable) return code;
    return maskSecrets(r, scenario.secrets);
  };
  for (let i = 0; i < flags.pairs; i++) {
    const a = await runOne('A', i);
    if (typeof a === 'number') return a;
    const b = await runOne('B', i);
    if (typeof b === 'number') return b;
    pairs.push({ a, b });
  }
  const comparison = compareAb(pairs, flags.maxRegression ?? defaultTolerances(), `server A (${flags.serverA})`);
  if (flags.json) {
    await writeFileAtomic(flags.json, JSON.stringify({ schemaVersion: 1, scenario: scenario.name, pairs, comparison }, null, 2) + '\n');
  }
  if (!flags.quiet) {
    io.out(`A/B: ${scenario.name}, B = ${flags.serverB}\n${baselineBlock(comparison, io.color)}\n`);
    io.out(comparison.pass ? `PASS: B did not regress against A (${comparison.comparisons.length} metrics)\n` : `FAIL: ${comparison.regressions} regression${comparison.regressions === 1 ? '' : 's'} of B against A\n`);
  }
  return comparison.pass ? EXIT.ok : EXIT.expectationFailed;
}
