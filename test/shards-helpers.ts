// Shards as local processes: N `wobbly run --shard i/N --start-at T --raw` at once against one
// loopback server, then `wobbly merge`; and the same scenario in one process, to compare with.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { ROOT, runCli, sleep, startServer, type TestServer } from './helpers.js';
import { readRunData } from '../src/run-data/file.js';
import type { RunData } from '../src/run-data/types.js';
import type { RunResult } from '../src/result/types.js';

/** Ahead of now: the shards' node start-up, their clock-offset round trips (~0.8 s) and calibration, on a busy 2-core machine. */
export const START_LEAD_MS = 6000;

/** After a set of shards is spawned: their start-up (node, clock offset, calibration) is over, they sleep until --start-at. */
export const REFERENCE_AFTER_MS = 2500;

/**
 * The sharded runs one at a time, in the order they are asked for (4 CLI processes each: never two
 * sets at once), and each one-process reference run in the lead of another server's shards, started
 * REFERENCE_AFTER_MS after those were spawned: only sleeping shards beside it (give those shards the
 * lead to hold it). A server never has two runs at once: a stall blocks the whole stall server, the
 * stream server numbers streams in arrival order, a pool is shared.
 */
export function shardSchedule() {
  let shardedChain: Promise<unknown> = Promise.resolve();
  let pending = 0;
  const serverChain = new Map<string, Promise<unknown>>();
  const onServer = <T>(server: string, run: () => Promise<T>): Promise<T> => {
    const r = (serverChain.get(server) ?? Promise.resolve()).then(run);
    serverChain.set(server, r.catch(() => undefined));
    return r;
  };
  const spawned = new Map<string, { at: Promise<void>; mark: () => void }>();
  const spawnOf = (server: string) => {
    if (!spawned.has(server)) {
      let mark!: () => void;
      spawned.set(server, { at: new Promise<void>((r) => (mark = r)), mark });
    }
    return spawned.get(server)!;
  };
  return {
    /** After the previous sharded run; `run` gets the --start-at for its shards, `leadMs` ahead. */
    sharded<T>(server: string, leadMs: number, run: (startAt: string) => Promise<T>): Promise<T> {
      pending++;
      const r = shardedChain.then(() =>
        onServer(server, () => {
          spawnOf(server).mark();
          return run(new Date(Date.now() + leadMs).toISOString());
        }),
      );
      shardedChain = r
        .catch(() => undefined)
        .finally(() => {
          // None left (a test name filter may leave a host out): the references still waiting run alone.
          if (--pending === 0) for (const s of spawned.values()) s.mark();
        });
      return r;
    },
    /** In the lead of `host`'s shards. */
    async reference<T>(server: string, host: string, run: () => Promise<T>): Promise<T> {
      await spawnOf(host).at;
      await sleep(REFERENCE_AFTER_MS);
      return onServer(server, run);
    },
  };
}

export interface ShardedRun {
  shards: RunData[];
  files: string[];
  merged: RunResult;
  mergedData: RunData;
  requestedStartAt: string;
}

export async function runShards(scenarioFile: string, url: string, n: number, dir: string, tag: string, requestedStartAt = new Date(Date.now() + START_LEAD_MS).toISOString()): Promise<ShardedRun> {
  const files = Array.from({ length: n }, (_, i) => join(dir, `${tag}-${i}of${n}.raw`));
  const runs = await Promise.all(files.map((raw, i) => runCli(['run', scenarioFile, '--target', url, '--shard', `${i}/${n}`, '--start-at', requestedStartAt, '--raw', raw, '--quiet'])));
  runs.forEach((r, i) => assert.ok(r.code === 0 || r.code === 1, `shard ${i}/${n} exit ${r.code}: ${r.stderr}`));
  const json = join(dir, `${tag}-merged.json`);
  const raw = join(dir, `${tag}-merged.raw`);
  const merge = await runCli(['merge', ...files, '--json', json, '--raw', raw, '--quiet']);
  assert.ok(merge.code === 0 || merge.code === 1, `merge exit ${merge.code}: ${merge.stderr}`);
  return { shards: await Promise.all(files.map((f) => readRunData(f))), files, merged: JSON.parse(readFileSync(json, 'utf8')), mergedData: await readRunData(raw), requestedStartAt };
}

export async function runSingle(scenarioFile: string, url: string, dir: string, tag: string): Promise<RunResult> {
  const json = join(dir, `${tag}-single.json`);
  const r = await runCli(['run', scenarioFile, '--target', url, '--json', json, '--quiet']);
  assert.ok(r.code === 0 || r.code === 1, `single run exit ${r.code}: ${r.stderr}`);
  return JSON.parse(readFileSync(json, 'utf8'));
}

export function verdict(r: RunResult, id: string): RunResult['verdicts'][number] {
  const v = r.verdicts.find((x) => x.id === id);
  assert.ok(v, `no ${id} verdict in ${r.verdicts.map((x) => x.id).join(', ')}`);
  return v;
}

/** The named test servers (test/servers/<name>-server.ts), up for the whole test file. */
export function testServers<N extends string>(names: readonly N[]): Record<N, { readonly url: string }> {
  const up = new Map<string, TestServer>();
  before(async () => {
    await Promise.all(names.map(async (n) => up.set(n, await startServer(join(ROOT, `dist/test/servers/${n}-server.js`)))));
  });
  after(async () => {
    await Promise.all([...up.values()].map((s) => s.stop()));
  });
  return Object.fromEntries(
    names.map((n) => [
      n,
      {
        get url() {
          const s = up.get(n);
          if (!s) throw new Error(`the ${n} server is not started yet`);
          return s.url;
        },
      },
    ]),
  ) as Record<N, { readonly url: string }>;
}
