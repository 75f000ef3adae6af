// Secrets for scenarios: `${env:NAME}` anywhere in a scenario file and `--set name=@env:NAME` take
// a value from the environment (a token, a password) without writing it into the file or the
// shell history. Such values are masked in everything wobbly prints or saves (maskSecrets).
import type { Problem } from './problems.js';

export const MASK = '***';
const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;
const SET_REF = /^@env:([A-Za-z_][A-Za-z0-9_]*)$/;

export interface Secrets {
  /** The values taken from the environment. */
  values: string[];
  /** Params set from the environment (their values are masked whatever their type). */
  params: string[];
}

type PathSegment = string | number;
type LineOf = (path: readonly PathSegment[]) => number | undefined;

/**
 * Replace every ${env:NAME} in the raw scenario (params included) and resolve --set x=@env:NAME.
 * An unset variable is a problem (with file, line and field), never an empty string.
 */
export function resolveSecrets(
  raw: Record<string, unknown>,
  set: Record<string, string>,
  env: Record<string, string | undefined>,
  file: string,
  problems: Problem[],
  lineOf: LineOf,
): { raw: Record<string, unknown>; set: Record<string, string>; secrets: Secrets } {
  const secrets: Secrets = { values: [], params: [] };
  const take = (name: string, where: () => Problem): string | undefined => {
    const v = env[name];
    if (v === undefined || v === '') {
      problems.push(where());
      return undefined;
    }
    if (!secrets.values.includes(v)) secrets.values.push(v);
    return v;
  };
  const walk = (value: unknown, path: PathSegment[]): unknown => {
    if (typeof value === 'string') {
      return value.replace(ENV_REF, (m, name: string) => {
        const v = take(name, () => ({ file, line: lineOf(path), path: path.join('.') || '(top level)', message: `\${env:${name}}: the environment variable ${name} is not set (or empty)` }));
        if (v !== undefined && path[0] === 'params' && path.length === 2) secrets.params.push(String(path[1]));
        return v ?? m;
      });
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])]));
    return value;
  };
  const resolved = walk(raw, []) as Record<string, unknown>;
  // No prototype: a `--set __proto__=…` stays a key here, for the params check to refuse by name.
  const outSet: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, text] of Object.entries(set)) {
    const m = SET_REF.exec(text);
    if (!m) {
      outSet[k] = text;
      continue;
    }
    const v = take(m[1]!, () => ({ file, path: `--set ${k}`, message: `@env:${m[1]}: the environment variable ${m[1]} is not set (or empty)` }));
    outSet[k] = v ?? '';
    if (v !== undefined) secrets.params.push(k);
  }
  return { raw: resolved, set: outSet, secrets };
}

/** Secrets shorter than this are masked only where a whole string equals them (not inside text). */
const MIN_INNER = 4;

/** A copy of any JSON value with every secret replaced by *** (params from the environment wholly). */
export function maskSecrets<T>(value: T, secrets: Secrets | undefined): T {
  if (!secrets || !secrets.values.length) return value;
  const inner = secrets.values.filter((s) => s.length >= MIN_INNER).sort((a, b) => b.length - a.length);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (secrets.values.includes(v)) return MASK;
      let out = v;
      for (const s of inner) out = out.split(s).join(MASK);
      return out;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const masked = walk(value) as T;
  const params = (masked as { scenario?: { params?: Record<string, unknown> } }).scenario?.params;
  if (params) for (const p of secrets.params) if (p in params) params[p] = MASK;
  return masked;
}
