// The live view: the pure formatter on fixed states (golden), the sampler on a hand-fed run record
// (a stalled probe says so), the TTY writer's in-place rewrite, and the CLI under a real
// pseudo-terminal (script(1)): shown there during a real stall, never off a TTY, with NO_COLOR or --quiet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { LiveSampler, liveLines, progressLine, type LiveState } from '../src/cli/progress.js';
import { ActorRecorder } from '../src/metrics/actor-recorder.js';
import type { RunRecord } from '../src/engine/run.js';
import type { Scenario } from '../src/types.js';
import type { Io } from '../src/cli/io.js';
import { assertGolden } from './golden.js';
import { BIN, ROOT, runCli, stallServer, track, within } from './helpers.js';

const STATE: LiveState = {
  scenario: 'liveness-during-heavy',
  elapsedMs: 3300,
  durationMs: 8000,
  actors: [
    { name: 'probe', kind: 'probe', ok: 230, failed: 0, ratePerSec: 0, p50Ms: 1.3, p99Ms: 940, inFlight: 120, silentMs: 1200 },
    { name: 'heavy', kind: 'request', ok: 0, failed: 0, ratePerSec: 0, inFlight: 1 },
    { name: 'load', kind: 'load', ok: 4120, failed: 3, ratePerSec: 1234.5 },
    { name: 'streams', kind: 'stream', ok: 80, failed: 0, ratePerSec: 73, p50Ms: 101, p99Ms: 152, inFlight: 8 },
  ],
};

const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

test('liveLines: elapsed and ETA, a line per actor, the stalled probe says NO ANSWER FOR 1.2 s', () => {
  const plain = liveLines(STATE, { color: false, width: 120 });
  assertGolden('live-view.txt', plain.join('\n') + '\n');
  const coloured = liveLines(STATE, { color: true, width: 120 });
  assert.deepEqual(coloured.map(strip), plain, 'colour changes nothing but the colour');
  assert.ok(coloured[1]!.includes('\u001b[31m  NO ANSWER FOR 1.2 s\u001b[0m'), 'the silence is red');
  assert.ok(plain.every((l) => !l.includes('\u001b')), 'no escape without colour');
});

test('liveLines: a narrow terminal gets lines that do not wrap, the silence still shown', () => {
  const lines = liveLines(STATE, { color: false, width: 50 });
  assertGolden('live-view-narrow.txt', lines.join('\n') + '\n');
  for (const l of lines) assert.ok(l.length <= 49, `too wide (${l.length}): ${l}`);
  assert.ok(lines[1]!.includes('NO ANSWER FOR 1.2 s'));
});

function probeScenario(): Scenario {
  return {
    name: 's',
    description: '',
    params: {},
    target: 'http://127.0.0.1:1',
    durationMs: 5000,
    bucketMs: 1000,
    expect: [],
    source: 'test',
    actors: [{ kind: 'probe', name: 'probe', method: 'GET', path: '/', headers: {}, timeoutMs: 5000, extract: {}, ratePerSec: 10, startMs: 0, maxInFlight: 100 }],
  };
}

test('LiveSampler: rate over the last second, in flight = due − answered, a silence only while probes wait', () => {
  const scenario = probeScenario();
  const rec = new ActorRecorder('probe', 'probe', 1000, true);
  const record = { actors: new Map([['probe', rec]]) } as unknown as RunRecord;
  const sampler = new LiveSampler(scenario);
  const answer = (due: number) => rec.record({ scheduledMs: due, sentMs: due, endMs: due + 5, status: 200, bytes: 2 });
  sampler.sample(0, record);
  for (let i = 0; i < 10; i++) answer(i * 100); // 10 answers in the first second (5 ms each)
  const s1 = sampler.sample(1000, record).actors[0]!;
  assert.equal(s1.ok, 10);
  assert.equal(s1.ratePerSec, 10);
  assert.equal(s1.inFlight, 1); // due at 1000 ms, not answered yet
  assert.equal(s1.silentMs, undefined);
  assert.equal(s1.p50Ms, 5);
  // No answer after 1000 ms: at 2200 ms, 13 probes are due and waiting, silent for 1.2 s.
  const s2 = sampler.sample(2200, record).actors[0]!;
  assert.equal(s2.inFlight, 13);
  assert.equal(s2.silentMs, 1200);
  assert.equal(s2.ratePerSec, 0);
  // The backlog is answered: no silence any more.
  for (let i = 10; i < 23; i++) answer(i * 100);
  const s3 = sampler.sample(2450, record).actors[0]!;
  assert.equal(s3.inFlight, 2);
  assert.equal(s3.silentMs, undefined);
});

