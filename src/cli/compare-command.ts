// `wobbly compare <scenario> --vary NAME=v1,v2 …`: restart the server for every combination of
// settings (and --repeat), run, and print one table with a recommendation.
import { loadScenario } from '../scenario/load.js';
import { clientParams, combinations, parseVary, settingsLabel, type Vary } from '../compare/settings.js';
import { recommend, summariseRuns, type CompareRun } from '../compare/summarise.js';
import { renderCompare } from '../report/compare-table.js';
import { writeOutput } from '../report/write-file.js';
import { checkOutputs } from './outputs.js';
import { EXIT } from './exit-codes.js';
import type { Io } from './io.js';
import { exitCodeOf, runWithServer } from './run-command.js';
import { writeHtml } from './html-output.js';
import { abCompare } from '../compare/ab-command.js';
import { maskSecrets } from '../scenario/secrets.js';
import type { Tolerances } from '../baseline/tolerance.js';

export interface CompareFlags {
  vary: string[];
  repeat: string;
  set: Record<string, string>;
  json?: string;
  html?: string;
  server?: string;
  serverEnv: Record<string, string>;
  serverReady?: string;
  quiet?: boolean;
  /** A/B in one job (src/compare/ab-command.ts). */
  serverA?: string;
  serverB?: string;
  maxRegression?: Tolerances;
  env?: Record<string, string | undefined>;
}

export async function compareCommand(ref: string, flags: CompareFlags, io: Io): Promise<number> {
  if (flags.serverA !== undefined || flags.serverB !== undefined) return abCommand(ref, flags, io);
  const problems: string[] = [];
  const varies: Vary[] = [];
  for (const v of flags.vary) {
    const parsed = parseVary(v);
    if (typeof parsed === 'string') problems.push(`--vary ${v}: ${parsed}`);
    else varies.push(parsed);
  }
  if (!flags.vary.length) problems.push('--vary: give at least one, e.g. --vary ANYIO_TOKENS=10,40,60');
  const repeat = Number(flags.repeat);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 50) problems.push(`--repeat: expected a whole number from 1 to 50, got "${flags.repeat}"`);
  const base = await loadScenario(ref, { set: flags.set, server: Boolean(flags.server), env: flags.env });
  await checkOutputs({ json: flags.json, html: flags.html });
  if (!base.server && !flags.server) problems.push(`${base.source}: compare restarts the server for every setting: give it a server: section or --server "CMD"`);
  if (problems.length) {
    for (const p of problems) io.err(`wobbly: ${p}\n`);
    return EXIT.badInput;
  }
  // Each combination must load cleanly (a value may not fit a param's type): check all first.
  const plans = [];
  for (const settings of combinations(varies)) {
    const paramSet = Object.fromEntries(Object.entries(settings).filter(([k]) => k in base.params));
    plans.push({ settings, scenario: await loadScenario(ref, { set: { ...flags.set, ...paramSet }, server: Boolean(flags.server), env: flags.env }) });
  }

  const runs: CompareRun[] = [];
  const total = plans.length * repeat;
  for (const plan of plans) {
    for (let i = 0; i < repeat; i++) {
      if (io.interrupt.aborted) break;
      if (!flags.quiet) io.err(`wobbly: [${runs.length + 1}/${total}] ${settingsLabel(plan.settings)}${repeat > 1 ? ` (run ${i + 1}/${repeat})` : ''}\n`);
      const result = await runWithServer(
        plan.scenario,
        { command: flags.server, env: { ...flags.serverEnv, ...plan.settings }, readyPath: flags.serverReady },
        { quiet: true, announceServer: !flags.quiet },
        io,
      );
      const code = exitCodeOf(result);
      if (code === EXIT.interrupted) break;
      if (code === EXIT.targetUnreachable) {
        io.err(`wobbly: ${settingsLabel(plan.settings)}: the server went away during the run; that setting is left out\n`);
        continue;
      }
      runs.push({ settings: plan.settings, result: maskSecrets(result, plan.scenario.secrets) });
    }
  }
  const rows = summariseRuns(runs);
  const rec = recommend(rows, clientParams(plans));
  const report = { schemaVersion: 1 as const, scenario: base.name, runs: runs.map((r) => ({ settings: r.settings, ...r.result })), rows, recommended: rec ?? null };
  if (flags.json !== undefined) await writeOutput(flags.json, JSON.stringify(report, null, 2) + '\n', io.out);
  if (!flags.quiet && rows.length) io.out(renderCompare(rows, rec, base.name));
  if (flags.html) await writeHtml(flags.html, { kind: 'compare', compare: report }, io, flags.quiet);
  if (io.interrupt.aborted) return EXIT.interrupted;
  return runs.length ? EXIT.ok : EXIT.targetUnreachable;
}

async function abCommand(ref: string, flags: CompareFlags, io: Io): Promise<number> {
  const problems: string[] = [];
  if (!flags.serverA || !flags.serverB) problems.push('A/B: give both --server-a "CMD" and --server-b "CMD"');
  if (flags.vary.length) problems.push('A/B: --vary does not go with --server-a/--server-b (compare settings, or two servers, not both)');
  if (flags.server) problems.push('A/B: --server does not go with --server-a/--server-b');
  const pairs = Number(flags.repeat);
  if (!Number.isInteger(pairs) || pairs < 1 || pairs > 50) problems.push(`--repeat: expected a whole number of A/B pairs from 1 to 50, got "${flags.repeat}"`);
  const scenario = await loadScenario(ref, { set: flags.set, server: true, env: flags.env });
  if (problems.length) {
    for (const p of problems) io.err(`wobbly: ${p}\n`);
    return EXIT.badInput;
  }
  return abCompare(scenario, { serverA: flags.serverA!, serverB: flags.serverB!, pairs, serverEnv: flags.serverEnv, serverReady: flags.serverReady, maxRegression: flags.maxRegression, json: flags.json, quiet: flags.quiet }, io);
}
