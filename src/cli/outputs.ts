// Every output flag, checked together before anything is sent (exit 2 with all problems at once).
// A new output flag (--html, --raw) adds its option key here and is checked like the others.
import { randomBytes } from 'node:crypto';
import { InputError } from '../input-error.js';
import type { Io } from './io.js';
import { outputPathProblem, STDOUT } from '../report/write-file.js';

export const OUTPUT_FLAGS = {
  json: '--json',
  junit: '--junit',
  markdown: '--markdown',
  saveBaseline: '--save-baseline',
  html: '--html',
  raw: '--raw',
} as const;

export type OutputFlags = Partial<Record<keyof typeof OUTPUT_FLAGS, string>>;

export async function checkOutputs(flags: OutputFlags): Promise<void> {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const [key, flag] of Object.entries(OUTPUT_FLAGS) as [keyof typeof OUTPUT_FLAGS, string][]) {
    const path = flags[key];
    if (path === undefined) continue;
    const problem = await outputPathProblem(path);
    if (problem) problems.push(`${flag}: ${problem}`);
    const other = seen.get(path);
    if (other) problems.push(`${flag}: ${other} writes ${path === STDOUT ? 'to stdout' : path} already; give each output its own ${path === STDOUT ? 'destination' : 'file'}`);
    seen.set(path, flag);
  }
  if (problems.length) throw new InputError(`${problems.join('\nwobbly: ')}\nwobbly: nothing was sent to the target`);
}

/** Some output goes to stdout ("-"): the terminal report then goes to stderr. */
export function stdoutTaken(flags: OutputFlags): boolean {
  return Object.keys(OUTPUT_FLAGS).some((k) => flags[k as keyof OutputFlags] === STDOUT);
}

/**
 * In GitHub Actions every stdout line is scanned for workflow commands. The terminal report holds
 * server text (escaped, but a `::` may still start a line): it is printed between stop-commands
 * markers with a one-time token, so the runner reads none of it as a command.
 */
export function guardWorkflowCommands(report: string, io: Pick<Io, 'github'>): string {
  if (!io.github) return report;
  const token = randomBytes(16).toString('hex');
  return `::stop-commands::${token}\n${report}${report.endsWith('\n') ? '' : '\n'}::${token}::\n`;
}
