// `npm run bench:memory -- [--minutes 10] [--connections 50] [--probe 100]`: wobbly's memory
// over a long full-speed run. The CLI runs as its own process (a load at full speed on the Node
// loopback server, and a probe), its RSS (all threads) read from /proc every 10 s; prints the
// samples, and the slope after the first minute (least squares), which should be about zero.
// RSS also holds heap pages V8 keeps committed and typed arrays that grow by doubling, so the
// CLI runs with --trace-gc too: the live JS heap after each full GC (Mark-Compact), per thread,
// is what a leak would make grow.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, stallServer, tempDir } from '../test/helpers.js';
import type { RunResult } from '../src/result/types.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const minutes = Number(args.get('minutes') ?? 10);
const connections = Number(args.get('connections') ?? 50);
const probeRate = Number(args.get('probe') ?? 100);
const SAMPLE_MS = 10_000;
/** Growth after the first minute that still counts as flat (allocator and JIT noise). */
const FLAT_MB_PER_MIN = 0.5;

function rssBytes(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx ? sxy / sxx : NaN;
}

const mb = (b: number) => (b / 2 ** 20).toFixed(1);

async function main(): Promise<number> {
  if (!(minutes >= 1.5)) throw new Error('--minutes: at least 1.5 (the first minute is warm-up)');
  const dir = tempDir();
  const scenario = join(dir, 'memory.yaml');
  writeFileSync(
    scenario,
    [
      'name: bench-memory',
      `duration: ${Math.round(minutes * 60)}s`,
      'actors:',
      `  - { name: load, kind: load, path: /live, connections: ${connections}, calibrate: 0 }`,
      ...(probeRate ? [`  - { name: probe, kind: probe, path: /live, rate: ${probeRate}/s }`] : []),
      '',
    ].join('\n'),
  );
  const json = join(dir, 'memory.json');
  const server = await stallServer();
  try {
    console.log(`wobbly memory over ${minutes} min: load ${connections} connections at full speed${probeRate ? ` + probe ${probeRate}/s` : ''} on ${server.url}; RSS every ${SAMPLE_MS / 1000} s`);
    const child = spawn(process.execPath, ['--trace-gc', BIN, 'run', scenario, '--target', server.url, '--json', json, '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const began = Date.now();
    /** Per V8 isolate (thread): [minutes, live heap MB after a full GC]. */
    const fullGcs = new Map<string, { x: number; y: number }[]>();
    let partial = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const m = /^\[\d+:(0x[0-9a-f]+)\]\s+(\d+) ms: Mark-Compact[^\d]*[\d.]+ \([\d.]+\) -> ([\d.]+)/.exec(line);
        if (!m) continue;
        if (!fullGcs.has(m[1]!)) fullGcs.set(m[1]!, []);
        fullGcs.get(m[1]!)!.push({ x: (Date.now() - began) / 60_000, y: Number(m[3]) * 2 ** 20 });
      }
    });
    const samples: { x: number; y: number }[] = [];
    const timer = setInterval(() => {
      const rss = rssBytes(child.pid!);
      if (rss === undefined) return;
      const min = (Date.now() - began) / 60_000;
      samples.push({ x: min, y: rss });
      console.log(`  ${min.toFixed(2).padStart(6)} min  rss ${mb(rss).padStart(7)} MB`);
    }, SAMPLE_MS);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearInterval(timer);
    if (code !== 0) throw new Error(`wobbly exited ${code}`);
    const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
    const load = result.actors.load!.load!;
    console.log(`load: ${load.complete.toLocaleString('en-US')} requests (${Math.round(load.requestsPerSec).toLocaleString('en-US')} req/s), ${load.failed} failed`);
    // From the first minute to the end of sending (the analysis and report after it are not the run).
    const after1 = samples.filter((s) => s.x >= 1 && s.x < minutes);
    if (after1.length < 3) throw new Error('too few samples after the first minute');
    const perMin = slope(after1);
    const flat = perMin <= FLAT_MB_PER_MIN * 2 ** 20;
    console.log(
      `rss after the first minute: ${mb(after1[0]!.y)} → ${mb(after1.at(-1)!.y)} MB (max ${mb(Math.max(...after1.map((s) => s.y)))}); ` +
        `slope ${(perMin / 2 ** 20).toFixed(3)} MB/min (least squares over ${after1.length} samples) → ${flat ? 'flat' : 'GROWING'} (goal ≤ ${FLAT_MB_PER_MIN} MB/min)`,
    );
    let heapFlat = true;
    let thread = 0;
    for (const [, gcs] of fullGcs) {
      const late = gcs.filter((s) => s.x >= 1 && s.x < minutes);
      thread++;
      if (late.length < 2) {
        console.log(`thread ${thread}: ${gcs.length} full GCs (${late.length} after the first minute): too few for a slope; live heap ${gcs.map((g) => mb(g.y)).join(', ')} MB`);
        continue;
      }
      const s = slope(late);
      heapFlat &&= s <= FLAT_MB_PER_MIN * 2 ** 20;
      console.log(
        `thread ${thread}: live JS heap after each full GC from the first minute: ${late.map((g) => mb(g.y)).join(', ')} MB; slope ${(s / 2 ** 20).toFixed(3)} MB/min → ${s <= FLAT_MB_PER_MIN * 2 ** 20 ? 'flat' : 'GROWING'}`,
      );
    }
    return flat && heapFlat ? 0 : 1;
  } finally {
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
