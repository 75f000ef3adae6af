// Shared test plumbing: real servers in child processes, and the real CLI as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { renderTerminal } from '../src/report/terminal.js';
import type { RunResult } from '../src/result/types.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin/wobbly.js');

const madeDirs: string[] = [];
// Each test file is its own process: its temporary directories go when it exits, passed or failed.
process.once('exit', () => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

const spawned = new Set<ChildProcess>();
/**
 * A child this test file started (a server, a CLI run, a hog): killed with the file's process when
 * that is stopped by a signal (npm test's runner passes on a Ctrl-C or a CI job's SIGTERM), where
 * the tests' own stop() and after() hooks never run.
 */
export function track<C extends ChildProcess>(child: C): C {
  spawned.add(child);
  child.once('exit', () => spawned.delete(child));
  return child;
}
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => {
    for (const child of spawned) child.kill('SIGKILL');
    process.exit(code); // the 'exit' handler above removes the temporary directories
  });
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wobbly-test-'));
  madeDirs.push(dir);
  return dir;
}

export interface TestServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Start `node <script> ...args` and wait for its "listening on URL" line. */
export function startServer(script: string, args: string[] = [], env: Record<string, string> = {}): Promise<TestServer> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } }));
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server ${script} not ready in 10 s: ${out}`));
    }, 10_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          child,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode) return done();
              child.once('exit', () => done());
              child.kill('SIGKILL');
            }),
        });
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server ${script} exited (${code}) before it was ready: ${out}`));
    });
  });
}

export const stallServer = () => startServer(join(ROOT, 'dist/test/servers/stall-server.js'));

/** One stall server for the whole test file: started before its tests, stopped after them. */
export function stallServerForFile(): { readonly url: string } {
  let server: TestServer | undefined;
  before(async () => {
    server = await stallServer();
  });
  after(async () => {
    await server?.stop();
  });
  return {
    get url() {
      if (!server) throw new Error('the stall server is not started yet');
      return server.url;
    },
  };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<CliResult>;
  /** What it printed so far. */
  output(): { stdout: string; stderr: string };
}

/** Start the real CLI; never hangs longer than timeoutMs (then SIGKILL). */
export function startCli(args: string[], opts: { timeoutMs?: number; env?: Record<string, string>; cwd?: string } = {}): CliRun {
  const child = track(spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...opts.env }, ...(opts.cwd ? { cwd: opts.cwd } : {}) }));
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const done = new Promise<CliResult>((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done, output: () => ({ stdout, stderr }) };
}

export function runCli(args: string[], opts: { timeoutMs?: number; env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  return startCli(args, opts).done;
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  return (await res.json()) as T;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Is a process (or, with a negative pid, a process group) still there? */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie has exited and only waits to be reaped; an orphan's is reaped by init, which here
  // (the sandbox's process_api) took 1.5 s and more under load: it answers kill(0) all that time.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Waits up to `ms` for a process to be gone. */
export async function waitGone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await sleep(50);
  }
  return !alive(pid);
}

/**
 * Asserts |actual − expected| ≤ tolerance, the one way every test checks a measured value.
 * The tolerance is absolute (in actual's unit: `within(stall, 1000, 50)`) or a share of the
 * expected value (`within(C, 40, '10%')`); say in `what` which physics sets it.
 */
export function within(actual: number | null | undefined, expected: number, tolerance: number | `${number}%`, what = 'value'): void {
  const abs = typeof tolerance === 'number' ? tolerance : (Number(tolerance.slice(0, -1)) / 100) * Math.abs(expected);
  const shown = typeof tolerance === 'number' ? `± ${tolerance}` : `± ${tolerance} (${abs})`;
  assert.ok(typeof actual === 'number' && Number.isFinite(actual), `${what}: ${actual} is not a number (expected ${expected} ${shown})`);
  assert.ok(Math.abs(actual - expected) <= abs, `${what}: ${actual} is not within ${expected} ${shown}`);
}

/**
 * The effective concurrency C = X × S that N connections read when nothing holds their requests
 * back: each connection is always busy, so X = N / L (Little's law, L the mean latency under load)
 * and C = N × S / L. That is N when the answers under load take S; on a busy machine the answers
 * slow (L > S) or the calibration ran slow (S > L), and C follows: a healthy server's C is checked
 * against this, not against N.
 */
export function unheldConcurrency(N: number, e: { serviceTimeMs?: number | null; latencyUnderLoadMs?: number }): number {
  const { serviceTimeMs: S, latencyUnderLoadMs: L } = e;
  assert.ok(typeof S === 'number' && S > 0 && typeof L === 'number' && L > 0, `S ${S} ms and the latency under load ${L} ms are measured`);
  return (N * S) / L;
}

/**
 * A CPU hog beside the test (`node -e 'for(;;){}'`), as on a busy machine; stopped after the
 * file's tests, or by `stop()`.
 */
export function cpuHogs(count: number): { stop(): Promise<void> } {
  const hogs = Array.from({ length: count }, () => track(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' })));
  const stop = () =>
    Promise.all(
      hogs.map(
        (h) =>
          new Promise<void>((done) => {
            if (h.exitCode !== null || h.signalCode) return done();
            h.once('exit', () => done());
            h.kill('SIGKILL');
          }),
      ),
    ).then(() => undefined);
  return { stop };
}

/** Results captured from real runs, kept as fixed fixtures for the reporters' golden tests. */
export const RESULT_FIXTURES = join(ROOT, 'test/fixtures/results');
const GOLDEN_DIR = join(ROOT, 'test/golden');

/**
 * The reporters' wording, tested deterministically: `text` must equal test/golden/<name>.
 * `UPDATE_GOLDEN=1 npm test` rewrites the files instead: review their diff like code.
 */
export function matchesGolden(name: string, text: string): void {
  const file = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, text);
    return;
  }
  assert.ok(existsSync(file), `no golden file ${file}: run \`UPDATE_GOLDEN=1 npm test\` and review what it wrote`);
  assert.equal(text, readFileSync(file, 'utf8'), `${name} differs from its golden file; if the change is meant, run \`UPDATE_GOLDEN=1 npm test\` and review the diff`);
}

/**
 * What a live run printed is exactly the terminal rendering of its JSON result: the wording is
 * tested by the golden files (golden.test.ts), the measured values on the JSON's fields.
 */
export function assertPrinted(stdout: string, result: RunResult): void {
  const report = renderTerminal(result, { color: false });
  assert.ok(stdout.includes(report), `the output is not the rendering of the JSON result:\n--- printed\n${stdout}\n--- rendered\n${report}`);
}
