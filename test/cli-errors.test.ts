// The real CLI on bad input, a target that is down or dies, and Ctrl-C: clear errors, the right
// exit codes, nothing sent on bad input, results so far still written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../src/server/free-port.js';
import { getJson, ROOT, runCli, sleep, stallServer, stallServerForFile, startCli, tempDir } from './helpers.js';
import type { RunResult } from '../src/result/types.js';

const server = stallServerForFile();
const dir = tempDir();

test('a bad scenario: every problem with file, line, path and expectation; exit 2; nothing sent', async () => {
  const before = await getJson<{ requests: number; connections: number }>(`${server.url}/stats`);
  const r = await runCli(['run', join(ROOT, 'test/fixtures/bad.yaml'), '--target', server.url, '--json', join(dir, 'bad.json')]);
  assert.equal(r.code, 2);
  const lines = r.stderr.trim().split('\n');
  const expected = [
    /bad\.yaml:1: name: expected lower-case letters, digits and "-", got "Bad Name"/,
    /bad\.yaml:2: duration: expected a duration like "500ms", "2s" or "1m", got 10 \(write "10s" or "10ms"\)/,
    /bad\.yaml:4: actors\[0\]\.rate: missing \(expected a rate like "100\/s"/,
    /bad\.yaml:5: actors\[0\]\.path: expected a path starting with "\/", got "live"/,
    /bad\.yaml:6: actors\[0\]\.rat: unknown field \(did you mean "rate"\?\)/,
    /bad\.yaml:9: actors\[1\]\.at: expected a duration .* got "soon"/,
    /bad\.yaml:10: actors\[1\]\.count: expected at least 1/,
    /bad\.yaml:11: actors\[2\]\.kind: expected one of "probe", "request"(, "[a-z]+")*, got "blast"/,
    /bad\.yaml:15: actors\[3\]\.rate: unknown param \$\{speed\}/,
    /bad\.yaml:17: actors\[3\]\.extract\.tid: regex "\(" is not a valid regular expression/,
    /10 problems in the scenario; nothing was sent to the target/,
  ];
  assert.equal(lines.length, expected.length, r.stderr);
  expected.forEach((re, i) => assert.match(lines[i]!, re));
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
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
  assert.match(r.stderr, /broken\.yaml:\d+: \(syntax\)/);

  r = await runCli(['run', 'liveness-during-heavy', '--target', server.url, '--set', 'rat=10/s']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--set rat: the scenario has no param "rat" \(did you mean "rate"\?\)/);

  r = await runCli(['run', 'liveness-during-heavy', '--target', 'localhost:8000']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--target: expected a base URL like "http:\/\/127\.0\.0\.1:8000", got "localhost:8000"/);

  r = await runCli(['run', 'livenes-during-heavy']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no built-in scenario of that name \(did you mean "liveness-during-heavy"\?\)/);

  r = await runCli(['run', 'liveness-during-heavy', '--bogus']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option '--bogus'/);

  r = await runCli(['frobnicate']);
  assert.equal(r.code, 2);
});

test('--help on every command and --version exit 0', async () => {
  for (const cmd of [[], ['run'], ['list'], ['validate'], ['demo'], ['report'], ['schema']]) {
    const r = await runCli([...cmd, '--help']);
    assert.equal(r.code, 0, `${cmd.join(' ')} --help`);
    assert.match(r.stdout, /Usage: wobbly/);
  }
  const v = await runCli(['--version']);
  assert.equal(v.code, 0);
  assert.equal(v.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
});

test('an unreachable target: one clear line, exit 3', async () => {
  const port = await freePort(); // bound and released: nobody listens
  const r = await runCli(['run', 'liveness-during-heavy', '--target', `http://127.0.0.1:${port}`]);
  assert.equal(r.code, 3);
  assert.equal(r.stderr.trim(), `wobbly: cannot reach http://127.0.0.1:${port} (ECONNREFUSED): is the server running?`);
});

test('Ctrl-C mid-run: partial result written atomically, exit 130', async () => {
  const json = join(dir, 'interrupted.json');
  const before = (await getJson<{ requests: number }>(`${server.url}/stats`)).requests;
  const run = startCli(['run', join(ROOT, 'test/fixtures/stall.yaml'), '--target', server.url, '--set', 'duration=30s', '--json', json]);
  // Interrupt once the run is well under way (100 calibration requests, then 100 probes/s), however slow the start.
  for (let i = 0; i < 200; i++) {
    await sleep(50);
    if ((await getJson<{ requests: number }>(`${server.url}/stats`)).requests - before >= 250) break;
  }
  run.child.kill('SIGINT');
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr);
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  assert.equal(result.partial, true);
  assert.equal(result.stoppedBy, 'interrupt');
  assert.ok(result.durationMs > 1000 && result.durationMs < 10_000, `duration ${result.durationMs}`);
  assert.ok(result.actors.probe!.summary.requests >= 100, `probes ${result.actors.probe!.summary.requests}`);
  assert.match(r.stdout, /PARTIAL RESULT: interrupted/);
  // No temporary file left behind.
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
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
    assert.match(r.stdout, /PARTIAL RESULT: the target stopped answering/);
  } finally {
    await dying.stop();
  }
});
