// Every `wobbly …` command of README.md's sh blocks, run for real: against the FastAPI reference
// apps (test/targets/fastapi, real uvicorn/gunicorn on a free loopback port), the README's
// http://127.0.0.1:8000 replaced by the app's URL, from a temporary directory (so the files a
// command writes land there), with durations shortened where the scenario's params allow.
// A command the table below does not know fails the test: a new README command is either run
// here or excluded with its reason.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChildServer } from '../src/server/child-server.js';
import { freePort } from '../src/server/free-port.js';
import { ROOT, runCli, tempDir } from './helpers.js';
import { FASTAPI_DIR, PYTHON, requirePythonStack } from './fastapi.js';

type App = 'pools' | 'doctor_app' | 'large_response' | 'blocking_async' | 'streams' | 'workers';

interface Run {
  /** The reference app whose URL replaces http://127.0.0.1:8000. */
  app?: App;
  /** Copied to app.py in the working directory, for `--server "python3 -m uvicorn app:app …"`. */
  appPy?: App;
  /** Text replacements: durations shortened, a path the reference app has. */
  rewrite?: [string, string][];
  /** Arguments added at the end (a shorter duration or budget). */
  append?: string[];
  /**
   * The exit code the README's table implies: 0 for a run (a detected verdict is reported, not a
   * failure: 1 is for failed expectations, failing actors or a regression), 1 for a doctor with findings.
   */
  exit: number;
  /** What the command says it writes or prints. */
  check?: (cwd: string, stdout: string) => void;
  /**
   * Commands of one chain run one after the other, in README order, in one directory against one
   * instance of each app (a later one reads what an earlier one wrote). Every other command is a
   * chain of its own, with its own directory and apps: chains run a few at a time.
   */
  chain?: 'result' | 'baseline';
}
type Plan = Run | { excluded: string };

const json = (cwd: string, file: string) => JSON.parse(readFileSync(join(cwd, file), 'utf8')) as Record<string, unknown>;

