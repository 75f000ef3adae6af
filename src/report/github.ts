// GitHub Actions workflow commands: an ::error annotation for each failed expectation and each
// regression, a ::warning for each detected verdict. Escaped as the runner expects: in the message
// %, CR and LF; in property values also ":" and ",". Pure: result → lines for stdout.
import type { RunResult } from '../result/types.js';
import { failuresOf } from './outcome.js';
import { githubData as escapeData, githubProperty as escapeProperty } from './escape.js';

// Escaping lives in escape.ts (controls made visible first: no raw ESC reaches the log either).
export { githubData as escapeData, githubProperty as escapeProperty } from './escape.js';

function command(level: 'error' | 'warning', props: Record<string, string | undefined>, message: string): string {
  const p = Object.entries(props)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  return `::${level}${p ? ` ${p}` : ''}::${escapeData(message)}\n`;
}

/** A scenario file given as a relative path can carry the annotation in the pull request's files. */
function fileOf(r: RunResult): string | undefined {
  const s = r.scenario.source;
  return s && !s.startsWith('/') && !s.startsWith('builtin:') && !/^[A-Za-z]:[\\/]/.test(s) ? s : undefined;
}

export function githubAnnotations(r: RunResult): string {
  const file = fileOf(r);
  let out = '';
  for (const f of failuresOf(r)) out += command('error', { file, title: `wobbly ${r.scenario.name}: ${f.title}` }, f.message);
  for (const v of r.verdicts.filter((x) => x.status === 'detected')) {
    out += command('warning', { file, title: `wobbly ${r.scenario.name}: ${v.id} detected` }, `${v.summary}\nHint: ${v.hint}`);
  }
  return out;
}
