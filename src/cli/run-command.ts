// `wobbly run`: load the scenario, start its server if it has one, run, print the report, write
// the JSON, stop the server, pick the exit code.
import { loadScenario, type LoadOptions } from '../scenario/load.js';
import { executeRunInThread } from '../engine/run-thread.js';
import { encodeRunData } from '../run-data/file.js';
import type { RunData } from '../run-data/types.js';
import { renderTerminal } from '../report/terminal.js';
import { STDOUT, writeFileAtomic, writeOutput } from '../report/write-file.js';
import { checkOutputs, guardWorkflowCommands, stdoutTaken, type OutputFlags } from './outputs.js';
import type { RunResult } from '../result/types.js';
import { launchTarget, type ServerOverrides } from '../server/lifecycle.js';
import type { Scenario } from '../types.js';
import { EXIT } from './exit-codes.js';
import type { Io } from './io.js';
import { progressLine } from './progress.js';
import { maskSecrets } from '../scenario/secrets.js';
import { baselineGate, parseRepeat, repeatedBaseline, writeCiReports, type CiFlags } from './ci.js';
import { writeHtml } from './html-output.js';
import { tlsTrustOf, type TlsFlags } from './tls-flags.js';
import type { TlsTrust } from '../net/tls.js';
import { shardPlan, shardData, type ShardPlan } from './shard-flags.js';

export interface RunFlags extends CiFlags, TlsFlags {
  target?: string;
  set: Record<string, string>;
  json?: string;
  /** Write the HTML report to this file. */
  html?: string;
  /** Save the run's data (gzip'd JSON) for `wobbly analyse`. */
  raw?: string;
  quiet?: boolean;
  server?: string;
  serverEnv?: Record<string, string>;
  serverReady?: string;
  expect?: string[];
  /** `--shard I/N` (0-based) and `--start-at ISO`: see src/shard/. */
  shard?: string;
  startAt?: string;
  /** The environment for ${env:NAME} in scenarios (main.ts passes the process's). */
  env?: Record<string, string | undefined>;
}

export async function runCommand(ref: string, flags: RunFlags, io: Io): Promise<number> {
  const load: LoadOptions = { set: flags.set, target: flags.target, server: Boolean(flags.server), expect: flags.expect, env: flags.env };
  const plan = shardPlan(flags, new Date()); // bad --shard/--start-at: exit 2, nothing sent
  const loaded = await loadScenario(ref, load);
  const scenario = plan.split(loaded);
  await checkOutputs(flags); // before the server starts and before any request: a bad path is exit 2
  const gate = await baselineGate(scenario, flags); // before the server starts: a bad baseline is exit 2
  const tls = await tlsTrustOf(flags);
  const once = (f: CiFlags) => runWithServer(scenario, { command: flags.server, env: flags.serverEnv, readyPath: flags.serverReady, explicitTarget: Boolean(flags.target) }, { ...flags, ...f, plan, tls }, io, gate);
  const k = parseRepeat(flags.repeat, flags);
  const result = k > 1 ? await repeatedBaseline(k, flags, io, once) : await once(flags);
  return exitCodeOf(result);
}

/** Start the scenario's server (if any), run, and always stop the server again. */
export async function runWithServer(
  scenario: Scenario,
  overrides: ServerOverrides,
  flags: Pick<RunFlags, 'json' | 'html' | 'raw' | 'quiet'> & CiFlags & { announceServer?: boolean; plan?: ShardPlan; tls?: TlsTrust },
  io: Io,
  finish?: (result: RunResult) => RunResult,
): Promise<RunResult> {
  const launched = await launchTarget(scenario, { ...overrides, interrupt: io.interrupt, ...(flags.tls ? { tls: flags.tls } : {}) });
  const server = launched.server;
  try {
    if (server && (flags.announceServer ?? !flags.quiet)) io.err(`wobbly: started \`${maskSecrets(launched.command, scenario.secrets)}\` (pid ${server.pid}) on ${launched.scenario.target}\n`);
    return await runAndReport(launched.scenario, flags, io, (result) => {
      if (launched.interrupted) result.server = { command: launched.command!, pid: launched.interrupted.pid, port: launched.port };
      if (!server) return finish?.(result);
      result.server = { command: launched.command!, pid: server.pid, port: launched.port };
      if (server.exit) {
        result.server.exitedDuringRun = { code: server.exit.code, signal: server.exit.signal };
        result.server.logTail = server.logTail();
      }
      return finish?.(result);
    });
  } finally {
    if (server) {
      const diedEarly = server.exit;
      await server.stop();
      if (diedEarly) {
        io.err(`wobbly: the server exited during the run (${diedEarly.signal ? `signal ${diedEarly.signal}` : `exit code ${diedEarly.code}`}); its last output:\n`);
        io.err(server.logTail().map((l) => `  | ${l}\n`).join(''));
      }
    }
  }
}