test('progressLine: rewrites its lines in place and erases them at the end', () => {
  const written: string[] = [];
  const io = { err: (t: string) => void written.push(t), out: () => undefined, color: false, width: 100, isTTY: true, interrupt: new AbortController().signal } as Io;
  const rec = new ActorRecorder('probe', 'probe', 1000, true);
  const record = { actors: new Map([['probe', rec]]) } as unknown as RunRecord;
  const p = progressLine(io, probeScenario());
  p.update(250, record);
  p.update(500, record);
  p.clear();
  assert.ok(written[0]!.startsWith('\r\u001b[0J0.3 s of 5.0 s'), JSON.stringify(written[0]));
  assert.equal(written[0]!.split('\n').length, 2);
  assert.ok(written[1]!.startsWith('\r\u001b[1A\u001b[0J0.5 s of 5.0 s'), JSON.stringify(written[1]));
  assert.equal(written[2], '\r\u001b[1A\u001b[0J');
});

/** The CLI on a pseudo-terminal (script(1)); its output, escapes included. */
function onTty(args: string[], env: Record<string, string>): Promise<string> {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = track(spawn('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, COLUMNS: '110', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`exit ${code}: ${out}`));
    });
  });
}

test('the CLI on a real terminal shows the live view and the stall while it happens; none off a TTY, with NO_COLOR or --quiet', async () => {
  const server = await stallServer();
  try {
    const scenario = join(ROOT, 'test/fixtures/stall.yaml');
    const args = ['run', scenario, '--target', server.url, '--set', 'duration=3s'];
    const live = await onTty(args, { NO_COLOR: '', TERM: 'xterm' });
    // The heavy request blocks the server for 1 s: the probe's silence, shown in red while it lasts,
    // passes 0.5 s and stays below the block plus one refresh (250 ms) and the probe interval.
    const silences = live.split('\u001b[31m  NO ANSWER FOR ').slice(1).map((rest) => Number(rest.slice(0, rest.indexOf(' s\u001b[0m'))));
    assert.ok(silences.length > 0, 'no silence shown');
    assert.ok(silences.every((x) => Number.isFinite(x) && x >= 0.5), JSON.stringify(silences));
    within(Math.max(...silences), 1.0, 0.35, 'longest silence shown (s)');
    // The header of each frame (bold): elapsed of 3.0 s, the share done and the ETA agree with each
    // other to the display's rounding (0.1 s, 1 %).
    const headers = live.split('\u001b[1m').slice(1).map((x) => x.slice(0, x.indexOf('\u001b[0m'))).filter((x) => x.endsWith('  test-stall'));
    assert.ok(headers.length >= 3, `${headers.length} frames`);
    for (const h of headers) {
      const words = h.split(/\s+/); // "1.2 s of 3.0 s  40%  ETA 1.8 s  test-stall"
      assert.deepEqual([words[1], words[2], words[3], words[4], words[6], words[8]], ['s', 'of', '3.0', 's', 'ETA', 's'], h);
      const elapsed = Number(words[0]);
      within(Math.min(elapsed, 3) + Number(words[7]), 3.0, 0.11, `elapsed + ETA in "${h}"`);
      within(Number(words[5]!.replace('%', '')), Math.min(100, (elapsed / 3) * 100), 2.5, `percent in "${h}"`);
    }
    assert.ok(live.includes('\u001b[2A'), 'the lines are rewritten in place');
    // Where no live view belongs, 2 s runs (the heavy request is at 1 s) show none: these four measure nothing, so they run at once.
    const short = ['run', scenario, '--target', server.url, '--set', 'duration=2s'];
    const [noColor, dumb, quiet, piped] = await Promise.all([
      onTty(short, { NO_COLOR: '1' }),
      onTty(short, { NO_COLOR: '', TERM: 'dumb' }),
      onTty([...short, '--quiet'], { TERM: 'xterm' }),
      runCli(short, { env: { NO_COLOR: '' } }),
    ]);
    for (const [name, out] of [['NO_COLOR=1', noColor], ['TERM=dumb', dumb]] as const) {
      assert.ok(!out.includes('ETA') && !out.includes('\u001b['), `${name}: ${JSON.stringify(out.slice(0, 200))}`);
    }
    assert.equal(quiet, '');
    assert.equal(piped.code, 0, piped.stderr);
    assert.ok(!piped.stderr.includes('ETA') && !piped.stderr.includes('\u001b'), piped.stderr);
  } finally {
    await server.stop();
  }
});
