// `npm run bench:startup`: how long `wobbly --help` (and `wobbly --version`) take against a bare
// `node -e 0`, in interleaved pairs, with peak RSS. The CLI imports each command's code only when
// that command runs, so starting it should cost little more than starting Node itself.
//   BENCH_STARTUP_RUNS=15 npm run bench:startup
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../test/helpers.js';

const RUNS = Math.max(3, Math.min(100, Number(process.env.BENCH_STARTUP_RUNS ?? 15)));
const GOAL = 1.5;
const TIME = '/usr/bin/time'; // Debian's `time` package: wall seconds and peak RSS of the child itself

interface Figures {
  wallMs: number;
  rssKB: number;
}

function measure(args: string[]): Figures {
  // Both commands go through the same wrapper, so its own small cost cancels out in the ratio.
  const withTime = existsSync(TIME);
  const t0 = process.hrtime.bigint();
  const r = withTime
    ? spawnSync(TIME, ['-f', '%M', process.execPath, ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] })
    : spawnSync(process.execPath, args, { encoding: 'utf8', stdio: 'ignore' });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const rssKB = withTime ? Number(String(r.stderr).trim().split('\n').pop()) : 0;
  return { wallMs, rssKB: Number.isFinite(rssKB) ? rssKB : 0 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const bin = join(ROOT, 'bin/wobbly.js');
const commands: { name: string; args: string[] }[] = [
  { name: 'wobbly --help', args: [bin, '--help'] },
  { name: 'wobbly --version', args: [bin, '--version'] },
];
const node = { name: 'node -e 0', args: ['-e', '0'] };

measure(node.args); // warm the file cache
for (const c of commands) measure(c.args);

const rows: string[] = [];
let worst = 0;
const base: Figures[] = [];
const byCommand = new Map<string, { runs: Figures[]; ratios: number[] }>();
for (let i = 0; i < RUNS; i++) {
  for (const c of commands) {
    const b = measure(node.args);
    const f = measure(c.args);
    base.push(b);
    const e = byCommand.get(c.name) ?? { runs: [], ratios: [] };
    e.runs.push(f);
    e.ratios.push(f.wallMs / b.wallMs);
    byCommand.set(c.name, e);
  }
}
const pad = (s: string, n: number) => s.padEnd(n);
rows.push(`${pad('command', 18)} ${pad('wall ms (min/median/max)', 26)} ${pad('peak RSS MiB', 13)} ratio to node -e 0 (median of pairs)`);
const fmt = (xs: number[]) => `${Math.min(...xs).toFixed(0)}/${median(xs).toFixed(0)}/${Math.max(...xs).toFixed(0)}`;
rows.push(`${pad(node.name, 18)} ${pad(fmt(base.map((b) => b.wallMs)), 26)} ${pad((median(base.map((b) => b.rssKB)) / 1024).toFixed(1), 13)} 1.00`);
for (const [name, e] of byCommand) {
  const ratio = median(e.ratios);
  worst = Math.max(worst, ratio);
  rows.push(`${pad(name, 18)} ${pad(fmt(e.runs.map((r) => r.wallMs)), 26)} ${pad((median(e.runs.map((r) => r.rssKB)) / 1024).toFixed(1), 13)} ${ratio.toFixed(2)}`);
}
process.stdout.write(`startup, ${RUNS} interleaved pairs per command\n${rows.join('\n')}\n`);
process.stdout.write(`goal: within ${GOAL}× of node -e 0 — ${worst <= GOAL ? 'met' : 'NOT met'} (worst ratio ${worst.toFixed(2)})\n`);
