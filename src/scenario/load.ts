// Scenario loading: file or built-in name → YAML/JSON → ${param} substitution → schema → Scenario.
// Every problem is collected with its path and line; nothing here talks to the network.
import { readFile, readdir, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, isNode, visit, type Document } from 'yaml';
import type { $ZodIssue } from 'zod/v4/core';
import { allowedKeysAt, scenarioSchema, type RawActor, type RawScenario } from './schema.js';
import { endsWhenDone, unboundedBy, UNBOUNDED_CAP_MS } from './bounded.js';
import { parseDurationMs, parseRatePerSec } from './units.js';
import { readBodyFile } from '../input/body-file.js';
import { formatMs } from '../format.js';
import { closest, formatPath, ScenarioError, type PathSegment, type Problem } from './problems.js';
import { checkExtractSpec } from '../protocols/extract.js';
import { limitProblems } from './limits.js';
import { paramEnvName, quoteParamsInCommand } from '../server/command-params.js';
import { resolveSecrets } from './secrets.js';
import { expectationProblems } from '../expect/check.js';
import type { ActorSpec, ExtractSpec, ParamValue, Scenario } from '../types.js';

export interface LoadOptions {
  /** --set name=value, as typed. */
  set?: Record<string, string>;
  /** --target URL */
  target?: string;
  /** The environment ${env:NAME} and @env:NAME read from (the CLI's; none: every such reference is a problem). */
  env?: Record<string, string | undefined>;
  /** --expect EXPR, checked with the file's own expect: and added after them. */
  expect?: string[];
  /** --server CMD was given: without a target, the server's free port is the target. */
  server?: boolean;
}

/** Directory of the built-in scenarios (works from src/ via tsx and from dist/src/). */
export function builtinScenarioDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const up of ['../../scenarios', '../../../scenarios']) {
    const dir = join(here, up);
    if (existsSync(dir)) return dir;
  }
  return join(here, '../../../scenarios');
}

export interface BuiltinScenario {
  name: string;
  file: string;
  description: string;
  /** The params a user can --set, with their defaults. */
  params: Record<string, unknown>;
}

export async function listBuiltinScenarios(): Promise<BuiltinScenario[]> {
  const dir = builtinScenarioDir();
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const out: BuiltinScenario[] = [];
  for (const f of files) {
    const doc = parseDocument(await readFile(join(dir, f), 'utf8'));
    const raw = doc.toJS() as { name?: string; description?: string; params?: Record<string, unknown> } | null;
    const params = raw?.params && typeof raw.params === 'object' ? raw.params : {};
    out.push({ name: raw?.name ?? basename(f, extname(f)), file: join(dir, f), description: raw?.description ?? '', params });
  }
  return out;
}

/** A path to an existing file, or the name of a built-in scenario. */
export async function resolveScenario(ref: string): Promise<string> {
  if (existsSync(ref)) return ref;
  const builtins = await listBuiltinScenarios();
  const hit = builtins.find((b) => b.name === ref || basename(b.file) === ref);
  if (hit) return hit.file;
  const guess = closest(ref, builtins.map((b) => b.name));
  throw new ScenarioError([
    {
      file: ref,
      path: '(file)',
      message: `no such file, and no built-in scenario of that name${guess ? ` (did you mean "${guess}"?)` : ''}; \`wobbly list\` shows the built-in ones`,
    },
  ]);
}

/** Scenario files are small: a bigger one is a mistake (or an attack on the parser). */
export const MAX_SCENARIO_BYTES = 1 << 20;
/** YAML aliases expanded at most this many times (an alias bomb is refused, not expanded). */
const MAX_ALIASES = 100;

export async function loadScenario(ref: string, options: LoadOptions = {}): Promise<Scenario> {
  const file = await resolveScenario(ref);
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new ScenarioError([{ file, path: '(file)', message: 'expected a regular file (a YAML or JSON scenario)' }]);
    if (info.size > MAX_SCENARIO_BYTES) throw new ScenarioError([{ file, path: '(file)', message: `expected a file of at most 1 MiB, it has ${info.size} bytes` }]);
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    throw new ScenarioError([{ file, path: '(file)', message: `cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})` }]);
  }
  return parseScenario(text, file, options);
}

