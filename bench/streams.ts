// Benchmark: many concurrent streams against the built-in demo target on loopback.
// Prints wobbly's memory per open stream (goal ≤ 32 KB) and the event rate it sustained.
//
//   npm run bench:streams -- [--streams 10000] [--gap-ms 1000] [--hold 10s] [--ramp 5s] [--probe 50]
//
// --probe N adds a probe at N/s to /live during the run, to see whether the streams distort it.
// Memory is measured in this process (wobbly's side only; the target runs in its own process):
// the growth of RSS (the figure that counts: it includes the streams' worker thread) and of the
// main thread's V8 heap + external memory, from just before the run to the moment every stream
// is open, after a full GC (run node with --expose-gc; the npm script does).
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runScenario } from '../src/engine/run.js';
import { parseScenario } from '../src/scenario/load.js';
import { analyse } from '../src/analysis/analyse.js';
import { judge } from '../src/verdicts/judge.js';
import { buildResult } from '../src/result/build.js';
import { parseDurationMs } from '../src/scenario/units.js';
import { OFF_THREAD_STREAMS } from '../src/actors/stream.js';
import { maxLagDuring } from '../src/selfcheck/loop-lag.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const streams = Number(args.get('streams') ?? 10_000);
const gapMs = Number(args.get('gap-ms') ?? 1000);
const holdMs = parseDurationMs(args.get('hold') ?? '10s')!;
const rampMs = parseDurationMs(args.get('ramp') ?? '5s')!;
const probeRate = Number(args.get('probe') ?? 0);

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

function fdLimit(): number {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  } catch {
    return NaN;
  }
}

function startTarget(): Promise<{ url: string; stop: () => void }> {
  const main = fileURLToPath(new URL('../src/demo/main.js', import.meta.url));
  const child = spawn(process.execPath, [main, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`demo target exited (${code}) before it was ready`)));
  });
}

function memory() {
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external };
}

async function main(): Promise<void> {
  const limit = fdLimit();
  console.log(`streams ${streams}, an event every ${gapMs} ms each (${((streams * 1000) / gapMs).toFixed(0)} events/s offered), ramp-up ${rampMs} ms, hold ${holdMs} ms${probeRate ? `, probe ${probeRate}/s` : ''}`);
  console.log(`open files limit (ulimit -n): ${limit}${limit < streams + 100 ? ` — too low for ${streams} streams: raise it (ulimit -n ${streams + 1000})` : ''}`);
  if (!gc) console.log('(no --expose-gc: memory figures include garbage)');
  const target = await startTarget();
  try {
    const durationMs = rampMs + holdMs + 1000;
    const events = Math.ceil(durationMs / gapMs) + 2;
    const yaml = [
      'name: bench-streams',
      `duration: ${durationMs}ms`,
      'actors:',
      `  - { name: streams, kind: stream, path: '/stream/stable?events=${events}&gapMs=${gapMs}', streams: ${streams}, rampUp: ${rampMs}ms, timeout: 30s }`,
      ...(probeRate ? [`  - { name: probe, kind: probe, path: /live, rate: ${probeRate}/s }`] : []),
    ].join('\n');
    const scenario = parseScenario(yaml, 'bench', { target: target.url });

    const before = memory();
    let atFull: { tMs: number; rss: number; heap: number; events: number } | undefined;
    // A tenth of the streams open: from here to all open, the growth is the streams' own (the
    // worker thread, loaded modules and JIT code are there already).
    let atTenth: { open: number; rss: number } | undefined;
    let lastEvents = 0;
    let endWindow: { tMs: number; events: number } | undefined;
    const record = await runScenario(scenario, {
      onProgress: (tMs, rec) => {
        const s = rec.actors.get('streams')?.stream;
        if (!s) return;
        if (!atTenth && s.openNow >= streams / 10) atTenth = { open: s.openNow, rss: memory().rss };
        if (!atFull && s.openNow >= streams && tMs >= rampMs) atFull = { tMs, ...memory(), events: s.events };
        // The sustained rate is measured over the hold, all streams open, before the run winds down.
        if (atFull && tMs <= rampMs + holdMs) endWindow = { tMs, events: s.events };
        lastEvents = s.events;
      },
    });
    const analysis = analyse(record);
    const result = buildResult(record, analysis, judge(analysis));
    const s = result.actors.streams!.stream!;

    console.log(`\nstreams: ${s.responded} responded, up to ${s.maxOpen} open at once; ${s.failed} failed ${JSON.stringify(s.failedBy)}, ${s.endedEarly} ended early`);
    if (!atFull) {
      console.log(`not every stream was open at once (max ${s.maxOpen} of ${streams}): no per-stream memory figure`);
    } else {
      const rss = atFull.rss - before.rss;
      const heap = atFull.heap - before.heap;
      console.log(`memory with ${streams} streams open: rss +${mb(rss)} MB (${kb(rss / streams)} KB per stream), V8 heap + external +${mb(heap)} MB (${kb(heap / streams)} KB per stream${streams >= OFF_THREAD_STREAMS ? '; main thread only, the streams run in a worker thread' : ''})`);
      const marginal = atTenth ? (atFull.rss - atTenth.rss) / (streams - atTenth.open) : NaN;
      console.log(`rss growth from ${atTenth?.open} to ${streams} open streams: ${kb(marginal)} KB per stream (without the fixed costs: worker thread, modules, JIT code)`);
      console.log(`goal ≤ 32 KB per open stream (rss, all costs included): ${rss / streams <= 32 * 1024 ? 'met' : 'NOT met'}`);
    }
    if (atFull && endWindow && endWindow.tMs > atFull.tMs) {
      const rate = ((endWindow.events - atFull.events) * 1000) / (endWindow.tMs - atFull.tMs);
      console.log(`events sustained with every stream open: ${rate.toFixed(0)}/s of ${((streams * 1000) / gapMs).toFixed(0)}/s offered (${((100 * rate * gapMs) / (streams * 1000)).toFixed(1)}%)`);
    }
    console.log(`events in all: ${s.events} (${lastEvents} seen by the last progress tick); gap between events p50 ${s.gapMs.p50} ms, p99 ${s.gapMs.p99} ms, max ${s.gapMs.max} ms; first event p50 ${s.firstEventMs.p50} ms, max ${s.firstEventMs.max} ms`);
    const lag = (from: number, to: number) => `${maxLagDuring(record.self.episodes, from, to).toFixed(0)} ms`;
    console.log(
      `wobbly's own event-loop delay: p99 ${result.self.eventLoopDelayP99Ms} ms, max ${result.self.eventLoopDelayMaxMs} ms ` +
        `(largest while opening ${lag(0, rampMs)}, while holding ${lag(rampMs + 500, rampMs + holdMs)}, at the end ${lag(rampMs + holdMs, Infinity)})`,
    );
    if (probeRate) {
      const p = result.actors.probe!;
      const stall = result.verdicts.find((v) => v.id === 'event-loop-stall');
      console.log(`probe /live at ${probeRate}/s during the streams: p50 ${p.summary.latencyMs.p50} ms, p99 ${p.summary.latencyMs.p99} ms, max ${p.summary.latencyMs.max} ms; event-loop-stall: ${stall?.status}`);
    }
  } finally {
    target.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