/** Keyed by the command as the README writes it (continuation lines joined, comment cut). */
const PLANS: Record<string, Plan> = {
  'npm ci && npm run demo': { excluded: 'installs from the registry; `wobbly demo` itself is run by test/demo.e2e.test.ts' },
  'wobbly http://127.0.0.1:8000/sync -n 100 -c 50': {
    app: 'pools',
    append: ['--json', 'ab.json'],
    exit: 0,
    check: (cwd) => assert.equal((json(cwd, 'ab.json').actors as Record<string, { summary: { requests: number } }>).load!.summary.requests, 100),
  },
  'wobbly http://127.0.0.1:8000/items -c 20 -t 10s --probe /health': { app: 'doctor_app', rewrite: [['/items ', '/items/1 '], ['-t 10s', '-t 2s']], exit: 0 },
  'wobbly doctor http://127.0.0.1:8000': { app: 'doctor_app', append: ['--budget', '8s'], exit: 1 },
  'wobbly doctor --server "python3 -m uvicorn app:app --port {port}" --budget 60s --json doctor.json': {
    appPy: 'doctor_app',
    rewrite: [['--budget 60s', '--budget 8s']],
    exit: 1, // doctor_app has blocking endpoints: findings
    check: (cwd) => assert.equal(json(cwd, 'doctor.json').kind, 'doctor'),
  },
  'wobbly list': { exit: 0, check: (_cwd, out) => assert.ok(out.includes('pool-starvation') && out.includes('params:'), out) },
  'wobbly run liveness-during-heavy --target http://127.0.0.1:8000 --set probePath=/.well-known/live --set heavyPath=/clients --json result.json': {
    app: 'large_response',
    chain: 'result',
    append: ['--set', 'duration=4s'],
    exit: 0,
    check: (cwd) => assert.equal((json(cwd, 'result.json').scenario as { name: string }).name, 'liveness-during-heavy'),
  },
  'wobbly report result.json': { chain: 'result', exit: 0, check: (_cwd, out) => assert.ok(out.includes('liveness-during-heavy'), out) },
  'wobbly validate my-scenario.yaml': { exit: 0 },
  'wobbly run pool-starvation --target http://127.0.0.1:8000 --set path=/sync --set connections=50': { app: 'pools', append: ['--set', 'duration=3s'], exit: 0 },
  'wobbly run serialized-handler --target http://127.0.0.1:8000 --set path=/ping --set probePath=/health': {
    app: 'blocking_async',
    rewrite: [['path=/ping ', 'path=/ping-blocking ']],
    append: ['--set', 'duration=3s'],
    exit: 0,
  },
  'wobbly run concurrency-sweep --target http://127.0.0.1:8000 --set path=/sync --set connections=1,8,16,32,48,64 --set step=5s --set duration=40s': {
    app: 'pools',
    rewrite: [['path=/sync ', 'path=/sync?ms=100 '], ['step=5s', 'step=1s'], ['duration=40s', 'duration=7s']],
    exit: 0,
  },
  "wobbly run stream-thread-identity --target http://127.0.0.1:8000 --set streamPath='/stream/sync?n=10&gap_ms=100'": { app: 'streams', append: ['--set', 'duration=3s'], exit: 0 },
  'wobbly run head-of-line --target http://127.0.0.1:8000 --set slowPath=/1?ms=1000': { app: 'workers', exit: 0 },
  'wobbly run pool-starvation --server "python3 -m uvicorn app:app --port {port}" --server-ready /health --server-env ANYIO_TOKENS=40 --set path=/sync': {
    appPy: 'pools',
    append: ['--set', 'duration=3s'],
    exit: 0,
  },
  'wobbly compare test/fixtures/fastapi/pools.yaml --vary ANYIO_TOKENS=10,40,50,60 --set duration=10s': { rewrite: [['duration=10s', 'duration=2s']], exit: 0 },
  'wobbly run liveness-during-heavy --server "/usr/bin/python3 -m uvicorn large_response:app --app-dir test/targets/fastapi --host 127.0.0.1 --port {port} --no-access-log" --server-env CLIENTS_N=5000 --server-ready /health --set probePath=/.well-known/live --set heavyPath=/clients --set duration=8s': {
    rewrite: [['duration=8s', 'duration=5s']],
    append: ['--json', 'walk.json'],
    exit: 0,
    // The walk-through's point: the probe stalls while /clients is serialised on the event loop.
    check: (cwd) => assert.equal((json(cwd, 'walk.json').verdicts as { id: string; status: string }[]).find((v) => v.id === 'event-loop-stall')?.status, 'detected'),
  },
  'wobbly run api.yaml --target http://127.0.0.1:8000 --save-baseline baseline.json': { app: 'pools', chain: 'baseline', exit: 0, check: (cwd) => assert.ok(existsSync(join(cwd, 'baseline.json'))) },
  'wobbly run api.yaml --target http://127.0.0.1:8000 --baseline baseline.json --max-regression 10% --max-regression p99=25% --max-regression max=off': { app: 'pools', chain: 'baseline', exit: 0 },
  // api.yaml names the pools app as its target (written below).
  'wobbly run api.yaml --save-baseline baseline.json --repeat 5': { chain: 'baseline', exit: 0, check: (cwd) => assert.ok(existsSync(join(cwd, 'baseline.json'))) },
  'wobbly run api.yaml --baseline baseline.json': { chain: 'baseline', exit: 0 },
  'wobbly compare api.yaml --server-a "python3 -m uvicorn app:app --app-dir ../main --port {port}" --server-b "python3 -m uvicorn app:app --port {port}" --repeat 3 --max-regression 10%': {
    excluded: 'needs two checkouts of the same app (../main and the branch); compare itself is run above and by test/compare.e2e.test.ts',
  },
  'wobbly run pool-starvation --target http://svc:8000 --shard I/4 --start-at "$AT" --raw shard-I.raw': { excluded: 'one of 4 machines against a remote service (svc), $AT and I from the shell: not loopback' },
  'wobbly merge shard-0.raw shard-1.raw shard-2.raw shard-3.raw --json merged.json --raw merged.raw': { excluded: "needs the four shards' files of the command above" },
};

/** The commands of README.md's sh blocks that run wobbly (`npm run demo` does; the other npm scripts are the development's: build, test, bench). */
function readmeCommands(): string[] {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const commands: string[] = [];
  for (const m of text.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)) {
    for (const line of m[1]!.replace(/\\\n\s*/g, ' ').split('\n')) {
      const cmd = line.replace(/\s+#\s.*$/, '').replace(/\s+/g, ' ').trim();
      if (/^wobbly( |$)/.test(cmd) || /\bnpm run demo\b/.test(cmd)) commands.push(cmd);
    }
  }
  return commands;
}

