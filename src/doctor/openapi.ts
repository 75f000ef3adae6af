// The OpenAPI document → the operations the doctor may call, and those it leaves alone (with why).
// Pure. The document comes from the server under test: it is data, never trusted for more than
// paths and example values, and only relative `servers` URLs are followed (the target is only
// what the user gave).

export type StreamFormat = 'sse' | 'lines';

export interface Operation {
  method: string;
  /** The path template as documented: /items/{item_id} */
  template: string;
  /** What is sent: parameters filled in from their examples, defaults or enums: /items/42?lang=en */
  path: string;
  headers: Record<string, string>;
  /** Set when a 2xx response is text/event-stream (sse) or NDJSON/JSON lines (lines). */
  stream?: StreamFormat;
  operationId?: string;
}

export interface Skipped {
  method: string;
  template: string;
  reason: string;
}

export interface Selection {
  title?: string;
  version?: string;
  operations: Operation[];
  skipped: Skipped[];
}

export interface SelectOptions {
  /** Call POST, PUT, PATCH, DELETE too (never without it). */
  unsafe?: boolean;
  include?: string[];
  exclude?: string[];
}

const SAFE = ['get', 'head'];
const UNSAFE = ['post', 'put', 'patch', 'delete'];
const LINES_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/json-seq'];

export class OpenApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpenApiError';
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A local "#/components/…" reference, followed a few times at most (cycles end there). */
function deref(doc: Json, v: unknown, depth = 0): unknown {
  if (!isObject(v) || typeof v.$ref !== 'string' || depth > 8) return v;
  if (!v.$ref.startsWith('#/')) return undefined;
  let at: unknown = doc;
  for (const raw of v.$ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    at = isObject(at) ? at[key] : undefined;
  }
  return deref(doc, at, depth + 1);
}

/** The value to send for a required parameter: its example, default or first enum value. */
function sampleValue(doc: Json, param: Json): string | undefined {
  const schema = (deref(doc, param.schema) ?? {}) as Json;
  const examples = isObject(param.examples) ? Object.values(param.examples).map((e) => (deref(doc, e) as Json | undefined)?.value) : [];
  const candidates = [
    param.example,
    ...examples,
    schema.example,
    ...(Array.isArray(schema.examples) ? schema.examples : []),
    schema.default,
    ...(Array.isArray(schema.enum) ? schema.enum.slice(0, 1) : []),
  ];
  const hit = candidates.find((c) => typeof c === 'string' || typeof c === 'number' || typeof c === 'boolean');
  return hit === undefined ? undefined : String(hit);
}

function streamFormat(doc: Json, op: Json): StreamFormat | undefined {
  const responses = isObject(op.responses) ? op.responses : {};
  for (const [code, r] of Object.entries(responses)) {
    if (!/^2/.test(code)) continue;
    const content = (deref(doc, r) as Json | undefined)?.content;
    if (!isObject(content)) continue;
    const types = Object.keys(content).map((t) => t.toLowerCase().split(';')[0]!.trim());
    if (types.includes('text/event-stream')) return 'sse';
    if (types.some((t) => LINES_TYPES.includes(t))) return 'lines';
  }
  return undefined;
}

/** "/items/*" matches one segment, "/admin/**" any depth; a pattern may start with a method: "GET /items/*". */
export function matchesPattern(pattern: string, method: string, template: string, path: string): boolean {
  const m = /^([A-Za-z]+)\s+(\/.*)$/.exec(pattern.trim());
  if (m && m[1]!.toLowerCase() !== method.toLowerCase()) return false;
  const glob = (m ? m[2]! : pattern.trim()).split('**').map((part) => part.split('*').map(escapeRegex).join('[^/]*')).join('.*');
  const re = new RegExp(`^${glob}$`);
  return re.test(template) || re.test(path.split('?')[0]!);
}

