// `npm run bench`: wobbly's load actor against autocannon, wrk and hey (Debian packages; a
// missing one is said so) on the same trivial loopback server, in interleaved rounds (A, B, C, A,
// B, C, ...), then the probe's accuracy while the load runs at full speed.
//   BENCH_ROUNDS=5 BENCH_SECONDS=10 BENCH_CONNECTIONS=50 BENCH_PROBE=0 npm run bench
// Rounds last 10 s (autocannon's own default duration): every tool's start-up and report (wobbly's
// ~0.6 s of CPU, autocannon's ~0.3 s) count, spread over a typical run's requests.
// Per tool and round: req/s, the generator's CPU time per request (user + sys of its process,
// from the kernel's rusage via GNU time) and its peak RSS; min / median / max over the rounds,
// and each peer's ratio to wobbly (median of the per-round ratios: rounds pair up in time, so a
// slow patch of the shared machine hits both sides). On 2 cores the server takes one core, so
// req/s mostly measures the server; CPU per request is the generator's own cost and the steadier.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, stallServer, tempDir, type TestServer } from '../test/helpers.js';
import type { RunResult } from '../src/result/types.js';
import { autocannon, hey, timeMissing, wobbly, wrk, type Generator, type RoundFigures } from './generators.js';
import { cpus } from 'node:os';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
/** Goals against autocannon, same run: at least its req/s, at most 0.8 × its CPU per request. */
const MIN_RPS_RATIO = 1.0;
const MAX_CPU_RATIO = 0.8;
const dir = tempDir();

