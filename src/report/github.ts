// GitHub Actions workflow commands: an ::error annotation for each failed expectation (with the
// file and line of its expect: entry), each regression and each verdict --fail-on names, a
// one-line ::warning for each other detected verdict (its hint is in the step summary). Escaped as
// the runner expects: in the message %, CR and LF; in property values also ":" and ",".
// Pure: result → lines for stdout.
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

/** Annotations show in a pull request's diff: keep them to a line. */
export const WARNING_CHARS = 200;

function oneLine(s: string): string {
  const line = s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return line.length > WARNING_CHARS ? `${line.slice(0, WARNING_CHARS - 1)}…` : line;
}

export function githubAnnotations(r: RunResult): string {
  const file = fileOf(r);
  let out = '';
  for (const f of failuresOf(r)) {
    out += command('error', { file, line: file && f.line !== undefined ? String(f.line) : undefined, title: `wobbly ${r.scenario.name}: ${f.title}` }, f.message);
  }
  const failing = new Set(r.failOn?.verdicts ?? []);
  for (const v of r.verdicts.filter((x) => x.status === 'detected' && !failing.has(x.id))) {
    out += command('warning', { file, title: `wobbly ${r.scenario.name}: ${v.id} detected` }, `${oneLine(v.summary)} (hint: see the step summary)`);
  }
  return out;
}
