// `npm run bench`: wobbly's load actor against autocannon (and wrk, ab when installed) on the same
// trivial loopback server in one run, then the probe's accuracy while the load runs at full speed.
//   BENCH_ROUNDS=3 BENCH_SECONDS=4 BENCH_CONNECTIONS=50 npm run bench
// Rounds are interleaved (tool A, B, C, A, B, C, ...) and each tool's best round counts: other
// processes on the machine can only slow a round down, never speed it up.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, stallServer, tempDir, type TestServer } from '../test/helpers.js';
import type { RunResult } from '../src/result/types.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const MIN_RATIO = 0.9;
const dir = tempDir();

interface Tool {
  name: string;
  run(url: string): Promise<number>;
}

function exec(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err || out}`))));
  });
}

function installed(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error;
}

const wobbly: Tool = {
  name: 'wobbly load',
  async run(url) {
    const scenario = join(dir, 'bench-load.yaml');
    writeFileSync(scenario, `name: bench\nduration: ${SECONDS}s\nactors:\n  - { name: load, kind: load, path: /live, connections: ${CONNECTIONS}, calibrate: 0 }\n`);
    const json = join(dir, 'bench-load.json');
    const r = await runCli(['run', scenario, '--target', url, '--json', json, '--quiet'], { timeoutMs: (SECONDS + 30) * 1000 });
    if (r.code !== 0) throw new Error(`wobbly exited ${r.code}: ${r.stderr}`);
    const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
    return result.actors.load!.load!.requestsPerSec;
  },
};

const autocannon: Tool = {
  name: 'autocannon',
  async run(url) {
    const bin = join(ROOT, 'node_modules/autocannon/autocannon.js');
    const out = await exec(process.execPath, [bin, '-c', String(CONNECTIONS), '-d', String(SECONDS), '-j', `${url}/live`]);
    const j = JSON.parse(out) as { requests: { total: number }; duration: number };
    return j.requests.total / j.duration;
  },
};

const wrk: Tool = {
  name: 'wrk -t1',
  async run(url) {
    const out = await exec('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, `${url}/live`]);
    return Number(/Requests\/sec:\s*([\d.]+)/.exec(out)?.[1] ?? NaN);
  },
};

const ab: Tool = {
  name: 'ab -k',
  async run(url) {
    const out = await exec('ab', ['-q', '-k', '-c', String(CONNECTIONS), '-t', String(SECONDS), '-n', '10000000', `${url}/live`]);
    return Number(/Requests per second:\s*([\d.]+)/.exec(out)?.[1] ?? NaN);
  },
};

const fmt = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

async function throughput(server: TestServer): Promise<boolean> {
  const tools = [wobbly, autocannon];
  if (installed('wrk', ['--version'])) tools.push(wrk);
  else process.stdout.write('(wrk not installed: skipped)\n');
  if (installed('ab', ['-V'])) tools.push(ab);
  else process.stdout.write('(ab not installed: skipped)\n');
  const rps = new Map<string, number[]>(tools.map((t) => [t.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const tool of tools) {
      const x = await tool.run(server.url).catch((err: Error) => {
        process.stdout.write(`  ${tool.name}: ${err.message}\n`);
        return NaN;
      });
      rps.get(tool.name)!.push(x);
      process.stdout.write(`  round ${round + 1}: ${tool.name.padEnd(12)} ${fmt(x).padStart(8)} req/s\n`);
    }
  }
  process.stdout.write(`\nThroughput, ${CONNECTIONS} connections, ${SECONDS} s per round, ${ROUNDS} rounds (GET /live on a Node loopback server):\n`);
  process.stdout.write(`  ${'tool'.padEnd(12)} ${'best'.padStart(8)} ${'median'.padStart(8)}  rounds\n`);
  for (const [name, xs] of rps) {
    const ok = xs.filter(Number.isFinite);
    process.stdout.write(`  ${name.padEnd(12)} ${fmt(Math.max(...ok)).padStart(8)} ${fmt(median(ok)).padStart(8)}  ${xs.map(fmt).join(', ')}\n`);
  }
  const best = (name: string) => Math.max(...rps.get(name)!.filter(Number.isFinite));
  const ratio = best(wobbly.name) / best(autocannon.name);
  const paired = rps.get(wobbly.name)!.map((w, i) => w / rps.get(autocannon.name)![i]!).filter(Number.isFinite);
  const pass = ratio >= MIN_RATIO;
  process.stdout.write(
    `\nratio wobbly / autocannon: ${ratio.toFixed(2)} (best rounds), ${median(paired).toFixed(2)} (median of paired rounds) → ${pass ? 'PASS' : 'FAIL'} (≥ ${MIN_RATIO})\n`,
  );
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
  const b = await probeAccuracy(server);
  process.exitCode = a && b ? 0 : 1;
} finally {
  await server.stop();
}
