// `wobbly <URL> -n N -c C …`: the one-liner. Its flags become a Scenario (src/oneliner/scenario.ts),
// which then goes the way of `wobbly run`: server, run, report, JSON, CI reports, exit code.
import { readBodyFile } from '../input/body-file.js';
import { oneLinerScenario, type OneLinerFlags } from '../oneliner/scenario.js';
import { ScenarioError, formatProblem } from '../scenario/problems.js';
import { EXIT } from './exit-codes.js';
import type { Io } from './io.js';
import { baselineGate, type CiFlags } from './ci.js';
import { exitCodeOf, runWithServer } from './run-command.js';
import { tlsTrustOf, type TlsFlags } from './tls-flags.js';

export interface OneLinerCliFlags extends CiFlags, TlsFlags {
  n?: string;
  c?: string;
  t?: string;
  header: string[];
  method?: string;
  data?: string;
  contentType?: string;
  rate?: string;
  probe?: string;
  timeout?: string;
  json?: string;
  /** Save the run's data (gzip'd JSON) for `wobbly analyse`, as `run --raw` does. */
  raw?: string;
  quiet?: boolean;
  expect: string[];
  server?: string;
  serverEnv?: Record<string, string>;
  serverReady?: string;
}

export async function oneLinerCommand(url: string, flags: OneLinerCliFlags, io: Io): Promise<number> {
  const scenario = await buildScenario(url, flags, io);
  if (!scenario) return EXIT.badInput;
  const gate = await baselineGate(scenario, flags);
  const tls = await tlsTrustOf(flags);
  const result = await runWithServer(scenario, { command: flags.server, env: flags.serverEnv, readyPath: flags.serverReady }, { ...flags, tls }, io, gate);
  return exitCodeOf(result);
}

/** The scenario, or undefined after printing every problem (nothing is sent then). */
export async function buildScenario(url: string, flags: OneLinerCliFlags, io: Io) {
  const input: OneLinerFlags = {
    url,
    requests: flags.n,
    concurrency: flags.c,
    timeLimit: flags.t,
    headers: flags.header,
    method: flags.method,
    data: flags.data,
    contentType: flags.contentType,
    rate: flags.rate,
    probe: flags.probe,
    timeout: flags.timeout,
    expect: flags.expect,
  };
  if (flags.data?.startsWith('@')) {
    const path = flags.data.slice(1);
    input.dataFile = { path, ...readBodyFile(path) }; // the same reader and cap as a scenario's body: { file }
  }
  try {
    return oneLinerScenario(input);
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    for (const p of err.problems) io.err(`${formatProblem(p)}\n`);
    const n = err.problems.length;
    io.err(`wobbly: ${n} problem${n > 1 ? 's' : ''} in the command line; nothing was sent to the target (see \`wobbly <URL> --help\`).\n`);
    return undefined;
  }
}

/** The hidden command name the one-liner is parsed under. */
export { ONE_LINER_COMMAND, routeOneLiner } from './oneliner-route.js';
