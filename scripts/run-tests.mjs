// `npm test`'s runner (after the build): every test file of dist/test, each in its own Node
// process, scheduled so that the files that measure get the CPU they need on a 2-core machine.
//   node scripts/run-tests.mjs            every file
//   node scripts/run-tests.mjs stall tls  only the files whose name contains one of the words
// - alone: files that take the whole machine on purpose (CPU hogs); they run first, by themselves.
// - background: files that measure nothing and time nothing (pure functions, fixtures, bad input
//   refused before anything is sent). They run beside everything else at a low priority (nice 10:
//   a tenth of a core's share against a normal process), two at a time: they use the CPU the
//   measured files leave idle and hardly take it from them.
// - measured: every other file (a new file is measured until it is listed in BACKGROUND), the longest
//   first, three at a time. Measured on the 2-core machine, whole runs: four at a time took
//   184–197 s and failed one or two tests in each of three runs for want of CPU (a pool's 200 ms
//   answers read 376 ms, so `clear`; the load thread lagged 77 ms, so the pool verdict was rightly
//   `inconclusive`; a free worker's requests waited 139 ms for the CPU), also when the heaviest
//   files (four CLI processes at once, full-speed loads, chains of FastAPI apps) took two slots.
// Each file's report is printed whole when it ends; the summary at the end lists every failure.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

const MEASURED_AT_ONCE = 3;
// A measured file beside others starts only while the normal-priority processes have used less
// than this many cores over the last second (/proc/stat; the background's nice 10 CPU not
// counted): three files that each use 0.7 core on their own saturate 2 cores, and what saturation
// does to timing (a pool's answers late, a calibration slow) is what failed tests.
const START_BELOW_CORES = 1.2;
const BACKGROUND_AT_ONCE = 2;

const ALONE = ['busy-machine.e2e'];
// demo.e2e: /heavy busy-waits 1.5 s (CPU work on the event loop, as in seed 001); beside the
// denser files the CPU-starved target answered its probes 155 ms after the block (a 1,655 ms
// stall). It runs first, with one sleep-bound file beside it at most (the FastAPI gating file,
// whose uvicorn servers sleep: 8 s of CPU over its 36 s).
const CALM = 'demo.e2e';
const CALM_BESIDE = 'fastapi-gating.e2e';
const BACKGROUND = [
  'accuracy', 'baseline', 'baseline-stats', 'bundle', 'ci-gate', 'ci-reports', 'compare-client', 'compare-summary', 'concurrency',
  'doctor-budget', 'doctor-findings', 'doctor-openapi', 'escape', 'event-loop-stall-verdict', 'expect',
  'extract', 'golden', 'histogram-text', 'http1', 'http1-differential', 'oneliner-scenario', 'process-boundary',
  'report-kinds.e2e', 'result-schema.e2e', 'run-data', 'scenario', 'scenario-fuzz', 'scenario-json-schema',
  'shard-cli.e2e', 'shard-split', 'sse', 'stalls', 'stalls-accuracy', 'timeline', 'verdict-rules', 'verdict-wording',
];
/** The longest measured files first (wall seconds alone on the 2-core machine: readme-examples 38, fastapi-gating 36, …). */
const LONGEST_FIRST = [
  'demo.e2e', 'fastapi-gating.e2e', 'readme-examples.e2e', 'doctor.e2e', 'shards.e2e', 'fastapi-accuracy.e2e', 'ci.e2e', 'fastapi-pools.e2e',
  'html-report', 'oneliner.e2e', 'compare.e2e', 'package.e2e', 'fastapi-stall.e2e', 'load.e2e', 'hostile.e2e',
  'fastapi-streams-workers.e2e', 'head-of-line.e2e', 'deploy', 'fastapi-limit.e2e', 'fastapi-errors-workers.e2e', 'stall.e2e',
  'bounded-run.e2e', 'tls.e2e', 'run-data.e2e', 'server-lifecycle.e2e', 'live-view', 'cli-errors',
];

const words = process.argv.slice(2);
const names = readdirSync('dist/test')
  .filter((f) => f.endsWith('.test.js'))
  .map((f) => f.replace(/\.test\.js$/, ''))
  .filter((n) => words.length === 0 || words.some((w) => n.includes(w)))
  .sort();
const rank = (n) => (LONGEST_FIRST.includes(n) ? LONGEST_FIRST.indexOf(n) : LONGEST_FIRST.length);
const alone = names.filter((n) => ALONE.includes(n));
const background = names.filter((n) => BACKGROUND.includes(n));
const measured = names.filter((n) => !ALONE.includes(n) && !BACKGROUND.includes(n)).sort((a, b) => rank(a) - rank(b));

const began = Date.now();
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);
/** name → { code, seconds, tests, failed } */
const results = new Map();
/** The files' processes now running: a SIGINT or SIGTERM to this runner is passed on to them. */
const children = new Set();
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    for (const c of children) c.kill(signal);
    process.exitCode = 130;
    setTimeout(() => process.exit(130), 10_000).unref();
  });
}

