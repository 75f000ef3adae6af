// The real CLI on bad input, a target that is down or dies, and Ctrl-C: clear errors, the right
// exit codes, nothing sent on bad input, results so far still written.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../src/server/free-port.js';
import { assertPrinted, getJson, ROOT, runCli, sleep, stallServer, stallServerForFile, startCli, tempDir } from './helpers.js';
import type { RunResult } from '../src/result/types.js';

const server = stallServerForFile();
const dir = tempDir();
const NOTHING_SENT = 'nothing was sent to the target. Fix them and check with `wobbly validate <file>`.';
const LIVENESS = join(ROOT, 'scenarios/liveness-during-heavy.yaml');
/** A scenario refused for one problem: the problem's line, then what to do. */
const oneProblem = (line: string) => `${line}\nwobbly: 1 problem in the scenario; ${NOTHING_SENT}\n`;

// Three lanes side by side, each one test at a time: the file's server is used by the first lane
// only (its request count must not move); the tests that send traffic have servers of their own.
describe('the CLI on bad input and failures', { concurrency: true }, () => {
  describe('bad input: nothing sent to the shared server', { concurrency: false }, () => {
    test('a bad scenario: every problem with file, line, path and expectation; exit 2; nothing sent', async () => {
      const before = await getJson<{ requests: number; connections: number }>(`${server.url}/stats`);
      const file = join(ROOT, 'test/fixtures/bad.yaml');
      const r = await runCli(['run', file, '--target', server.url, '--json', join(dir, 'bad.json')]);
      assert.equal(r.code, 2);
      // Every problem, in the file's order, then what to do: the whole of stderr, word for word.
      const problems = [
        '1: name: expected lower-case letters, digits and "-", got "Bad Name"',
        '2: duration: expected a duration like "500ms", "2s" or "1m", got 10 (write "10s" or "10ms")',
        '4: actors[0].rate: missing (expected a rate like "100/s" or "600/m")',
        '5: actors[0].path: expected a path starting with "/", got "live"',
        '6: actors[0].rat: unknown field (did you mean "rate"?); allowed here: kind, name, path, method, headers, body, timeout, extract, rate, start, stop, maxInFlight, stallThreshold, connection, connections, calibrate',
        '9: actors[1].at: expected a duration like "500ms", "2s" or "1m", got "soon"',
        '10: actors[1].count: expected at least 1 (count), got 0',
        '11: actors[2].kind: expected one of "probe", "request", "stream", "load", "sweep", got "blast"',
        '15: actors[3].rate: unknown param ${speed}; declare it under params',
        '17: actors[3].extract.tid: regex "(" is not a valid regular expression: Unterminated group',
      ];
      assert.equal(r.stderr, [...problems.map((p) => `${file}:${p}`), `wobbly: 10 problems in the scenario; ${NOTHING_SENT}`, ''].join('\n'));
      assert.equal(existsSync(join(dir, 'bad.json')), false);
      const afterStats = await getJson<{ requests: number; connections: number }>(`${server.url}/stats`);
      // Only our own two /stats calls reached the server.
      assert.equal(afterStats.requests, before.requests);
      assert.ok(afterStats.connections - before.connections <= 1);
    });

    test('YAML syntax errors, unknown --set params, unknown scenarios and flags exit 2', async () => {
      const broken = join(dir, 'broken.yaml');
      writeFileSync(broken, 'name: x\nactors: [\n');
      let r = await runCli(['validate', broken]);
      assert.equal(r.code, 2);
      // The YAML parser's own explanation follows the line; this file's part is the location and the summary.
      const [first, ...rest] = r.stderr.split('\n');
      assert.ok(first!.startsWith(`${broken}:3: (syntax): `), first);
      assert.deepEqual(rest, [`wobbly: 1 problem in the scenario; ${NOTHING_SENT}`, '']);

      r = await runCli(['run', 'liveness-during-heavy', '--target', server.url, '--set', 'rat=10/s']);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, oneProblem(`${LIVENESS}: --set rat: the scenario has no param "rat" (did you mean "rate"?); its params are: probePath, heavyPath, rate, heavyAt, duration`));

      r = await runCli(['run', 'liveness-during-heavy', '--target', 'localhost:8000']);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, oneProblem(`${LIVENESS}: --target: expected a base URL like "http://127.0.0.1:8000", got "localhost:8000"`));

      r = await runCli(['run', 'livenes-during-heavy']);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, oneProblem('livenes-during-heavy: (file): no such file, and no built-in scenario of that name (did you mean "liveness-during-heavy"?); `wobbly list` shows the built-in ones'));

      r = await runCli(['run', 'liveness-during-heavy', '--bogus']);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, "error: unknown option '--bogus'\n");

      r = await runCli(['frobnicate']);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, "error: unknown command 'frobnicate'\n");
    });

    test('--help on every command and --version exit 0', async () => {
      for (const cmd of [[], ['run'], ['list'], ['validate'], ['demo'], ['report'], ['schema']]) {
        const r = await runCli([...cmd, '--help']);
        assert.equal(r.code, 0, `${cmd.join(' ')} --help`);
        assert.ok(r.stdout.startsWith(`Usage: wobbly ${cmd.join(' ')}`.trimEnd() + ' '), r.stdout.split('\n')[0]);
      }
      const v = await runCli(['--version']);
      assert.equal(v.code, 0);
      assert.equal(v.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    });
  });

  describe('unreachable, Ctrl-C', { concurrency: false }, () => {
    test('an unreachable target: one clear line, exit 3', async () => {
      const port = await freePort(); // bound and released: nobody listens
      const r = await runCli(['run', 'liveness-during-heavy', '--target', `http://127.0.0.1:${port}`]);
      assert.equal(r.code, 3);
      assert.equal(r.stderr.trim(), `wobbly: cannot reach http://127.0.0.1:${port} (ECONNREFUSED): is the server running?`);
    });

    test('Ctrl-C mid-run: partial result written atomically, exit 130', async () => {
      // A server of its own (the test waits for its request count to move: no other test's traffic
      // may move it), and a directory of its own (no other test's atomic write may leave a .tmp there).
      const own = await stallServer();
      const ownDir = tempDir();
      try {
        const json = join(ownDir, 'interrupted.json');
        const before = (await getJson<{ requests: number }>(`${own.url}/stats`)).requests;
        const run = startCli(['run', join(ROOT, 'test/fixtures/stall.yaml'), '--target', own.url, '--set', 'duration=30s', '--json', json]);
        // Interrupt once the run is well under way (100 calibration requests, then 100 probes/s), however slow the start.
        for (let i = 0; i < 200; i++) {
          await sleep(50);
          if ((await getJson<{ requests: number }>(`${own.url}/stats`)).requests - before >= 250) break;
        }
        run.child.kill('SIGINT');
        const r = await run.done;
        assert.equal(r.code, 130, r.stderr);
        const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
        assert.equal(result.partial, true);
        assert.equal(result.stoppedBy, 'interrupt');
        assert.ok(result.durationMs > 1000 && result.durationMs < 10_000, `duration ${result.durationMs}`);
        assert.ok(result.actors.probe!.summary.requests >= 100, `probes ${result.actors.probe!.summary.requests}`);
        // The report is the rendering of that partial result (its PARTIAL RESULT line: golden.test.ts).
        assertPrinted(r.stdout, result);
        // No temporary file left behind.
        assert.deepEqual(readdirSync(ownDir).filter((f) => f.endsWith('.tmp')), []);
      } finally {
        await own.stop();
      }
    });
  });

  test('a target that dies mid-run: results so far written, exit 3', async () => {
    const dying = await stallServer();
    try {
      const file = join(dir, 'dies.yaml');
      writeFileSync(
        file,
        'name: dies\nduration: 20s\nactors:\n  - { name: probe, kind: probe, path: /live, rate: 50/s }\n  - { name: killer, kind: request, path: /exit, at: 1s }\n',
      );
      const json = join(dir, 'dies.json');
      const t0 = Date.now();
      const r = await runCli(['run', file, '--target', dying.url, '--json', json]);
      assert.equal(r.code, 3, r.stderr);
      assert.ok(Date.now() - t0 < 10_000, 'stopped early, not at the 20 s deadline');
      const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
      assert.equal(result.partial, true);
      assert.equal(result.stoppedBy, 'target-down');
      assert.ok(Math.abs(result.targetDown!.atMs - 1000) < 300, `down at ${result.targetDown!.atMs}`);
      assert.ok(result.actors.probe!.summary.requests - result.actors.probe!.summary.failures >= 40);
      assertPrinted(r.stdout, result);
    } finally {
      await dying.stop();
    }
  });
});