/** Parse and validate scenario text; throws ScenarioError with every problem found. */
export function parseScenario(text: string, file: string, options: LoadOptions = {}): Scenario {
  if (text.length > MAX_SCENARIO_BYTES) throw new ScenarioError([{ file, path: '(file)', message: `expected a file of at most 1 MiB, it has ${text.length} characters` }]);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const problems: Problem[] = [];
  for (const e of doc.errors) {
    problems.push({ file, line: e.linePos?.[0]?.line, path: '(syntax)', message: e.message.split('\n')[0] ?? e.message });
  }
  if (problems.length) throw new ScenarioError(problems);

  const lineOf = (path: readonly PathSegment[]) => lineAt(doc, lines, path);
  const raw = toPlainData(doc, lines, file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ScenarioError([{ file, line: 1, path: '(top level)', message: 'expected a mapping with name, duration, actors, ...' }]);
  }
  const rawObject = raw as Record<string, unknown>;

  // ${env:NAME} and --set x=@env:NAME first (src/scenario/secrets.ts); the CLI passes its environment.
  const fromEnv = resolveSecrets(rawObject, options.set ?? {}, options.env ?? {}, file, problems, lineOf);
  const params = resolveParams(fromEnv.raw.params, fromEnv.set, file, problems, lineOf);
  const substituted = substitute(fromEnv.raw, params, [], file, problems, lineOf) as Record<string, unknown>;

  checkExtracts(substituted, file, problems, lineOf);
  const parsed = scenarioSchema.safeParse(substituted);
  if (!parsed.success) {
    // A field whose ${param} is unknown was reported already; its schema error would repeat it.
    const reported = new Set(problems.map((p) => p.path));
    for (const issue of parsed.error.issues) {
      for (const p of issueToProblems(issue, substituted, file, lineOf)) if (!reported.has(p.path)) problems.push(p);
    }
  }
  // The schema's shape is needed below; other problems (a --set, a param) are kept to list with the rest.
  if (!parsed.success) throw new ScenarioError(sortProblems(problems));

  const scenario = toScenario(parsed.data, params, file, options, problems, lineOf);
  const reported = new Set(problems.map((p) => p.path));
  problems.push(...limitProblems(parsed.data, file, lineOf).filter((p) => !reported.has(p.path)));
  problems.push(...expectationProblems(scenario, options.expect ?? [], file, lineOf));
  scenario.expectLines = scenario.expect.map((_, i) => lineOf(['expect', i]));
  scenario.expect.push(...(options.expect ?? []));
  if (fromEnv.secrets.values.length) scenario.secrets = fromEnv.secrets;
  if (problems.length) throw new ScenarioError(sortProblems(problems));
  return scenario;
}

type LineOf = (path: readonly PathSegment[]) => number | undefined;

/** The document as plain data; an unresolved alias, a cycle or an alias bomb is a problem at its line. */
function toPlainData(doc: Document, lines: LineCounter, file: string): unknown {
  const firstAliasLine = () => {
    let line: number | undefined;
    visit(doc, {
      Alias(_key, node) {
        if (node.range) line = lines.linePos(node.range[0]).line;
        return visit.BREAK;
      },
    });
    return line;
  };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    const why = /excessive alias count/i.test((err as Error).message)
      ? `too many YAML alias expansions (at most ${MAX_ALIASES}): an alias bomb?`
      : `a YAML alias that cannot be resolved (${(err as Error).message.split('\n')[0]})`;
    throw new ScenarioError([{ file, line: firstAliasLine(), path: '(syntax)', message: `${why}; write the values out, or use fewer anchors` }]);
  }
  const shape = shapeProblem(data, new Set(), 0);
  if (shape) throw new ScenarioError([{ file, line: shape === 'a cycle' ? firstAliasLine() : undefined, path: '(syntax)', message: shape === 'a cycle' ? 'a YAML alias inside its own anchor (a cycle): write the values out' : `nested deeper than ${MAX_DEPTH} levels` }]);
  return data;
}

const MAX_DEPTH = 32;

/** A cycle (an alias to one of its own ancestors) or a nesting no scenario needs; undefined when fine. */
function shapeProblem(v: unknown, ancestors: Set<object>, depth: number): 'a cycle' | 'too deep' | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  if (ancestors.has(v)) return 'a cycle';
  if (depth > MAX_DEPTH) return 'too deep';
  ancestors.add(v);
  for (const x of Object.values(v)) {
    const p = shapeProblem(x, ancestors, depth + 1);
    if (p) return p;
  }
  ancestors.delete(v);
  return undefined;
}

