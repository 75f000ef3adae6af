// Hostile servers, bad input and faults, end to end through the real CLI against the raw-socket
// server in test/servers/hostile-server.ts: each case asserts the exit code, the message, the
// result file, that no false verdict is given, and that the run ends within its duration + 5 s.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, alive, getJson, runCli, sleep, startCli, startServer, tempDir, waitGone, type CliResult, type TestServer } from './helpers.js';
import type { RunResult } from '../src/result/types.js';

const HOSTILE = join(ROOT, 'dist/test/servers/hostile-server.js');
const dir = tempDir();
let server: TestServer;

before(async () => {
  server = await startServer(HOSTILE);
});
after(async () => {
  await server?.stop();
});

function scenario(name: string, body: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\n${body}`);
  return file;
}

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RunResult;
const requestsSeen = async (s: TestServer) => (await getJson<{ requests: number }>(`${s.url}/stats`)).requests;

/**
 * A hostile server of the test's own, started with `args`: for a test that counts its requests
 * (the shared one sees the other tests' traffic) or needs a fault of its own (--freeze, --die-…).
 */
async function withOwnServer<T>(args: string[], body: (own: TestServer) => Promise<T>): Promise<T> {
  const own = await startServer(HOSTILE, args);
  try {
    return await body(own);
  } finally {
    await own.stop();
  }
}

/**
 * Run and time it; the run must end by its duration + 5 s (+ `preflightMs`, the documented and
 * reported calibration wait, where a case has one).
 */
async function timedRun(args: string[], durationMs: number, env?: Record<string, string>, preflightMs = 0): Promise<CliResult & { ms: number }> {
  const t = performance.now();
  const r = await runCli(args, { timeoutMs: durationMs + preflightMs + 20_000, env });
  const ms = performance.now() - t;
  assert.ok(ms < durationMs + preflightMs + 5000, `ended after ${Math.round(ms)} ms for a ${durationMs} ms run${preflightMs ? ` with ${preflightMs} ms of calibration` : ''}`);
  return { ...r, ms };
}

// Raw C0/C1 controls other than the line ends wobbly itself writes.
const RAW_CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202E]/;

/** SIGTERM before the measured run began: exit 130 within `withinMs`, a partial result, no probe sent. */
async function sigtermBeforeTheRun(cli: ReturnType<typeof startCli>, json: string, withinMs: number): Promise<RunResult> {
  const t = performance.now();
  cli.child.kill('SIGTERM');
  const r = await cli.done;
  assert.ok(performance.now() - t < withinMs, `took ${Math.round(performance.now() - t)} ms after SIGTERM`);
  assert.equal(r.code, 130, r.stderr);
  const result = read(json);
  assert.equal(result.partial, true);
  assert.equal(result.stoppedBy, 'interrupt');
  assert.equal(result.actors.probe!.summary.requests, 0);
  return result;
}

// Every case is independent of the others' traffic: they run three at a time, one CLI process each
// (most of a run's time is waiting on the server's timers), the longest and most idle first (four
// at a time saved 2.5 s more but ate into the runs' 5 s end-in-time margin on a loaded machine). A case
// that counts a server's requests or waits for its counter to move has a server of its own
// (withOwnServer).
describe('hostile servers, bad input and faults', { concurrency: 3 }, () => {
  test('streams: a hanging load ends in time, its calibration one bounded wait', async () => {
    const hang = join(dir, 'hang.json');
    const r = await timedRun(['run', scenario('hang', 'duration: 3s\nactors:\n  - kind: load\n    path: /hang\n    connections: 2\n    timeout: 30s\n'), '--target', server.url, '--json', hang, '-q'], 3000, undefined, 4000);
    assert.equal(r.code, 0, r.stderr);
    const h = read(hang);
    assert.ok(h.preflightMs! >= 3900 && h.preflightMs! < 4500, `calibration waited ${h.preflightMs} ms (one bounded wait of max(4 s, duration))`);
    for (const v of h.verdicts) assert.notEqual(v.status, 'detected', `${v.id}: ${v.summary}`);
  });

  test('streams: a frozen backlog ends in time, neither healthy nor a stall', async () => {
    await withOwnServer(['--freeze'], async (frozen) => {
      const json = join(dir, 'frozen.json');
      const r = await timedRun(['run', scenario('frozen', 'duration: 3s\nactors:\n  - kind: probe\n    path: /ok\n    rate: 20/s\n'), '--target', frozen.url, '--json', json, '-q'], 3000, undefined, 3000); // probe calibration: at most 3 s
      assert.equal(r.code, 0, r.stderr);
      const fr = read(json);
      assert.equal(fr.durationMs, 3000);
      assert.ok(fr.preflightMs! < 3600, `probe calibration ${fr.preflightMs} ms`);
      assert.notEqual(fr.verdicts[0]!.status, 'clear', 'a server that never answers is not healthy');
      assert.notEqual(fr.verdicts[0]!.status, 'detected', 'nor a stall wobbly can tell from down');
    });
  });

  // The stream server dies 500 ms after its third stream opened; the probe server after calibration
  // (at most 101 requests) and about 50 probes.
  for (const [name, actor, after] of [['stream', '  - kind: stream\n    path: /sse-inject\n    streams: 3\n', '3'], ['probe', '  - kind: probe\n    path: /ok\n    rate: 20/s\n', '150']] as const) {
    test(`a server dying during a ${name === 'stream' ? 'stream-only' : 'probe'} run: reported, partial, exit 3`, async () => {
      await withOwnServer(['--die-after-requests', after], async (dying) => {
        const json = join(dir, `die-${name}.json`);
        const r = await timedRun(['run', scenario(`die-${name}`, `duration: 6s\nactors:\n${actor}`), '--target', dying.url, '--json', json, '-q'], 6000);
        assert.equal(r.code, 3, `${name}: ${r.stderr}`);
        const result = read(json);
        assert.equal(result.partial, true, name);
        assert.equal(result.stoppedBy, 'target-down', name);
        assert.ok(result.targetDown!.atMs > 0 && result.targetDown!.atMs < 5000, `${name}: down at ${result.targetDown!.atMs}`);
        assert.ok(Object.values(result.actors)[0]!.summary.requests > 0, `${name}: measured before it died`);
      });
    });
  }

  test('a server resetting 10% of connections is measured, not aborted: resets counted, no stall verdict', async () => {
    const json = join(dir, 'reset.json');
    const r = await timedRun(['run', scenario('reset', 'duration: 3s\nactors:\n  - kind: probe\n    path: /reset10\n    rate: 20/s\n    connection: new\n'), '--target', server.url, '--json', json, '-q'], 3000);
    assert.equal(r.code, 0, r.stderr);
    const result = read(json);
    const s = result.actors.probe!.summary;
    assert.equal(result.partial, false);
    assert.ok(s.requests >= 55 && s.requests <= 61, `requests ${s.requests}`);
    // Every 10th request of the server's is reset (calibration included): 10 % of the run's ± 1.
    const resets = (s.errors.ECONNRESET ?? 0) + (s.errors['connection closed'] ?? 0);
    assert.ok(Math.abs(resets - s.requests / 10) <= 1.5, `resets ${resets} of ${s.requests}: ${JSON.stringify(s.errors)}`);
    assert.equal(s.failures, resets);
    assert.notEqual(result.verdicts.find((v) => v.id === 'event-loop-stall')?.status, 'detected');
  });

  test('output paths are checked before any request: exit 2 with every problem, nothing sent', async () => {
    await withOwnServer([], async (own) => {
      const file = scenario('outputs', 'duration: 1s\nactors:\n  - kind: probe\n    path: /ok\n    rate: 10/s\n');
      const fifo = join(dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      const link = join(dir, 'link.json');
      symlinkSync(join(dir, 'elsewhere.json'), link);
      const before = await requestsSeen(own);
      const r = await timedRun(['run', file, '--target', own.url, '--json', '', '--junit', fifo, '--markdown', link, '--save-baseline', join(dir, 'missing', 'b.json')], 0);
      assert.equal(r.code, 2, r.stderr);
      const SYMLINK = 'is a symbolic link; wobbly replaces only a regular file (give the link\'s target, or another path)';
      assert.deepEqual(r.stderr.split('\n'), [
        'wobbly: --json: expected a file path (or - for stdout), got ""',
        `wobbly: --junit: ${fifo} is not a regular file (a FIFO, device or socket); wobbly replaces only a regular file (use - for stdout)`,
        `wobbly: --markdown: ${link} ${SYMLINK}`,
        `wobbly: --save-baseline: the directory ${join(dir, 'missing')} does not exist`,
        'wobbly: nothing was sent to the target',
        '',
      ]);
      const r2 = await timedRun(['run', file, '--target', own.url, '--json', dir, '--raw', link], 0);
      assert.equal(r2.code, 2);
      assert.deepEqual(r2.stderr.split('\n'), [`wobbly: --json: ${dir} is a directory; give a file path`, `wobbly: --raw: ${link} ${SYMLINK}`, 'wobbly: nothing was sent to the target', '']);
      const r2a = await timedRun(['analyse', join(dir, 'none.wob'), '--json', dir], 0);
      assert.equal(r2a.code, 2);
      assert.deepEqual(r2a.stderr.split('\n'), [`wobbly: --json: ${dir} is a directory; give a file path`, 'wobbly: nothing was sent to the target', '']);
      assert.equal(await requestsSeen(own), before, 'no request reached the server');
      assert.equal(existsSync(join(dir, 'elsewhere.json')), false);
      // "-" is stdout: the JSON alone, the report on stderr; `analyse` of the saved run gives the same
      // JSON, preflightMs included.
      const raw = join(dir, 'outputs.wob');
      const r3 = await timedRun(['run', file, '--target', own.url, '--json', '-', '--raw', raw], 1000);
      assert.equal(r3.code, 0, r3.stderr);
      const result = JSON.parse(r3.stdout) as RunResult;
      assert.equal(result.schemaVersion, 1);
      assert.ok(typeof result.preflightMs === 'number' && result.preflightMs > 0, String(result.preflightMs));
      assert.ok(r3.stderr.split('\n').includes('Verdicts'), 'the terminal report went to stderr');
      const again = await timedRun(['analyse', raw, '--json', '-'], 0);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(JSON.parse(again.stdout), result);
      // `--raw -`: the run's data as plain JSON on stdout.
      const r4 = await timedRun(['run', file, '--target', own.url, '--raw', '-', '-q'], 1000);
      assert.equal(r4.code, 0, r4.stderr);
      assert.equal((JSON.parse(r4.stdout) as { format: string }).format, 'wobbly-run-data');
    });
  });

  test('server text is escaped at the boundary: no raw control character, no workflow command, no Markdown image or HTML', async () => {
    const file = scenario('inject', `duration: 2s
actors:
  - kind: probe
    path: /inject
    rate: 10/s
    extract:
      id: { from: body, json: /id }
      hdr: { from: header, header: x-id }
  - kind: stream
    path: /sse-inject
    extract:
      sid: { from: event, json: /id }
`);
    const json = join(dir, 'inject.json');
    const md = join(dir, 'inject.md');
    const xml = join(dir, 'inject.xml');
    const summary = join(dir, 'inject-summary.md');
    const r = await timedRun(['run', file, '--target', server.url, '--json', json, '--markdown', md, '--junit', xml], 2000, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    assert.equal(r.code, 0, r.stderr);
    for (const [what, text] of [['stdout', r.stdout], ['stderr', r.stderr], ['markdown', readFileSync(md, 'utf8')], ['junit', readFileSync(xml, 'utf8')], ['json', readFileSync(json, 'utf8')]] as const) {
      assert.doesNotMatch(text, RAW_CONTROL, `${what} holds a raw control character`);
    }
    // Outside wobbly's own stop-commands fence, only wobbly's own annotations start with "::".
    const token = /^::stop-commands::([0-9a-f]{32})$/m.exec(r.stdout)?.[1];
    assert.ok(token, 'the report is fenced');
    const [before, fenced, afterFence] = r.stdout.split(new RegExp(`^::(?:stop-commands::${token}|${token}::)$`, 'm'));
    assert.ok(fenced !== undefined && afterFence !== undefined);
    assert.equal(before!.trim(), '');
    for (const line of afterFence!.split('\n').filter((l) => l.startsWith('::'))) assert.match(line, /^::(warning|error) (file=[^,]*,)?title=wobbly /);
    assert.doesNotMatch(r.stdout, /^::error title=INJECTED/m);
    // The values are kept, visibly escaped, in the result.
    const result = read(json);
    const ids = Object.keys(result.actors.probe!.identities.id!);
    assert.equal(ids.length, 1);
    assert.ok(ids[0]!.startsWith('\\x1b[2J\\x1b]0;pwned\\x07\\x00\\x9b31m\\u202e\\n::error title=INJECTED::boom'), ids[0]);
    assert.ok(Object.keys(result.actors.stream!.identities.sid!)[0]!.includes('\\n::error'), 'stream identity escaped too');
    assert.ok(result.actors.probe!.summary.requests >= 15);
    const markdown = readFileSync(md, 'utf8');
    assert.doesNotMatch(markdown, /!\[|<img/);
  });

  test('streams: a 1xx flood is failed, never passed silently', async () => {
    const flood = join(dir, 'flood.json');
    const r = await timedRun(['run', scenario('flood', 'duration: 2s\nactors:\n  - kind: stream\n    path: /flood1xx\n    streams: 2\n'), '--target', server.url, '--json', flood, '-q'], 2000);
    // Every stream failed: the run says so and fails (exit 1), it never passes silently.
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(read(flood).failedActors?.map((a) => a.actor), ['stream']);
    const f = read(flood).actors.stream!;
    assert.deepEqual(f.summary.errors, { 'no final response (only interim 1xx)': 2 });
    assert.equal(f.stream!.failed, 2);
  });

  test('faults are named: malformed HTTP and bare LF are not "is the server running?"; a TLS error says TLS; nothing listening does', async () => {
    // The reason is the load client's parser's (src/load/http1.ts), which every actor but streams uses.
    for (const [path, reason] of [['/malformed', 'not an HTTP/1.x response'], ['/bare-lf', 'bare CR or LF in the status line'], ['/ctl-header', 'control character in a header value']] as const) {
      const r = await timedRun(['run', scenario(`fault${path.slice(1)}`, `duration: 1s\nactors:\n  - kind: probe\n    path: ${path}\n    rate: 10/s\n`), '--target', server.url], 1000);
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stderr, `wobbly: ${server.url} is listening, but every request before the run failed (malformed HTTP (${reason}): the answer is not valid HTTP/1.1)\n`);
    }
    const tls = await timedRun(['run', scenario('tls', 'duration: 1s\nactors:\n  - kind: probe\n    path: /ok\n    rate: 10/s\n'), '--target', server.url.replace('http:', 'https:')], 1000);
    assert.equal(tls.code, 3);
    assert.equal(tls.stderr, `wobbly: ${server.url.replace('http:', 'https:')} is listening, but every request before the run failed (TLS error (ERR_SSL_WRONG_VERSION_NUMBER): trust its certificate with --ca FILE, or use --insecure for a test server (and check the https:// in the target))\n`);
    const nobody = await timedRun(['run', join(dir, 'tls.yaml'), '--target', 'http://127.0.0.1:9'], 1000);
    assert.equal(nobody.code, 3);
    assert.equal(nobody.stderr, 'wobbly: cannot reach http://127.0.0.1:9 (ECONNREFUSED): is the server running?\n');
  });

  test('numbers out of range, request splitting and prototype names are exit 2 with file, line, field and range; nothing sent', async () => {
    await withOwnServer([], async (own) => {
      const file = scenario('ranges', `duration: 600h
params:
  n: 1
actors:
  - kind: probe
    path: "/a b"
    rate: 1000000000/s
    timeout: 600h
    start: 2s
    stop: 1s
    headers: { x-a: "v\\r\\nX-Injected: 1" }
  - kind: load
    path: /ok
    connections: 2147483648
    workers: 64
  - kind: request
    path: /ok
    count: 100000
    timeout: ${'9'.repeat(400)}s
`);
      const before = await requestsSeen(own);
      const r = await timedRun(['run', file, '--target', own.url, '--set', 'toString=1', '--set', '__proto__=2', '--expect', 'probe.constructor < 1'], 0);
      assert.equal(r.code, 2, r.stderr);
      const expected = [
        /ranges\.yaml:2: duration: expected a duration above 0 up to 24h, got "600h"/,
        /ranges\.yaml:7: actors\[0\]\.path: a path cannot hold a space/,
        /ranges\.yaml:8: actors\[0\]\.rate: expected a rate above 0 up to 10000\/s, got "1000000000\/s"/,
        /ranges\.yaml:9: actors\[0\]\.timeout: expected a duration from 1ms up to 1h, got "600h"/,
        /ranges\.yaml:11: actors\[0\]\.stop: expected a stop after the start/,
        /ranges\.yaml:12: actors\[0\]\.headers\.x-a: a header value cannot hold CR, LF or NUL/,
        /ranges\.yaml:15: actors\[1\]\.connections: expected a whole number from 1 to 10000, got 2147483648/,
        /ranges\.yaml:16: actors\[1\]\.workers: expected a whole number from 1 to 8, got 64/,
        /ranges\.yaml:19: actors\[2\]\.count: expected a whole number from 1 to 1000, got 100000/,
        /ranges\.yaml:20: actors\[2\]\.timeout: expected a duration from 1ms up to 1h/,
        /--set toString: the scenario has no param "toString"/,
        /--set __proto__: the scenario has no param "__proto__"/,
        /unknown metric "constructor"/,
      ];
      for (const re of expected) assert.match(r.stderr, re);
      assert.doesNotMatch(r.stderr, /internal error|at .*\.js:\d+/);
      // YAML alias bomb, unresolved alias and cycle: exit 2 at their line.
      let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
      for (let i = 1; i < 8; i++) bomb += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
      for (const [name, text, re] of [
        ['bomb', `duration: 1s\nactors: [{kind: request, path: /ok}]\n${bomb}`, /bomb\.yaml:\d+: \(syntax\): too many YAML alias expansions/],
        ['unresolved', 'duration: *nope\nactors: [{kind: request, path: /ok}]\n', /unresolved\.yaml:2: \(syntax\): a YAML alias that cannot be resolved/],
        ['cycle', 'duration: 1s\nx: &c [*c]\nactors: [{kind: request, path: /ok}]\n', /cycle\.yaml:3: \(syntax\): a YAML alias inside its own anchor/],
      ] as const) {
        const c = await timedRun(['run', scenario(name, text), '--target', own.url], 0);
        assert.equal(c.code, 2, c.stderr);
        assert.match(c.stderr, re);
      }
      const huge = join(dir, 'huge.yaml');
      writeFileSync(huge, `name: huge\nduration: 1s\nactors: [{kind: request, path: /ok}]\n#${'x'.repeat(2 << 20)}\n`);
      const h = await timedRun(['run', huge, '--target', own.url], 0);
      assert.equal(h.code, 2);
      const size = statSync(huge).size;
      assert.equal(h.stderr.split('\n')[0], `${huge}: (file): expected a file of at most 1 MiB, it has ${size} bytes`);
      assert.equal(await requestsSeen(own), before, 'no request reached the server');
    });
  });

  test('streams: an unterminated line is capped, the stream failed', async () => {
    const unterminated = join(dir, 'unterminated.json');
    const r = await timedRun(['run', scenario('unterminated', 'duration: 4s\nactors:\n  - kind: stream\n    path: /unterminated\n    format: lines\n'), '--target', server.url, '--json', unterminated, '-q'], 4000);
    assert.equal(r.code, 1, r.stderr); // its one stream failed: a failed run
    const u = read(unterminated).actors.stream!;
    assert.deepEqual(u.summary.errors, { 'a line longer than 1048576 characters': 1 });
  });

  test('params never become shell text: --set "tag=x; touch FILE;" starts the server with the literal value', async () => {
    const marker = join(dir, 'injected-marker');
    const argvFile = join(dir, 'server-argv.json');
    const file = scenario('params', `duration: 1s
params:
  tag: plain
server:
  command: node ${join(ROOT, 'dist/test/servers/argv-server.js')} {port} ${argvFile} \${tag} --label="\${tag}"
actors:
  - kind: request
    path: /
`);
    const r = await timedRun(['run', file, '--set', `tag=x; touch ${marker}; $(touch ${marker})`, '--json', join(dir, 'params.json'), '-q'], 1000);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(marker), false, 'the shell ran the param');
    const argv = JSON.parse(readFileSync(argvFile, 'utf8')) as string[];
    // Unquoted, the value splits on blanks as text would; quoted, it is one word; never code.
    assert.deepEqual(argv.slice(-6), ['x;', 'touch', `${marker};`, '$(touch', `${marker})`, `--label=x; touch ${marker}; $(touch ${marker})`]);
  });

  test('SIGTERM while the server starts: it is stopped, exit 130 with a partial JSON result', async () => {
    const pidFile = join(dir, 'never-ready.pid');
    const file = scenario('never-ready', `duration: 2s
server:
  command: node -e "require('fs').writeFileSync('${pidFile}', String(process.pid)); setInterval(() => {}, 1000)"
  readyTimeout: 60s
actors:
  - kind: probe
    path: /ok
    rate: 10/s
`);
    const json = join(dir, 'never-ready.json');
    const cli = startCli(['run', file, '--json', json], { timeoutMs: 30_000 });
    for (let i = 0; i < 100 && !existsSync(pidFile); i++) await sleep(50);
    const serverPid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(alive(serverPid));
    const result = await sigtermBeforeTheRun(cli, json, 5000);
    assert.ok(await waitGone(serverPid, 3000), 'the server was stopped');
    // the shell started by /bin/sh -c may be the same process (exec) or its parent: both gone
    // (an exited process that init has not reaped yet counts as gone: alive() in helpers.ts)
    assert.equal(alive(serverPid), false);
  });

  test('SIGTERM during calibration (a hanging load endpoint): exit 130 at once, a partial result, no actor started', async () => {
    await withOwnServer([], async (own) => {
      const file = scenario('calibrating', 'duration: 5s\nactors:\n  - kind: probe\n    path: /ok\n    rate: 10/s\n  - kind: load\n    path: /hang\n    connections: 2\n');
      const json = join(dir, 'calibrating.json');
      const before = await requestsSeen(own);
      const cli = startCli(['run', file, '--target', own.url, '--json', json, '-q'], { timeoutMs: 30_000 });
      // Calibration has begun once the server sees requests; the load's waits at least 4 s on /hang.
      for (let i = 0; i < 200 && (await requestsSeen(own)) === before; i++) await sleep(25);
      await sleep(300);
      const result = await sigtermBeforeTheRun(cli, json, 2500);
      assert.equal(result.actors.load!.summary.requests, 0);
      for (const v of result.verdicts) assert.notEqual(v.status, 'detected', `${v.id}: ${v.summary}`);
    });
  });
});
