// `wobbly demo`: start the built-in demo target and run the built-in scenarios against it.
import { codeFile } from '../code-files.js';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { ChildServer } from '../server/child-server.js';
import { listBuiltinScenarios, loadScenario } from '../scenario/load.js';
import { EXIT } from './exit-codes.js';
import type { Io } from './io.js';
import { exitCodeOf, runAndReport } from './run-command.js';
import { writeHtml } from './html-output.js';
import type { RunResult } from '../result/types.js';

/** The built-in scenarios the demo runs, in order, with the demo target's settings (pool: slots of its /pool; a `variant` names a second run of one scenario). */
export const DEMO_SCENARIOS: { name: string; set?: Record<string, string>; workers?: number; pool?: number; variant?: string }[] = [
  { name: 'liveness-during-heavy' },
  // Seed 002's numbers: 50 concurrent requests against anyio's 40 tokens.
  { name: 'pool-starvation', pool: 40 },
  { name: 'serialized-handler' },
  { name: 'concurrency-sweep' },
  { name: 'stream-thread-identity' },
  { name: 'stream-thread-identity', variant: 'stable stream', set: { streamPath: '/stream/stable?events=10&gapMs=100' } },
  { name: 'head-of-line' },
  { name: 'head-of-line', variant: '2 workers', workers: 2 },
];

export function demoTargetEntry(): string {
  return fileURLToPath(codeFile('demo-main'));
}

export async function demoCommand(opts: { jsonDir?: string; html?: string; only?: string[]; quiet?: boolean }, io: Io): Promise<number> {
  const builtins = new Set((await listBuiltinScenarios()).map((b) => b.name));
  const chosen = DEMO_SCENARIOS.filter((d) => builtins.has(d.name) && (!opts.only || opts.only.includes(d.name)));
  if (opts.only) {
    const unknown = opts.only.filter((n) => !DEMO_SCENARIOS.some((d) => d.name === n));
    if (unknown.length) {
      io.err(`wobbly: --only: not a demo scenario: ${unknown.join(', ')}; the demo runs: ${[...new Set(DEMO_SCENARIOS.map((d) => d.name))].join(', ')}\n`);
      return EXIT.badInput;
    }
  }
  if (opts.jsonDir) await mkdir(opts.jsonDir, { recursive: true });
  let code: number = EXIT.ok;
  const done: { title: string; result: RunResult }[] = [];
  // One page for every scenario run, also when Ctrl-C stops the demo halfway.
  const page = async () => {
    if (opts.html && done.length) await writeHtml(opts.html, { kind: 'runs', title: 'wobbly demo', runs: done }, io, opts.quiet);
  };
  for (const d of chosen) {
    if (io.interrupt.aborted) {
      await page();
      return EXIT.interrupted;
    }
    const server = await ChildServer.start({
      command: process.execPath,
      args: [demoTargetEntry(), '--port', '0', '--workers', String(d.workers ?? 1), ...(d.pool ? ['--pool', String(d.pool)] : [])],
      readyLine: /listening on (http:\/\/\S+)/,
    });
    try {
      const title = d.variant ? `${d.name}, ${d.variant}` : d.name;
      if (!opts.quiet) io.out(`\n== demo: ${title} against the built-in target at ${server.url} (pid ${server.pid}) ==\n\n`);
      const scenario = await loadScenario(d.name, { target: server.url, set: d.set });
      const json = opts.jsonDir ? join(opts.jsonDir, `${d.variant ? `${d.name}--${d.variant.replace(/\W+/g, '-')}` : d.name}.json`) : undefined;
      const result = await runAndReport(scenario, { json, quiet: opts.quiet }, io);
      done.push({ title, result });
      const c = exitCodeOf(result);
      if (c === EXIT.interrupted) {
        await page();
        return c;
      }
      if (c !== EXIT.ok) code = c;
    } finally {
      await server.stop();
    }
  }
  await page();
  return code;
}
