// The CLI: the only layer that touches `process` (argv, stdout, signals, exit codes).
// Each command's code is imported when that command runs, so `wobbly --help` (or a typo) starts
// about as fast as Node itself (bench/startup.ts): only commander and a few small modules load here.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { VERSION } from '../version.js';
import { ScenarioError, formatProblem } from '../scenario/problems.js';
import { TargetUnreachableError } from '../net/unreachable.js';
import { ServerStartError } from '../server/start-errors.js';
import { killAllLiveSync } from '../server/live.js';
import { EXIT } from './exit-codes.js';
import type { Io } from './io.js';
import type { RunFlags } from './run-command.js';
import type { AnalyseFlags } from './analyse-command.js';
import { runSettings, terminalSettings } from './io.js';
import { InputError } from '../input-error.js';
import { defaultTolerances, parseTolerance, type Tolerances } from '../baseline/tolerance.js';
import type { CompareFlags } from './compare-command.js';
import type { DoctorFlags } from './doctor-command.js';
import { ONE_LINER_COMMAND, routeOneLiner } from './oneliner-route.js';
import type { OneLinerCliFlags } from './oneliner-command.js';
import type { MergeFlags } from './merge-command.js';
import { parseFailOn, type FailOn } from './fail-on.js';

function collectSet(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected name=value, got "${value}"`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

function collectList(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function collectTolerance(value: string, previous: Tolerances | undefined): Tolerances {
  try {
    return parseTolerance(value, previous ?? defaultTolerances());
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function collectFailOn(value: string): FailOn {
  try {
    return parseFailOn(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** What `run` and the one-liner share: the JSON, the saved run data, expectations, CI reports and the server to start. */
function runOptions(cmd: Command): Command {
  return cmd
    .option('--json <file>', 'write the JSON result to this file (atomically)')
    .option('--raw <file>', 'save the run\'s data (gzip\'d JSON) to analyse again later with `wobbly analyse`')
    .option('-q, --quiet', 'print nothing but errors')
    .option('-e, --expect <expr>', 'an expectation, e.g. "probe.p99 < 200ms" or "verdict.event-loop-stall == clear" (repeatable; checked before the run)', collectList, [])
    .option('--baseline <file>', 'compare with a saved result; exit 1 on a regression beyond --max-regression that is not noise')
    .option('--max-regression <tolerance>', 'allowed regression against --baseline: "10%" (the default), per metric "p99=20%", "max=off" (repeatable)', collectTolerance)
    .option('--save-baseline <file>', 'write this run\'s result as a baseline for later runs (not when the run was cut short)')
    .option('--repeat <k>', 'with --save-baseline: run K times and save all K runs (the baseline then knows its own run-to-run noise)')
    .option('--fail-on <level>', '"detected": a detected verdict fails the run (exit 1); "inconclusive": a detected or inconclusive one does', collectFailOn)
    .option('--junit <file>', 'write a JUnit XML report (expectations, verdicts, baseline comparisons)')
    .option('--markdown <file>', 'write a Markdown summary')
    .option('--html <file>', 'write a self-contained HTML report with charts (one file, no network access when opened)')
    .option('--server <command>', 'start this server first ({port} = a free loopback port) and stop it after the run')
    .option('--server-env <name=value>', 'environment variable for the server (repeatable)', collectSet, {})
    .option('--server-ready <path>', 'path that answers once the server is ready (default "/")')
    .option('--insecure', 'https:// target: accept any server certificate (a self-signed test server)')
    .option('--ca <file>', 'https:// target: also trust the PEM certificate(s) in this file (a private CA, a self-signed server)');
}

function makeIo(interrupt: AbortSignal): Io {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    ...terminalSettings({ env: process.env, stdoutIsTTY: Boolean(process.stdout.isTTY), stderrIsTTY: Boolean(process.stderr.isTTY), columns: process.stdout.columns }),
    interrupt,
    ...runSettings(process.env),
  };
}

export async function main(argv: string[]): Promise<number> {
  const interrupt = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write(`\nwobbly: ${signal}: stopping, keeping the results so far (again to quit at once)\n`);
      interrupt.abort();
    } else {
      killAllLiveSync();
      process.exit(EXIT.interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const io = makeIo(interrupt.signal);
  let code: number = EXIT.ok;

  const program = new Command('wobbly')
    .description('Load tests that find the concurrency pathologies of web servers (event-loop stalls, pool starvation, ...) and say what they found.')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });

  const run = program
    .command('run')
    .description('Run a scenario (a file, or the name of a built-in one) against a target.')
    .argument('<scenario>', 'scenario file (YAML or JSON) or built-in name (see `wobbly list`)')
    .option('-t, --target <url>', 'base URL of the server under test (overrides the scenario\'s target)')
    .option('-s, --set <name=value>', 'set a scenario param (repeatable)', collectSet, {})
    .option('--shard <I/N>', 'run share I of N (0-based: 0/4 … 3/4) of every actor; save it with --raw and join the shards with `wobbly merge`')
    .option('--start-at <iso-time>', 'wait after calibration until this wall-clock time (e.g. 2026-12-01T18:30:00Z), so that all shards start together');
  runOptions(run)
    .action(async (ref: string, opts: RunFlags) => {
      code = await (await import('./run-command.js')).runCommand(ref, { ...opts, env: process.env }, io);
    });

  program
    .command('compare')
    .description('Run a scenario under several server settings (restarting the server each time) and recommend one.')
    .argument('<scenario>', 'scenario file or built-in name; needs a server: section or --server')
    .option('--vary <NAME=v1,v2>', 'a setting to vary: passed to the server\'s environment and to the scenario param of that name (repeatable: a matrix)', (v: string, prev: string[]) => [...prev, v], [])
    .option('--repeat <n>', 'runs per setting (median and spread are shown)', '1')
    .option('-s, --set <name=value>', 'set a scenario param (repeatable)', collectSet, {})
    .option('--server <command>', 'the server to start ({port} = a free loopback port)')
    .option('--server-env <name=value>', 'environment variable for the server (repeatable)', collectSet, {})
    .option('--server-ready <path>', 'path that answers once the server is ready (default "/")')
    .option('--json <file>', 'write {schemaVersion, runs, recommended} to this file')
    .option('--html <file>', 'write a self-contained HTML report: the matrix as charts, and every run')
    .option('--server-a <command>', 'A/B: the reference server ({port} as for --server); runs alternate A B A B … (--repeat pairs)')
    .option('--server-b <command>', 'A/B: the changed server; exit 1 when it regressed beyond --max-regression')
    .option('--max-regression <tolerance>', 'A/B: allowed regression of B against A, as for `wobbly run`', collectTolerance)
    .option('-q, --quiet', 'print nothing but errors')
    .option('--insecure', 'https:// target: accept any server certificate (a self-signed test server)')
    .option('--ca <file>', 'https:// target: also trust the PEM certificate(s) in this file (a private CA, a self-signed server)')
    .action(async (ref: string, opts: CompareFlags) => {
      code = await (await import('./compare-command.js')).compareCommand(ref, { ...opts, env: process.env }, io);
    });

  program
    .command('list')
    .description('List the built-in scenarios.')
    .action(async () => {
      code = await (await import('./small-commands.js')).listCommand(io);
    });

  program
    .command('show')
    .description('Print a built-in scenario (or a scenario file) as it is, to copy and adapt.')
    .argument('<scenario>', 'built-in name (see `wobbly list`) or file')
    .action(async (ref: string) => {
      code = await (await import('./small-commands.js')).showCommand(ref, io);
    });

  program
    .command('validate')
    .description('Check a scenario file without sending anything; every problem is listed.')
    .argument('<scenario>', 'scenario file or built-in name')
    .option('-s, --set <name=value>', 'set a scenario param (repeatable)', collectSet, {})
    .option('-t, --target <url>', 'base URL the run would use')
    .option('-e, --expect <expr>', 'an expectation to check as well (repeatable)', collectList, [])
    .action(async (ref: string, opts: { set: Record<string, string>; target?: string; expect: string[] }) => {
      code = await (await import('./small-commands.js')).validateCommand(ref, { ...opts, env: process.env }, io);
    });

  program
    .command('diff')
    .description('Compare two saved results side by side: each metric, its change, and whether it is more than noise.')
    .argument('<a.json>', 'the first result (e.g. the baseline)')
    .argument('<b.json>', 'the second result')
    .action(async (a: string, b: string) => {
      code = await (await import('./diff-command.js')).diffCommand(a, b, io);
    });

  program
    .command('demo')
    .description('Start the built-in demo target (a server with real pathologies) and run the built-in scenarios against it.')
    .option('--json-dir <dir>', 'write each scenario\'s JSON result into this directory')
    .option('--html <file>', 'write one self-contained HTML report with a section per scenario')
    .addOption(new Option('--only <names>', 'comma-separated scenario names to run').argParser((v) => v.split(',').map((s) => s.trim()).filter(Boolean)))
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (opts: { jsonDir?: string; html?: string; only?: string[]; quiet?: boolean }) => {
      code = await (await import('./demo-command.js')).demoCommand(opts, io);
    });

  program
    .command('report')
    .description('Re-render a saved JSON in the terminal: a run result, a compare or a doctor report (and, with --html, any of them as an HTML report).')
    .argument('<result.json>', 'a file written by --json (run, compare or doctor)')
    .option('--html <file>', 'write a self-contained HTML report with charts')
    .action(async (file: string, opts: { html?: string }) => {
      code = await (await import('./small-commands.js')).reportCommand(file, io, opts);
    });

  program
    .command('analyse')
    .alias('analyze')
    .description('Analyse a run saved with `wobbly run --raw` again: analysis, verdicts, expectations and the report, nothing sent.')
    .argument('<run-file>', 'a file written by --raw')
    .option('--json <file>', 'write the JSON result to this file (atomically)')
    .option('--html <file>', 'write a self-contained HTML report with charts, as `run --html` did')
    .option('--fail-on <level>', 'as for `wobbly run`: "detected" or "inconclusive" verdicts fail it (exit 1)', collectFailOn)
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (file: string, opts: AnalyseFlags) => {
      code = await (await import('./analyse-command.js')).analyseCommand(file, opts, io);
    });

  program
    .command('merge')
    .description('Merge the shards of one run (each saved with `wobbly run --shard I/N --raw FILE`) and analyse the whole: histograms, timelines and counts added, verdicts on the whole.')
    .argument('<run-files...>', 'every shard\'s --raw file, once each')
    .option('--json <file>', 'write the JSON result of the whole to this file (atomically)')
    .option('--raw <file>', 'save the merged run data (for `wobbly analyse`)')
    .option('--html <file>', 'write a self-contained HTML report of the whole')
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (files: string[], opts: MergeFlags) => {
      code = await (await import('./merge-command.js')).mergeCommand(files, opts, io);
    });

  program
    .command('schema')
    .description('Print the JSON Schema of scenario files (for editors).')
    .action(async () => {
      code = (await import('./small-commands.js')).schemaCommand(io);
    });

  program
    .command('doctor')
    .description('Diagnose a whole service: read its OpenAPI document, measure each safe endpoint within a time budget (service time, event-loop blocking, effective concurrency, streams) and rank them, worst first.')
    .argument('[base-url]', 'the service\'s base URL, e.g. http://127.0.0.1:8000 (not needed with --server)')
    .option('--openapi <path|file>', 'the OpenAPI document: a path on the service, or a saved file (default /openapi.json)')
    .option('--paths <list>', 'no OpenAPI document: measure these GET paths instead, e.g. /health,/items,/users/1')
    .option('--include <pattern>', 'only operations matching this pattern, e.g. "/items/*" or "GET /api/**" (repeatable)', collectList, [])
    .option('--exclude <pattern>', 'leave out operations matching this pattern (repeatable)', collectList, [])
    .option('--unsafe', 'also call POST, PUT, PATCH and DELETE operations (never without it)')
    .option('-H, --header <"Name: value">', 'a header sent with every request, e.g. auth (repeatable)', collectList, [])
    .option('--budget <duration>', 'time for all the measurements together, split fairly over the endpoints', '90s')
    .option('--json <file>', 'write the doctor\'s JSON ({schemaVersion, kind: "doctor", endpoints, …}) to this file')
    .option('--html <file>', 'write the ranked table with sparklines as a self-contained HTML page')
    .option('-q, --quiet', 'print nothing but errors')
    .option('--server <command>', 'start this server first ({port} = a free loopback port) and stop it after')
    .option('--server-env <name=value>', 'environment variable for the server (repeatable)', collectSet, {})
    .option('--server-ready <path>', 'path that answers once the server is ready (default the document\'s path)')
    .option('--insecure', 'https:// target: accept any server certificate (a self-signed test server)')
    .option('--ca <file>', 'https:// target: also trust the PEM certificate(s) in this file (a private CA, a self-signed server)')
    .action(async (url: string | undefined, opts: DoctorFlags) => {
      code = await (await import('./doctor-command.js')).doctorCommand(url, opts, io);
    });

  const oneLiner = program
    .command(ONE_LINER_COMMAND, { hidden: true })
    .description('ab/hey-style one-liner: a closed-model load on one URL (calibrated), the ab summary and the pool verdicts; `wobbly <URL> …` runs it.')
    .usage('<URL> [-n N] [-c C] [-t 30s] [-H "K: V"]… [-m METHOD] [-d BODY | -d @file] [-T type] [--rate R/s] [--probe /health] [--json F]')
    .argument('<url>', 'the URL to load, e.g. http://127.0.0.1:8000/items')
    .option('-n <requests>', 'total requests (ab -n, hey -n); without -n and -t: 200')
    .option('-c <concurrency>', 'concurrent connections, closed model (ab -c, hey -c); default 50, at most -n')
    .option('-t <timelimit>', 'send for this long: "30s", or seconds as in ab -t (hey -z); -n without -t ends when the requests are answered')
    .option('-H, --header <"Name: value">', 'a request header (repeatable; ab -H, hey -H)', collectList, [])
    .option('-m, --method <method>', 'HTTP method (ab -m, hey -m); default GET, POST with -d')
    .option('-d, --data <body>', 'request body, or @file to read it from a file (hey -d / -D, ab -p)')
    .option('-T, --content-type <type>', 'Content-Type of the body (ab -T, hey -T); default text/plain')
    .option('--rate <R/s>', 'open model instead: requests at a fixed rate, latency from the scheduled time (-c caps those in flight)')
    .option('--probe <path>', 'a probe on this path of the same server, 50/s, beside the load: event-loop stalls')
    .option('--timeout <duration>', 'per-request timeout (ab -s, hey -t); default 60s');
  runOptions(oneLiner)
    .action(async (url: string, opts: OneLinerCliFlags) => {
      code = await (await import('./oneliner-command.js')).oneLinerCommand(url, opts, io);
    });
  program.addHelpText('after', '\nOne-liner (ab/hey style):\n  wobbly <URL> [-n N] [-c C] [-t 30s] [--probe /health] …   (`wobbly <URL> --help` lists its flags)\n');

  try {
    await program.parseAsync(routeOneLiner(argv, program.commands.map((c) => c.name())), { from: 'user' });
  } catch (err) {
    code = handleError(err, io);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return code;
}

function handleError(err: unknown, io: Io): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
    return EXIT.badInput; // commander already printed the message
  }
  if (err instanceof ScenarioError) {
    for (const p of err.problems) io.err(`${formatProblem(p)}\n`);
    const n = err.problems.length;
    io.err(`wobbly: ${n} problem${n > 1 ? "s" : ""} in the scenario; nothing was sent to the target. Fix them and check with \`wobbly validate <file>\`.\n`);
    return EXIT.badInput;
  }
  if (err instanceof InputError) {
    io.err(`wobbly: ${err.message}\n`);
    return EXIT.badInput;
  }
  if (err instanceof TargetUnreachableError) {
    io.err(`wobbly: ${err.message}\n`);
    return EXIT.targetUnreachable;
  }
  if (err instanceof ServerStartError) {
    io.err(`wobbly: ${err.message}\n`);
    if (err.logTail.length) io.err(`its last output:\n${err.logTail.map((l) => `  | ${l}`).join('\n')}\n`);
    return EXIT.targetUnreachable;
  }
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT' || e?.code === 'EACCES' || e?.code === 'EISDIR') {
    io.err(`wobbly: ${e.message}\n`);
    return EXIT.badInput;
  }
  io.err(`wobbly: internal error (please report it): ${e?.stack ?? String(err)}\n`);
  return 70;
}