function lineAt(doc: Document, lines: LineCounter, path: readonly PathSegment[]): number | undefined {
  // The deepest node that exists on the path: a missing field points at its parent.
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function resolveParams(
  declared: unknown,
  set: Record<string, string>,
  file: string,
  problems: Problem[],
  lineOf: LineOf,
): Record<string, ParamValue> {
  // No prototype: "toString" or "__proto__" is a param only when declared (and then refused).
  const params: Record<string, ParamValue> = Object.create(null) as Record<string, ParamValue>;
  if (declared && typeof declared === 'object' && !Array.isArray(declared)) {
    for (const [k, v] of Object.entries(declared)) {
      if (!PARAM_NAME.test(k)) {
        problems.push({ file, line: lineOf(['params', k]), path: `params.${k}`, message: 'expected a param name of letters, digits and "_", starting with a letter or "_" (and not __proto__)' });
        continue;
      }
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') params[k] = v;
    }
  }
  for (const [k, text] of Object.entries(set)) {
    if (!Object.hasOwn(params, k)) {
      const known = Object.keys(params);
      const guess = closest(k, known);
      problems.push({
        file,
        path: `--set ${k}`,
        message: `the scenario has no param "${k}"${guess ? ` (did you mean "${guess}"?)` : ''}; its params are: ${known.join(', ') || '(none)'}`,
      });
      continue;
    }
    const current = params[k];
    if (typeof current === 'number') {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) {
        problems.push({ file, line: lineOf(['params', k]), path: `--set ${k}`, message: `expected a number, got "${text}"` });
        continue;
      }
      params[k] = n;
    } else if (typeof current === 'boolean') {
      if (text !== 'true' && text !== 'false') {
        problems.push({ file, line: lineOf(['params', k]), path: `--set ${k}`, message: `expected true or false, got "${text}"` });
        continue;
      }
      params[k] = text === 'true';
    } else {
      params[k] = text;
    }
  }
  return { ...params }; // a plain object again: the names are checked, Object.hasOwn guards the look-ups
}

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
/** A param name; the ones that name Object.prototype's members are never params. */
const PARAM_NAME = /^(?!(?:__proto__|constructor|prototype)$)[A-Za-z_][A-Za-z0-9_]*$/;

/** Replace ${name} everywhere but in params; a whole-string placeholder keeps the param's type. */
function substitute(
  value: unknown,
  params: Record<string, ParamValue>,
  path: PathSegment[],
  file: string,
  problems: Problem[],
  lineOf: LineOf,
): unknown {
  if (path.length === 1 && path[0] === 'params') return value;
  // The server's command line runs under /bin/sh: params go in as environment variables, never as shell text.
  if (typeof value === 'string' && path.length === 2 && path[0] === 'server' && path[1] === 'command') {
    return quoteParamsInCommand(value, (name) => {
      if (Object.hasOwn(params, name)) return true;
      const guess = closest(name, Object.keys(params));
      problems.push({ file, line: lineOf(path), path: formatPath(path), message: `unknown param \${${name}}${guess ? ` (did you mean \${${guess}}?)` : ''}; declare it under params` });
      return false;
    });
  }
  if (typeof value === 'string') {
    const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value);
    const missing = (name: string) => {
      const guess = closest(name, Object.keys(params));
      problems.push({
        file,
        line: lineOf(path),
        path: formatPath(path),
        message: `unknown param \${${name}}${guess ? ` (did you mean \${${guess}}?)` : ''}; declare it under params`,
      });
    };
    if (whole) {
      const name = whole[1]!;
      if (!Object.hasOwn(params, name)) {
        missing(name);
        return value;
      }
      return params[name];
    }
    return value.replace(PLACEHOLDER, (m, name: string) => {
      if (!Object.hasOwn(params, name)) {
        missing(name);
        return m;
      }
      return String(params[name]);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, params, [...path, i], file, problems, lineOf));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // defineProperty: a key "__proto__" stays a key (the schema then reports it), never a prototype.
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: substitute(v, params, [...path, k], file, problems, lineOf), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

function issueToProblems(issue: $ZodIssue, input: unknown, file: string, lineOf: LineOf): Problem[] {
  const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
  const got = valueAt(input, path);
  const at = (segments: PathSegment[], message: string): Problem => ({ file, line: lineOf(segments), path: formatPath(segments), message });

  switch (issue.code) {
    case 'unrecognized_keys': {
      const parent = valueAt(input, path);
      const allowed = allowedKeys(path, input);
      return issue.keys.map((key) => {
        const guess = closest(key, allowed);
        void parent;
        return at([...path, key], `unknown field${guess ? ` (did you mean "${guess}"?)` : ''}; allowed here: ${allowed.join(', ')}`);
      });
    }
    case 'invalid_type': {
      if (got === undefined) return [at(path, `missing (${expectedText(issue.expected, issue.message)})`)];
      return [at(path, `${expectedText(issue.expected, issue.message)}, got ${describeValue(got)}${unitHint(issue.message, got)}`)];
    }
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (options?.length) return [at(path, `expected one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${describeValue(got)}`)];
      return [at(path, `${issue.message}, got ${describeValue(got)}`)];
    }
    case 'invalid_value':
      return [at(path, `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(got)}`)];
    default:
      return [at(path, `${issue.message}${got !== undefined && typeof got !== 'object' ? `, got ${describeValue(got)}` : ''}`)];
  }
}

