// The CLI around shards: bad --shard/--start-at or an unsplittable scenario is exit 2 with nothing
// sent; `wobbly merge` refuses, all reasons at once and exit 2, files that are not the shards of
// one run (missing or repeated shards, other params, a --json result instead of run data).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getJson, runCli, stallServerForFile, tempDir } from './helpers.js';
import { readRunData } from '../src/run-data/file.js';

const dir = tempDir();
const server = stallServerForFile();
const file = join(dir, 'tiny.yaml');
writeFileSync(file, ['name: tiny', 'params: { rate: 40/s, conns: 6 }', 'duration: 400ms', 'actors:', '  - { name: probe, kind: probe, path: /live, rate: "${rate}" }', '  - { name: load, kind: load, path: /live, connections: "${conns}", calibrate: 0 }', ''].join('\n'));

const requestsSeen = async () => (await getJson<{ requests: number }>(`${server.url}/stats`)).requests;

test('bad --shard, --start-at or a scenario that cannot be split so far: exit 2, the reason, nothing sent', async () => {
  const before = await requestsSeen();
  const cases: [string[], string][] = [
    [['--shard', '2/2'], 'wobbly: --shard "2/2": I = 2 is not below N = 2; expected I/N with 0 ≤ I < N ≤ 1000 (0-based, e.g. 0/4 … 3/4 for four shards)\n'],
    [['--shard', 'one'], 'wobbly: --shard "one": expected I/N with 0 ≤ I < N ≤ 1000 (0-based, e.g. 0/4 … 3/4 for four shards)\n'],
    [['--start-at', '18:30'], 'wobbly: --start-at "18:30": expected an ISO 8601 date-time with a zone, e.g. 2026-12-01T18:30:00Z, at most 24 h ahead\n'],
    [
      ['--shard', '0/3', '--set', 'conns=2'],
      'wobbly: --shard 0/3: the scenario cannot be split into 3 shards:\n  actors[1] (load): connections 2 is fewer than 3 shards (each shard needs at least 1)\n  use fewer shards, or more connections/streams\n',
    ],
  ];
  for (const [flags, stderr] of cases) {
    const r = await runCli(['run', file, '--target', server.url, '--quiet', ...flags]);
    assert.equal(r.code, 2, flags.join(' '));
    assert.equal(r.stderr, stderr);
  }
  // Nothing reached the server (its count does not include the /stats call asking).
  assert.equal(await requestsSeen(), before);
});

async function shard(name: string, i: number, n: number, set: string[] = []): Promise<string> {
  const raw = join(dir, `${name}.raw`);
  const r = await runCli(['run', file, '--target', server.url, '--shard', `${i}/${n}`, '--raw', raw, '--quiet', ...set]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return raw;
}

test('merge refuses what is not every shard of one run, saying why, exit 2', async () => {
  const a = await shard('a', 0, 3);
  const b = await shard('b', 1, 3);
  const b2 = await shard('b2', 1, 3);
  const other = await shard('other', 2, 3, ['--set', 'rate=20/s']);
  const single = join(dir, 'single.raw');
  const result = join(dir, 'result.json');
  const r0 = await runCli(['run', file, '--target', server.url, '--raw', single, '--json', result, '--quiet']);
  assert.ok(r0.code === 0 || r0.code === 1, r0.stderr);
  // Shards record what they are: the index, the count, the whole scenario, the clock offset.
  const d = await readRunData(b);
  assert.deepEqual([d.shard!.index, d.shard!.count, d.shard!.requestedStartAt, d.shard!.startSkewMs], [1, 3, null, null]);
  assert.equal(d.shard!.whole.actors.find((x) => x.name === 'load')!.kind === 'load' && (d.shard!.whole.actors[1] as { connections: number }).connections, 6);
  assert.equal((d.scenario.actors[1] as { connections: number }).connections, 2);

  const missing = await runCli(['merge', a, b]);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, 'wobbly: cannot merge these runs:\n  missing shard 2/3 (all 3 are needed)\n');

  const twice = await runCli(['merge', a, b, b2, other]);
  assert.equal(twice.code, 2);
  assert.deepEqual(twice.stderr.split('\n'), [
    'wobbly: cannot merge these runs:',
    `  ${other}: other params than ${a} (rate: 20/s vs 40/s)`,
    `  shard 1/3 given more than once: ${b}, ${b2}`,
    '',
  ]);

  const notShard = await runCli(['merge', a, b, single]);
  assert.equal(notShard.code, 2);
  assert.deepEqual(notShard.stderr.split('\n'), ['wobbly: cannot merge these runs:', `  ${single}: not a shard (run with --shard I/N --raw FILE)`, '  missing shard 2/3 (all 3 are needed)', '']);

  const json = await runCli(['merge', a, result]);
  assert.equal(json.code, 2);
  assert.equal(
    json.stderr,
    `wobbly: ${result}: a JSON result, not run data: it keeps percentiles, not histograms or samples, so it cannot be merged losslessly; run each shard with --raw FILE and merge those files\n`,
  );
});