/** Shell words: '…' and "…" quoting, as sh would split the README's commands. */
function words(cmd: string): string[] {
  const out: string[] = [];
  // A word is a run of unquoted, '…' and "…" pieces (a='b c' is one word: a=b c).
  for (const m of cmd.matchAll(/(?:'[^']*'|"[^"]*"|[^\s'"]+)+/g)) out.push(m[0].replace(/'([^']*)'|"([^"]*)"/g, (_q, a?: string, b?: string) => a ?? b ?? ''));
  return out;
}

/** The apps started so far, by chain and app: a chain's commands share them, other chains do not. */
const apps = new Map<string, Promise<{ url: string; server: ChildServer }>>();
function app(chain: string, name: App): Promise<string> {
  const key = `${chain} ${name}`;
  let started = apps.get(key);
  if (!started) {
    started = (async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      // workers.py is the head-of-line case: two gunicorn workers, as the README starts it.
      const args = name === 'workers'
        ? ['-m', 'gunicorn', '-w', '2', '-k', 'uvicorn.workers.UvicornWorker', '-b', `127.0.0.1:${port}`, '--chdir', FASTAPI_DIR, 'workers:app']
        : ['-m', 'uvicorn', `${name}:app`, '--app-dir', FASTAPI_DIR, '--host', '127.0.0.1', '--port', String(port), '--no-access-log'];
      const server = await ChildServer.start({ command: PYTHON, args, env: { CLIENTS_N: '5000' }, readyUrl: `${url}/health`, readyTimeoutMs: 30_000 });
      return { url, server };
    })();
    apps.set(key, started);
  }
  return started.then((a) => a.url);
}
async function stopApps(chain: string): Promise<void> {
  for (const [key, a] of apps) {
    if (!key.startsWith(`${chain} `)) continue;
    apps.delete(key);
    await (await a).server.stop();
  }
}
after(async () => {
  for (const a of apps.values()) await (await a).server.stop();
});

/** Three chains at a time: most commands wait on sleeping servers, none needs a core to itself. */
const CHAINS_AT_ONCE = 3;

test('every wobbly command in the README is run here or excluded with a reason, and the table holds no stale one', () => {
  const commands = readmeCommands();
  assert.ok(commands.length >= 15, `only ${commands.length} commands found`);
  const unknown = commands.filter((c) => !(c in PLANS));
  assert.deepEqual(unknown, [], 'README commands this test does not know: run them below or exclude them with a reason');
  assert.deepEqual(Object.keys(PLANS).filter((k) => !commands.includes(k)), [], 'commands no longer in the README');
});

test('the README commands run for real and exit as the README says', async (t) => {
  requirePythonStack();
  const chains = new Map<string, string[]>();
  readmeCommands().forEach((cmd, i) => {
    const plan = PLANS[cmd]!;
    if ('excluded' in plan) return;
    const key = plan.chain ?? `command ${i}`;
    chains.set(key, [...(chains.get(key) ?? []), cmd]);
  });
  const failures: string[] = [];
  const runChain = async (chain: string, commands: string[]) => {
    const began = performance.now();
    const cwd = tempDir();
    // The files the README's commands take as given: a scenario of one's own, an API's scenario.
    writeFileSync(join(cwd, 'my-scenario.yaml'), readFileSync(join(ROOT, 'scenarios/pool-starvation.yaml'), 'utf8'));
    if (chain === 'baseline') writeFileSync(join(cwd, 'api.yaml'), `name: api\ntarget: ${await app(chain, 'pools')}\nduration: 2s\nactors:\n  - { name: health, kind: probe, path: /health, rate: 20/s }\n`);
    try {
      for (const cmd of commands) {
        const plan = PLANS[cmd] as Run;
        let text = cmd;
        for (const [from, to] of plan.rewrite ?? []) {
          assert.ok(text.includes(from), `${cmd}: no "${from}" to rewrite`);
          text = text.replace(from, to);
        }
        if (plan.app) text = text.replaceAll('http://127.0.0.1:8000', await app(chain, plan.app));
        // Paths into the project, from the temporary directory.
        text = text.replace(/(?<=[\s"])test\//g, `${ROOT}test/`);
        if (plan.appPy) copyFileSync(join(FASTAPI_DIR, `${plan.appPy}.py`), join(cwd, 'app.py'));
        const args = [...words(text).slice(1), ...(plan.append ?? [])];
        // `python3` is Debian's, as on the machine the README addresses (here another one may come first on PATH).
        const r = await runCli(args, { cwd, timeoutMs: 120_000, env: { PATH: `/usr/bin:${process.env.PATH ?? ''}` } });
        if (r.code !== plan.exit) failures.push(`${text}: exit ${r.code}, expected ${plan.exit}\n${r.stderr.slice(-2000)}`);
        else {
          try {
            plan.check?.(cwd, r.stdout);
          } catch (err) {
            failures.push(`${text}: ${(err as Error).message}`);
          }
        }
      }
    } finally {
      await stopApps(chain);
      t.diagnostic(`${((performance.now() - began) / 1000).toFixed(1)} s: ${commands.join(' && ')}`);
    }
  };
  // The longest first (measured: the baseline chain ~20 s, compare's four servers ~19 s, the rest 0.3–9 s).
  const long = ([key, [first]]: [string, string[]]) => key === 'baseline' || first!.startsWith('wobbly compare ');
  const queue = [...chains].sort((a, b) => Number(long(b)) - Number(long(a)));
  await Promise.all(Array.from({ length: CHAINS_AT_ONCE }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await runChain(...next);
  }));
  assert.deepEqual(failures, []);
});

test("the README's scenario-error example is what `wobbly run bad.yaml` prints for test/fixtures/bad.yaml today", async () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const shown = /exits with code 2 before sending anything:\n\n```\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(shown, 'the example block was not found');
  const r = await runCli(['run', 'bad.yaml'], { cwd: join(ROOT, 'test/fixtures') });
  assert.equal(r.code, 2);
  assert.equal(shown, r.stderr);
});