function escapeRegex(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** A relative `servers[0].url` ("/api/v1") prefixes every path; an absolute one is another host: ignored. */
function basePathOf(doc: Json): string {
  const servers = Array.isArray(doc.servers) ? doc.servers : [];
  const url = isObject(servers[0]) && typeof servers[0].url === 'string' ? servers[0].url : '';
  return url.startsWith('/') ? url.replace(/\/+$/, '') : '';
}

export function selectOperations(document: unknown, options: SelectOptions = {}): Selection {
  if (!isObject(document) || !isObject(document.paths)) {
    throw new OpenApiError('not an OpenAPI document: it has no "paths" mapping');
  }
  const doc = document;
  const info = isObject(doc.info) ? doc.info : {};
  const base = basePathOf(doc);
  const operations: Operation[] = [];
  const skipped: Skipped[] = [];
  for (const [template, rawItem] of Object.entries(doc.paths as Json)) {
    const item = deref(doc, rawItem);
    if (!isObject(item) || !template.startsWith('/')) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of [...SAFE, ...UNSAFE]) {
      const op = item[method];
      if (!isObject(op)) continue;
      const METHOD = method.toUpperCase();
      const skip = (reason: string) => skipped.push({ method: METHOD, template, reason });
      if (UNSAFE.includes(method) && !options.unsafe) {
        skip(`${METHOD} may change data: called only with --unsafe`);
        continue;
      }
      const filled = fillParameters(doc, template, [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]);
      if ('missing' in filled) {
        skip(`required ${filled.missing} has no example, default or enum to send`);
        continue;
      }
      const body = deref(doc, op.requestBody);
      if (isObject(body) && body.required === true) {
        skip('it needs a request body');
        continue;
      }
      const path = base + filled.path;
      if (options.include?.length && !options.include.some((p) => matchesPattern(p, METHOD, template, path))) {
        skip('not matched by --include');
        continue;
      }
      if (options.exclude?.some((p) => matchesPattern(p, METHOD, template, path))) {
        skip('matched by --exclude');
        continue;
      }
      const stream = streamFormat(doc, op);
      operations.push({
        method: METHOD,
        template: base + template,
        path,
        headers: filled.headers,
        ...(stream ? { stream } : {}),
        ...(typeof op.operationId === 'string' ? { operationId: op.operationId } : {}),
      });
    }
  }
  return {
    ...(typeof info.title === 'string' ? { title: info.title } : {}),
    ...(typeof info.version === 'string' ? { version: info.version } : {}),
    operations,
    skipped,
  };
}

function fillParameters(doc: Json, template: string, raw: unknown[]): { path: string; headers: Record<string, string> } | { missing: string } {
  // An operation's own parameter overrides the path item's of the same name and place.
  const params = new Map<string, Json>();
  for (const p of raw.map((r) => deref(doc, r))) if (isObject(p) && typeof p.name === 'string') params.set(`${String(p.in)}:${p.name}`, p);
  let path = template;
  const query: string[] = [];
  const headers: Record<string, string> = {};
  for (const p of params.values()) {
    const name = p.name as string;
    const required = p.in === 'path' || p.required === true;
    if (!required) continue;
    const value = sampleValue(doc, p);
    if (value === undefined) return { missing: `${String(p.in)} parameter "${name}"` };
    if (p.in === 'path') path = path.replaceAll(`{${name}}`, encodeURIComponent(value));
    else if (p.in === 'query') query.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
    else if (p.in === 'header' && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) && !/[\r\n\0]/.test(value)) headers[name] = value;
    else return { missing: `${String(p.in)} parameter "${name}"` };
  }
  if (/\{[^}]*\}/.test(path)) return { missing: `path parameter "${/\{([^}]*)\}/.exec(path)![1]}" (undocumented)` };
  return { path: query.length ? `${path}?${query.join('&')}` : path, headers };
}

/** --paths /a,/b: the operations without a document (GET each). */
export function operationsFromPaths(paths: string[]): Operation[] {
  return paths.map((p) => ({ method: 'GET', template: p.split('?')[0]!, path: p, headers: {} }));
}
