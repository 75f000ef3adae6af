// `body: { file }` in a scenario and -d @file in the one-liner (one reader, one cap, read before
// anything is sent), and compound durations (1m30s) through the loader and its ranges.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, parseScenario } from '../src/scenario/load.js';
import { ScenarioError, type Problem } from '../src/scenario/problems.js';
import { parseDurationMs } from '../src/scenario/units.js';
import type { RequestSpec } from '../src/types.js';
import { ROOT, getJson, runCli, startServer, tempDir, type TestServer } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer(join(ROOT, 'dist/test/servers/body-server.js'));
});
after(async () => {
  await server.stop();
});

type Received = { method: string; path: string; body: string }[];
const received = () => getJson<Received>(`${server.url}/received`);
const sentTo = async (path: string) => (await received()).filter((r) => r.path === path);

function problems(fn: () => unknown): Problem[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScenarioError) return err.problems;
    throw err;
  }
  assert.fail('expected a ScenarioError');
}

test('compound durations: parts largest first, each unit once', () => {
  assert.equal(parseDurationMs('1m30s'), 90_000);
  assert.equal(parseDurationMs('1h2m'), 3_720_000);
  assert.equal(parseDurationMs('2s500ms'), 2500);
  assert.equal(parseDurationMs('1h 0m 1s 1ms'), 3_601_001);
  assert.equal(parseDurationMs('1.5m'), 90_000);
  assert.equal(parseDurationMs('5ms'), 5);
  assert.equal(parseDurationMs('250us'), 0.25);
  for (const bad of ['500ms2s', '1s1s', '1m30', 'm30s', '', '1 m s', '2x']) assert.equal(parseDurationMs(bad), undefined, bad);
});

const scenarioWith = (duration: string, at: string) => `
name: t
target: http://127.0.0.1:1
duration: ${duration}
actors:
  - { kind: request, path: /, at: '${at}' }
`;

test('compound durations load where a duration stands, within the same ranges', () => {
  const s = parseScenario(scenarioWith('2m', '1m30s'), 'f.yaml');
  assert.equal(s.durationMs, 120_000);
  assert.equal((s.actors[0] as RequestSpec).atMs, 90_000);
  assert.equal(parseScenario(scenarioWith('23h59m59s', '0s'), 'f.yaml').durationMs, 86_399_000);
  const over = problems(() => parseScenario(scenarioWith('24h0m1s', '0s'), 'f.yaml'));
  assert.deepEqual(over.map((p) => [p.path, p.line]), [['duration', 4]]);
  assert.ok(over[0]!.message.includes('up to 24h'), over[0]!.message);
  const misordered = problems(() => parseScenario(scenarioWith('30s1m', '0s'), 'f.yaml'));
  assert.deepEqual(misordered.map((p) => p.path), ['duration']);
});

function scenarioDir(body: string, files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'bodies'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(
    join(dir, 'scenario.yaml'),
    `name: body-file\nduration: 2s\nactors:\n  - kind: request\n    method: POST\n    path: /post\n    body: ${body}\n  - { kind: request, path: /other, at: 100ms }\n`,
  );
  return join(dir, 'scenario.yaml');
}

test('body: { file } is read relative to the scenario file, and those bytes are sent', async () => {
  const text = '{"name": "ünïcode", "n": [1, 2, 3]}\n';
  const file = scenarioDir('{ file: bodies/in.json }', { 'bodies/in.json': text });
  const s = await loadScenario(file, { target: server.url });
  assert.equal(s.actors[0]!.body, text);
  const before = (await sentTo('/post')).length;
  const r = await runCli(['run', file, '--target', server.url, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const posts = await sentTo('/post');
  assert.equal(posts.length, before + 1);
  assert.equal(Buffer.from(posts.at(-1)!.body, 'base64').toString('utf8'), text);
});

test('a body file that is missing or over 1 MiB: every problem at once, with line and field, exit 2, nothing sent', async () => {
  const missing = scenarioDir('{ file: bodies/nope.json }', {});
  const p = problems(() => parseScenario(`name: t\ntarget: http://127.0.0.1:1\nduration: 1s\nactors:\n  - { kind: request, path: /, body: { file: nope.json } }\n  - { kind: probe, path: /, rate: 0/s }\n`, join(missing, '..', 'x.yaml')));
  assert.deepEqual(p.map((x) => [x.path, x.line]), [['actors[0].body.file', 5], ['actors[1].rate', 6]]);
  assert.ok(p[0]!.message.includes('"nope.json" (ENOENT)'), p[0]!.message);

  const big = scenarioDir('{ file: bodies/big.bin }', { 'bodies/big.bin': Buffer.alloc((1 << 20) + 1, 97) });
  const before = (await received()).length;
  for (const file of [missing, big]) {
    const r = await runCli(['run', file, '--target', server.url]);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes('actors[0].body.file'), r.stderr);
    assert.ok(!r.stderr.includes('    at '), 'no stack trace');
  }
  assert.equal((await received()).length, before, 'nothing reached the server');
  const r = await runCli(['run', big, '--target', server.url]);
  assert.ok(r.stderr.includes(`it has ${(1 << 20) + 1} bytes`), r.stderr);
});

test('-d @file uses the same reader: its bytes are sent, an oversized file is refused before sending', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'small.txt'), 'hello from a file');
  writeFileSync(join(dir, 'big.txt'), Buffer.alloc((1 << 20) + 1, 98));
  const ok = await runCli([`${server.url}/oneliner`, '-n', '1', '-c', '1', '-d', `@${join(dir, 'small.txt')}`, '--quiet']);
  assert.equal(ok.code, 0, ok.stderr);
  const got = await sentTo('/oneliner');
  assert.ok(got.length >= 1);
  assert.equal(Buffer.from(got.at(-1)!.body, 'base64').toString('utf8'), 'hello from a file');

  const before = (await received()).length;
  const big = await runCli([`${server.url}/oneliner`, '-n', '1', '-c', '1', '-d', `@${join(dir, 'big.txt')}`]);
  assert.equal(big.code, 2, big.stderr);
  assert.ok(big.stderr.includes(`it has ${(1 << 20) + 1} bytes`), big.stderr);
  assert.equal((await received()).length, before, 'nothing reached the server');
});
