// `wobbly list`, `validate`, `report`, `schema`.
import { readFile } from 'node:fs/promises';
import { listBuiltinScenarios, loadScenario, resolveScenario } from '../scenario/load.js';
import { scenarioJsonSchema } from '../scenario/schema.js';
import { renderTerminal } from '../report/terminal.js';
import { renderDoctor } from '../report/doctor-table.js';
import { readReportInput } from './report-input.js';
import { formatMs } from '../format.js';
import { EXIT } from './exit-codes.js';
import type { Io } from './io.js';
import { writeHtml } from './html-output.js';
import { renderCompare } from '../report/compare-table.js';

export async function listCommand(io: Io): Promise<number> {
  const list = await listBuiltinScenarios();
  const width = Math.max(...list.map((s) => s.name.length));
  for (const s of list) {
    io.out(`${s.name.padEnd(width)}  ${s.description}\n`);
    const params = Object.entries(s.params).map(([k, v]) => `${k}=${String(v)}`);
    if (params.length) io.out(`${' '.repeat(width)}  params: ${params.join('  ')}\n`);
  }
  io.out(`\nRun one with: wobbly run <name> --target http://127.0.0.1:8000 [--set param=value]; print one with: wobbly show <name>\n`);
  return EXIT.ok;
}

/** `wobbly show <name>`: the scenario file as it is, to copy and adapt. */
export async function showCommand(ref: string, io: Io): Promise<number> {
  const file = await resolveScenario(ref); // ScenarioError → exit 2
  io.out(await readFile(file, 'utf8'));
  return EXIT.ok;
}

export async function validateCommand(ref: string, opts: { set: Record<string, string>; target?: string; expect?: string[]; env?: Record<string, string | undefined> }, io: Io): Promise<number> {
  // The target is not needed to validate: a placeholder keeps "target missing" from hiding the rest.
  const s = await loadScenario(ref, { set: opts.set, target: opts.target ?? 'http://127.0.0.1', expect: opts.expect, env: opts.env });
  const actors = s.actors.map((a) => `${a.name} (${a.kind} ${a.method} ${a.path})`).join(', ');
  io.out(`${s.source}: ok — "${s.name}", ${formatMs(s.durationMs)}, actors: ${actors}\n`);
  if (s.expect.length) io.out(`expectations: ${s.expect.join('; ')}\n`);
  return EXIT.ok;
}

export async function reportCommand(file: string, io: Io, opts: { html?: string } = {}): Promise<number> {
  const input = await readReportInput(file); // InputError (what the file is instead) → exit 2
  const style = { color: io.color, width: io.width };
  if (input.kind === 'doctor') io.out(renderDoctor(input.doctor, style));
  if (input.kind === 'run') io.out(renderTerminal(input.result, style));
  if (input.kind === 'compare') io.out(renderCompare(input.compare.rows, input.compare.recommended ?? undefined, input.compare.scenario));
  if (opts.html) await writeHtml(opts.html, input, io, false);
  return EXIT.ok;
}

export function schemaCommand(io: Io): number {
  io.out(JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
  return EXIT.ok;
}