/** "got 10" for a duration: say what to write instead. */
function unitHint(message: string, got: unknown): string {
  if (typeof got !== 'number') return '';
  if (message.includes('duration')) return ` (write "${got}s" or "${got}ms")`;
  if (message.includes('rate like')) return ` (write "${got}/s")`;
  return '';
}

function expectedText(expected: string, message: string): string {
  if (!message.startsWith('Invalid input')) return message;
  if (expected === 'array') return 'expected a list';
  if (expected === 'object') return 'expected a mapping';
  if (expected === 'record') return 'expected a mapping';
  return `expected ${expected === 'number' ? 'a number' : expected === 'string' ? 'a string' : expected}`;
}

function allowedKeys(path: readonly PathSegment[], input: unknown): string[] {
  return allowedKeysAt(path, (p) => (valueAt(input, p) as { kind?: string } | undefined)?.kind);
}

/** Extract specs are checked apart from the schema, so a bad regex shows up with the other problems. */
function checkExtracts(input: Record<string, unknown>, file: string, problems: Problem[], lineOf: LineOf): void {
  const actors = input.actors;
  if (!Array.isArray(actors)) return;
  actors.forEach((a: unknown, i) => {
    const extract = (a as { extract?: unknown } | null)?.extract;
    if (!extract || typeof extract !== 'object') return;
    for (const [key, spec] of Object.entries(extract)) {
      if (!spec || typeof spec !== 'object') continue; // the schema reports it
      const msg = checkExtractSpec(spec as ExtractSpec);
      if (msg) problems.push({ file, line: lineOf(['actors', i, 'extract', key]), path: `actors[${i}].extract.${key}`, message: msg });
    }
  });
}