const fmt = (x: number, digits = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-');
const median = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const spread = (xs: number[], digits = 0) => {
  const s = xs.filter(Number.isFinite);
  return s.length ? `${fmt(Math.min(...s), digits)} / ${fmt(median(s), digits)} / ${fmt(Math.max(...s), digits)}` : '-';
};
const cpuUs = (f: RoundFigures | undefined) => (f ? (f.cpuSec * 1e6) / f.requests : NaN);
const out = (line = '') => process.stdout.write(line + '\n');

async function throughput(server: TestServer): Promise<boolean> {
  const noTime = timeMissing();
  if (noTime) {
    out(`cannot measure CPU per request: ${noTime}`);
    return false;
  }
  const tools: Generator[] = [];
  for (const t of [wobbly(1), autocannon, wrk, hey, wobbly(2)]) {
    const why = t.missing();
    if (why) out(`${t.name}: MISSING, not measured: ${why}`);
    else tools.push(t);
  }
  const rounds = new Map<string, (RoundFigures | undefined)[]>(tools.map((t) => [t.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const tool of tools) {
      const f = await tool.run(server.url, { connections: CONNECTIONS, seconds: SECONDS, dir }).catch((err: Error) => {
        out(`  round ${round + 1}: ${tool.name.padEnd(11)} FAILED: ${err.message}`);
        return undefined;
      });
      rounds.get(tool.name)!.push(f);
      if (f) out(`  round ${round + 1}: ${tool.name.padEnd(11)} ${fmt(f.reqPerSec).padStart(8)} req/s  ${fmt(cpuUs(f), 2).padStart(6)} µs CPU/request (user ${fmt((f.userSec * 1e6) / f.requests, 2)}, sys ${fmt((f.sysSec * 1e6) / f.requests, 2)})  peak RSS ${fmt(f.peakRssBytes / 2 ** 20, 1)} MB`);
    }
  }
  const w = rounds.get('wobbly')!;
  /** Per-round ratio tool / wobbly of a figure. */
  const ratios = (name: string, of: (f: RoundFigures) => number) => rounds.get(name)!.map((f, i) => (f && w[i] ? of(f) / of(w[i]!) : NaN));
  out();
  out(`Load generators, ${CONNECTIONS} connections, ${SECONDS} s per round, ${ROUNDS} interleaved rounds, GET /live on a Node loopback server (${cpus().length} cores); min / median / max:`);
  out(`  ${'tool'.padEnd(11)} ${'req/s'.padStart(26)} ${'CPU µs/request'.padStart(22)} ${'peak RSS MB'.padStart(20)}   ratio to wobbly (median): req/s, CPU/request, RSS`);
  for (const [name, fs] of rounds) {
    const ok = fs.filter((f): f is RoundFigures => f !== undefined);
    const ratio = name === 'wobbly' ? '' : `${fmt(median(ratios(name, (f) => f.reqPerSec)), 2)}×, ${fmt(median(ratios(name, (f) => cpuUs(f))), 2)}×, ${fmt(median(ratios(name, (f) => f.peakRssBytes)), 2)}×`;
    out(
      `  ${name.padEnd(11)} ${spread(ok.map((f) => f.reqPerSec)).padStart(26)} ${spread(ok.map(cpuUs), 2).padStart(22)} ${spread(ok.map((f) => f.peakRssBytes / 2 ** 20), 1).padStart(20)}   ${ratio}`,
    );
  }
  if (rounds.has('wobbly w2')) {
    out(
      `\nworkers: 1 → 2: ${fmt(median(w.map((f) => f?.reqPerSec ?? NaN)))} → ${fmt(median(rounds.get('wobbly w2')!.map((f) => f?.reqPerSec ?? NaN)))} req/s (median). ` +
        `With ${cpus().length} cores and the server on one of them, a second load thread has no core of its own: more cores (and a server that scales) are needed to show more.`,
    );
  }
  const rps = median(ratios('autocannon', (f) => f.reqPerSec).map((x) => 1 / x));
  const cpu = median(ratios('autocannon', (f) => cpuUs(f)).map((x) => 1 / x));
  const pass = rps >= MIN_RPS_RATIO && cpu <= MAX_CPU_RATIO;
  out(`\nwobbly / autocannon, median of paired rounds: req/s ${fmt(rps, 2)}× (goal ≥ ${MIN_RPS_RATIO}), CPU per request ${fmt(cpu, 2)}× (goal ≤ ${MAX_CPU_RATIO}) → ${pass ? 'PASS' : 'FAIL'}`);
  return pass;
}

async function probeAccuracy(server: TestServer): Promise<boolean> {
  const scenario = join(dir, 'bench-probe.yaml');
  writeFileSync(
    scenario,
    [
      'name: bench-probe',
      'params: { heavy: "/heavy?ms=1000" }',
      'duration: 5s',
      'actors:',
      '  - { name: probe, kind: probe, path: /live, rate: 100/s }',
      `  - { name: load, kind: load, path: /live, connections: ${CONNECTIONS}, calibrate: 0 }`,
      '  - { name: heavy, kind: request, path: "${heavy}", at: 2s }',
      '',
    ].join('\n'),
  );
  process.stdout.write(`\nProbe accuracy: a probe at 100/s while the load runs at full speed (${CONNECTIONS} connections) on the same server\n`);
  let ok = true;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [what, heavy] of [['1,000 ms block', '/heavy?ms=1000'], ['no block', '/live']] as const) {
      const json = join(dir, 'bench-probe.json');
      const r = await runCli(['run', scenario, '--target', server.url, '--set', `heavy=${heavy}`, '--json', json, '--quiet'], { timeoutMs: 60_000 });
      if (r.code !== 0) throw new Error(`wobbly exited ${r.code}: ${r.stderr}`);
      const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
      const v = result.verdicts.find((x) => x.id === 'event-loop-stall')!;
      const e = v.evidence as { longestStallMs: number; stalls: { lengthMs: number }[] };
      const load = result.actors.load!.load!;
      const probe = result.actors.probe!.summary;
      const expected = heavy === '/live' ? 0 : 1000;
      // Without a block: clear, or inconclusive when wobbly's own loop lagged (its self-check), never detected.
      const good = heavy === '/live' ? v.status !== 'detected' : v.status === 'detected' && e.stalls.length === 1 && Math.abs(e.longestStallMs - expected) <= 50;
      ok &&= good;
      process.stdout.write(
        `  ${what.padEnd(15)} stall measured ${String(e.longestStallMs).padStart(7)} ms (${v.status}, ${e.stalls.length} stall${e.stalls.length === 1 ? '' : 's'}) · ` +
          `load ${fmt(load.requestsPerSec)} req/s · probe p50 ${probe.latencyMs.p50} ms, p99 ${probe.latencyMs.p99} ms · wobbly's loop delay p99 ${result.self.eventLoopDelayP99Ms} ms, max ${result.self.eventLoopDelayMaxMs} ms ${good ? '' : '← WRONG'}\n`,
      );
    }
  }
  process.stdout.write(`probe accuracy → ${ok ? 'PASS' : 'FAIL'} (block measured within ±50 ms, no false stall)\n`);
  return ok;
}

const server = await stallServer();
try {
  process.stdout.write(`wobbly bench against ${server.url} (node ${process.version})\n`);
  const a = await throughput(server);
  const b = process.env.BENCH_PROBE === '0' ? true : await probeAccuracy(server);
  process.exitCode = a && b ? 0 : 1;
} finally {
  await server.stop();
}