export async function runAndReport(
  scenario: Scenario,
  flags: Pick<RunFlags, 'json' | 'html' | 'raw' | 'quiet'> & CiFlags & { plan?: ShardPlan; tls?: TlsTrust },
  io: Io,
  /** Adds to the result before it is written: the server's facts, the baseline comparison. */
  annotate?: (result: RunResult) => RunResult | void,
): Promise<RunResult> {
  const progress = (io.progress ?? io.isTTY) && !flags.quiet ? progressLine(io, scenario) : undefined;
  let run: Awaited<ReturnType<typeof executeRunInThread>>;
  const before = await flags.plan?.beforeRun(scenario, io.interrupt);
  try {
    // In its own thread: its heap is capped, so a long run's RSS stays flat (src/engine/thread-limits.ts).
    run = await executeRunInThread(scenario, { interrupt: io.interrupt, ...(progress ? { onLive: progress.show } : {}), loadNice: io.loadNice, ...(flags.plan?.startAt ? { startAt: flags.plan.startAt } : {}), ...(flags.tls ? { tls: flags.tls } : {}) });
  } finally {
    progress?.clear();
  }
  if (flags.plan && before) run.data.shard = shardData(flags.plan, before, run.data);
  const result = annotate?.(run.result) ?? run.result;
  // The server's facts go with the data: `wobbly analyse` reports them as the run did.
  // Saved with the secrets masked, as everything else (the analysis reads no secret).
  if (flags.raw !== undefined) await writeRunData(flags.raw, maskSecrets({ ...run.data, ...(result.server ? { server: result.server } : {}) }, scenario.secrets), io.out);
  await writeAndShow(result, flags, io);
  await writeCiReports(result, flags, io);
  return result;
}

/** The JSON result (--json) and the terminal report, for `run` and `analyse`. */
export async function writeAndShow(result: RunResult, flags: OutputFlags & { quiet?: boolean }, io: Io): Promise<void> {
  if (flags.json !== undefined) await writeOutput(flags.json, JSON.stringify(result, null, 2) + '\n', io.out);
  // With an output on stdout ("-"), the terminal report goes to stderr so that stdout stays parseable.
  const show = stdoutTaken(flags) ? io.err : io.out;
  if (!flags.quiet) show(guardWorkflowCommands(renderTerminal(result, { color: io.color && !stdoutTaken(flags), width: io.width }), io));
  if (flags.json !== undefined && flags.json !== STDOUT && !flags.quiet) show(`result written to ${flags.json}\n`);
  if (flags.html !== undefined) await writeHtml(flags.html, { kind: 'run', result }, io, flags.quiet);
}

/** `--raw FILE`: gzip'd; `--raw -`: plain JSON on stdout (`wobbly analyse` reads both). */
export async function writeRunData(path: string, data: RunData, stdout: (text: string) => void): Promise<void> {
  if (path === STDOUT) stdout(JSON.stringify(data) + '\n');
  else await writeFileAtomic(path, encodeRunData(data));
}

export function exitCodeOf(result: RunResult): number {
  if (result.stoppedBy === 'interrupt') return EXIT.interrupted;
  if (result.stoppedBy === 'target-down' || result.server?.exitedDuringRun) return EXIT.targetUnreachable;
  return result.pass ? EXIT.ok : EXIT.expectationFailed;
}