/** An actor's body: inline, or read now from a file next to the scenario (nothing is sent if it cannot be). */
function bodyText(body: RawActor['body'], i: number, file: string, problems: Problem[], lineOf: LineOf): string | undefined {
  if (body === undefined || typeof body === 'string') return body;
  const read = readBodyFile(resolve(dirname(file), body.file));
  if ('text' in read) return read.text;
  const path: PathSegment[] = ['actors', i, 'body', 'file'];
  problems.push({ file, line: lineOf(path), path: formatPath(path), message: `cannot read the body file ${JSON.stringify(body.file)} (${read.error})` });
  return undefined;
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

function toScenario(
  raw: RawScenario,
  params: Record<string, ParamValue>,
  file: string,
  options: LoadOptions,
  problems: Problem[],
  lineOf: LineOf,
): Scenario {
  const ms = (text: string) => parseDurationMs(text)!;
  const durationMs = raw.duration !== undefined ? ms(raw.duration) : UNBOUNDED_CAP_MS;
  if (raw.duration === undefined) {
    raw.actors.forEach((a, i) => {
      const why = unboundedBy(a);
      if (why && a.kind !== 'probe') problems.push({ file, line: lineOf(['actors', i]), path: 'duration', message: `missing: actors[${i}] is ${why}, so the run needs a duration (or give it one of those)` });
    });
  }
  const bucketMs = raw.timeline ? ms(raw.timeline.bucket) : 1000;
  if (bucketMs < 100) problems.push({ file, line: lineOf(['timeline', 'bucket']), path: 'timeline.bucket', message: `expected 100ms or more, got ${raw.timeline!.bucket}` });
  if (durationMs <= 0) problems.push({ file, line: lineOf(['duration']), path: 'duration', message: 'expected a duration above 0' });

  // A server started by wobbly is reached on its free port unless the target says otherwise.
  const target = options.target ?? raw.target ?? (raw.server || options.server ? 'http://127.0.0.1:{port}' : undefined);
  if (target?.includes('{port}') && !raw.server && !options.server) {
    problems.push({ file, line: lineOf(['target']), path: options.target ? '--target' : 'target', message: '{port} only makes sense with a server: that wobbly starts (server: in the file, or --server)' });
  }
  if (!target) problems.push({ file, path: 'target', message: 'missing: give one in the file (target: http://127.0.0.1:8000), with --target URL, or a server: to start' });
  else if (options.target && !/^https?:\/\/[^/\s]+/.test(options.target)) problems.push({ file, path: '--target', message: `expected a base URL like "http://127.0.0.1:8000", got "${options.target}"` });

  const seen = new Map<string, number>();
  const kindsCount = new Map<string, number>();
  for (const a of raw.actors) kindsCount.set(a.kind, (kindsCount.get(a.kind) ?? 0) + 1);
  const kindIndex = new Map<string, number>();
  const actors: ActorSpec[] = raw.actors.map((a: RawActor, i: number) => {
    const n = (kindIndex.get(a.kind) ?? 0) + 1;
    kindIndex.set(a.kind, n);
    const name = a.name ?? (kindsCount.get(a.kind)! > 1 ? `${a.kind}${n}` : a.kind);
    if (seen.has(name)) problems.push({ file, line: lineOf(['actors', i, 'name']), path: `actors[${i}].name`, message: `"${name}" is already the name of actors[${seen.get(name)}]; names must be unique` });
    seen.set(name, i);
    const common = {
      name,
      method: a.method ?? 'GET',
      path: a.path,
      headers: a.headers ?? {},
      body: bodyText(a.body, i, file, problems, lineOf),
      extract: a.extract ?? {},
    };
    problems.push(...actorConsistency(a).map(([field, message]) => ({ file, line: lineOf(['actors', i, ...field]), path: formatPath(['actors', i, ...field]), message })));
    const within = (field: string, value: number) => {
      if (value >= durationMs) problems.push({ file, line: lineOf(['actors', i, field]), path: `actors[${i}].${field}`, message: `must be before the end of the run (duration ${raw.duration ?? formatMs(durationMs)})` });
    };
    if (a.kind === 'probe') {
      const ratePerSec = parseRatePerSec(a.rate)!;
      if (ratePerSec <= 0) problems.push({ file, line: lineOf(['actors', i, 'rate']), path: `actors[${i}].rate`, message: 'expected a rate above 0' });
      const timeoutMs = a.timeout ? ms(a.timeout) : 5000;
      const startMs = a.start ? ms(a.start) : 0;
      within('start', startMs);
      return {
        kind: 'probe',
        ...common,
        timeoutMs,
        ratePerSec,
        startMs,
        stopMs: a.stop ? ms(a.stop) : undefined,
        maxInFlight: a.maxInFlight ?? Math.min(1000, Math.max(16, Math.ceil((ratePerSec * timeoutMs) / 1000))),
        stallThresholdMs: a.stallThreshold ? ms(a.stallThreshold) : undefined,
        connection: a.connection,
        connections: a.connections,
        ...(a.calibrate !== undefined ? { calibrationRequests: a.calibrate } : {}),
      };
    }
    if (a.kind === 'stream') {
      const atMs = a.at ? ms(a.at) : 0;
      within('at', atMs);
      return {
        kind: 'stream', ...common, timeoutMs: a.timeout ? ms(a.timeout) : 60_000, atMs, streams: a.streams ?? 1, format: a.format ?? 'sse',
        rampUpMs: a.rampUp ? ms(a.rampUp) : 0, events: a.events, stallGapMs: a.stallGap ? ms(a.stallGap) : undefined, identity: a.identity,
      };
    }
    if (a.kind === 'request') {
      const atMs = a.at ? ms(a.at) : 0;
      within('at', atMs);
      return { kind: 'request', ...common, timeoutMs: a.timeout ? ms(a.timeout) : 60_000, atMs, count: a.count ?? 1 };
    }
    const startMs = a.start ? ms(a.start) : 0;
    within('start', startMs);
    const closed = {
      ...common,
      timeoutMs: a.timeout ? ms(a.timeout) : 60_000,
      startMs,
      serviceTimeMs: a.serviceTime ? ms(a.serviceTime) : undefined,
      calibrationRequests: a.calibrate ?? 5,
      workers: a.workers ?? 1,
    };
    if (closed.serviceTimeMs !== undefined && closed.serviceTimeMs <= 0) problems.push({ file, line: lineOf(['actors', i, 'serviceTime']), path: `actors[${i}].serviceTime`, message: 'expected a duration above 0' });
    if (a.kind === 'load') {
      return { kind: 'load', ...closed, connections: a.connections, amount: a.amount, durationMs: a.duration ? ms(a.duration) : undefined };
    }
    const steps = typeof a.connections === 'string' ? a.connections.split(',').map((x) => Number(x.trim())) : a.connections;
    if (steps.some((n) => n < 1)) problems.push({ file, line: lineOf(['actors', i, 'connections']), path: `actors[${i}].connections`, message: 'expected connection counts of at least 1' });
    else if (steps.some((n, k) => k > 0 && n <= steps[k - 1]!)) problems.push({ file, line: lineOf(['actors', i, 'connections']), path: `actors[${i}].connections`, message: `expected ascending connection counts, got ${steps.join(', ')}` });
    const stepMs = a.step ? ms(a.step) : a.amount ? undefined : 3000;
    const pauseMs = a.pause ? ms(a.pause) : 0;
    const needMs = startMs + steps.length * (stepMs ?? 0) + (steps.length - 1) * pauseMs;
    if (stepMs !== undefined && needMs > durationMs) {
      problems.push({
        file,
        line: lineOf(['actors', i, 'step']),
        path: `actors[${i}].step`,
        message: `${steps.length} steps of ${formatMs(stepMs)}${pauseMs ? ` and pauses of ${formatMs(pauseMs)}` : ''}${startMs ? ` from ${formatMs(startMs)}` : ''} need ${formatMs(needMs)}, but the run lasts ${raw.duration ?? formatMs(durationMs)}: lengthen duration or shorten step`,
      });
    }
    return { kind: 'sweep', ...closed, steps, stepMs, amount: a.amount, pauseMs };
  });

  return {
    name: raw.name,
    description: raw.description ?? '',
    params,
    target: (target ?? '').replace(/\/+$/, ''),
    durationMs,
    ...(endsWhenDone(raw.actors, raw.duration !== undefined) ? { endWhenDone: true } : {}),
    bucketMs,
    actors,
    expect: raw.expect ?? [],
    ...(raw.server
      ? {
          server: {
            command: raw.server.command,
            cwd: raw.server.cwd ? resolve(dirname(file), raw.server.cwd) : dirname(resolve(file)),
            env: Object.fromEntries(Object.entries(raw.server.env ?? {}).map(([k, v]) => [k, String(v)])),
            paramEnv: Object.fromEntries(Object.entries(params).map(([k, v]) => [paramEnvName(k), String(v)])),
            readyPath: raw.server.ready ?? '/',
            readyTimeoutMs: raw.server.readyTimeout ? ms(raw.server.readyTimeout) : 20_000,
          },
        }
      : {}),
    source: file,
  };
}

/** Rules across an actor's fields: extract sources that fit the kind, options that go together. */
function actorConsistency(a: RawActor): [PathSegment[], string][] {
  const out: [PathSegment[], string][] = [];
  const extract = a.extract ?? {};
  for (const [key, spec] of Object.entries(extract)) {
    if (a.kind === 'stream' && spec.from === 'body') out.push([['extract', key, 'from'], 'a stream\'s body is its events: use from: event (or from: header)']);
    if (a.kind !== 'stream' && spec.from === 'event') out.push([['extract', key, 'from'], `from: event is for stream actors; this is a ${a.kind} (use from: body or from: header)`]);
  }
  if (a.kind === 'stream' && a.identity !== undefined && extract[a.identity]?.from !== 'event') {
    const names = Object.entries(extract).filter(([, e]) => e.from === 'event').map(([k]) => k);
    out.push([['identity'], `expected the name of a from: event extract field${names.length ? ` (${names.join(', ')})` : ' (there is none)'}, got "${a.identity}"`]);
  }
  if (a.kind === 'probe' && a.connection === 'new' && a.connections !== undefined) out.push([['connections'], 'only with connection: keep-alive (connection: new opens one per request)']);
  return out;
}