/** One test file in its own process (node:test reports it), its report printed whole at its end. */
function runFile(name, niced) {
  const t0 = Date.now();
  const args = ['--test-reporter=spec', `dist/test/${name}.test.js`];
  // nice(1): every process the file starts (the CLI, its servers) inherits the priority.
  const child = niced ? spawn('nice', ['-n', '10', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let report = '';
  child.stdout.on('data', (d) => (report += d));
  child.stderr.on('data', (d) => (report += d));
  return new Promise((done) => {
    const finish = (code) => {
      children.delete(child);
      const count = (what) => Number(report.match(new RegExp(`^ℹ ${what} (\\d+)$`, 'm'))?.[1] ?? 0);
      const r = { code, seconds: seconds(t0), tests: count('tests'), failed: count('fail') + (code !== 0 && count('fail') === 0 ? 1 : 0) };
      results.set(name, r);
      // From when to when: which files ran beside a failure is the first thing to know.
      process.stdout.write(`\n── ${name} ${code === 0 ? 'passed' : 'FAILED'} in ${r.seconds} s (${((t0 - began) / 1000).toFixed(1)}–${seconds(began)} s of the run)${niced ? ' (background, nice 10)' : ''} ──\n${report}`);
      done(r);
    };
    child.on('error', (e) => {
      report += `\n${e.message}\n`;
      finish(1);
    });
    child.on('close', (code, signal) => finish(code ?? (signal ? 1 : 0)));
  });
}

/** Cores busy at normal priority over the last second, from /proc/stat (undefined where there is none). */
const busyCores = (() => {
  const read = () => {
    try {
      const [user, nice, system, idle, iowait, irq, softirq, steal = 0] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      const busy = user + system + irq + softirq + steal;
      return { busy, total: busy + nice + idle + iowait };
    } catch {
      return undefined;
    }
  };
  const samples = [];
  const timer = setInterval(() => {
    const s = read();
    if (!s) return;
    samples.push(s);
    if (samples.length > 5) samples.shift();
  }, 250);
  timer.unref();
  return () => {
    if (samples.length < 2) return undefined;
    const a = samples[0], b = samples[samples.length - 1];
    // The niced background's CPU counts as free: it yields to a normal-priority file.
    const total = b.total - a.total;
    return total > 0 ? ((b.busy - a.busy) / total) * cpus().length : undefined;
  };
})();

/** Runs `list` in order, `atOnce` files at a time (none started after a signal); with `belowCores`, a file beside others waits for the CPU to be that free. */
async function pool(list, atOnce, niced, belowCores) {
  const waiting = [...list];
  const running = new Set();
  let lastStart = 0;
  while ((waiting.length > 0 && !stopping) || running.size > 0) {
    // The last file's start-up (its compile, its servers) must show in the second measured first.
    const busy = belowCores !== undefined && running.size > 0 ? (Date.now() - lastStart < 1000 ? Infinity : busyCores()) : undefined;
    if (busy !== undefined && busy >= belowCores && waiting.length > 0 && running.size < atOnce && !stopping) {
      await Promise.race([...running, sleep(250)]);
      continue;
    }
    // While the calm file runs, only its one companion may start beside it.
    const calmRuns = [...running].some((p) => p.file === CALM);
    const room = calmRuns ? running.size < 2 && waiting[0] === CALM_BESIDE : running.size < atOnce;
    if (!stopping && waiting.length > 0 && room) {
      const file = waiting.shift();
      const p = runFile(file, niced).then(() => running.delete(p));
      p.file = file;
      running.add(p);
      lastStart = Date.now();
      continue;
    }
    await Promise.race(running);
  }
}

const backgroundDone = pool(background, BACKGROUND_AT_ONCE, true);
await pool(alone, 1, false);
await pool(measured, MEASURED_AT_ONCE, false, START_BELOW_CORES);
await backgroundDone;

const all = [...results.values()];
const failedFiles = [...results].filter(([, r]) => r.code !== 0).map(([n]) => n);
process.stdout.write(
  [
    '',
    `npm test: ${all.reduce((a, r) => a + r.tests, 0)} tests in ${results.size} files, ${all.reduce((a, r) => a + r.failed, 0)} failed, ${seconds(began)} s${stopping ? ' (interrupted: the files not started are not counted)' : ''}`,
    `  (${alone.length} alone, ${measured.length} measured up to ${MEASURED_AT_ONCE} at a time (the next one started while under ${START_BELOW_CORES} cores were busy), ${background.length} in the background at nice 10)`,
    ...failedFiles.map((n) => `  FAILED: dist/test/${n}.test.js`),
    '',
  ].join('\n'),
);
process.exitCode = failedFiles.length ? 1 : 0;
