// The JSON Schema an editor checks runs on the file as written, before ${param} substitution; the
// loader validates after it. So wherever a param may stand (any value but a `kind`, the params
// themselves and $schema; keys are never substituted), the JSON Schema also accepts a placeholder:
// a whole "${name}" for a number or a boolean (it keeps the param's type), a string holding one
// ("/delay?ms=${ms}", "${d}s", "${env:TARGET}") where a string with a pattern or a list of choices is expected.

type Node = Record<string, unknown>;

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const WHOLE = { type: 'string', pattern: `^\\$\\{${NAME}\\}$`, description: 'A ${param} placeholder, replaced by the param\'s value before validation.' };
// ${env:NAME} (src/scenario/secrets.ts) is replaced by text, so it stands only where a string does.
const WITHIN = { type: 'string', pattern: `\\$\\{(env:)?${NAME}\\}`, description: 'A string with ${param} or ${env:NAME} placeholders, checked once they are replaced.' };
const NOT_SUBSTITUTED = new Set(['kind', 'params', '$schema']);

const isObject = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const types = (n: Node): string[] => {
  if (typeof n.type === 'string') return [n.type];
  const alternatives = (n.anyOf ?? n.oneOf) as Node[] | undefined;
  return alternatives ? alternatives.flatMap(types) : [];
};

/** A copy of the schema where every substitutable value also accepts a placeholder. */
export function acceptPlaceholders(schema: Node): Node {
  return walk(schema);
}

/** zod's names for its string checks; no JSON Schema format, so a strict validator refuses them (the pattern says it). */
const ZOD_FORMATS = new Set(['starts_with', 'ends_with', 'includes']);

function walk(node: Node): Node {
  const out: Node = { ...node };
  if (typeof out.format === 'string' && ZOD_FORMATS.has(out.format)) delete out.format;
  if (isObject(node.properties)) {
    out.properties = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, NOT_SUBSTITUTED.has(k) ? v : value(v as Node)]));
  }
  if (isObject(node.additionalProperties)) out.additionalProperties = value(node.additionalProperties);
  if (isObject(node.items)) out.items = value(node.items);
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(node[key])) out[key] = (node[key] as Node[]).map(walk);
  }
  return out;
}

/** A value's schema: its children first, then the placeholder alternative if a param can stand for it. */
function value(node: Node): Node {
  const inner = walk(node);
  const t = types(inner);
  if (t.length === 0 || t.every((x) => x === 'object' || x === 'array')) return inner; // a param is never a list or a mapping
  const free = t.length === 1 && t[0] === 'string' && inner.pattern === undefined && inner.enum === undefined && inner.const === undefined && inner.minLength === undefined;
  if (free) return inner; // any string already passes
  const alternative = t.includes('string') ? WITHIN : WHOLE;
  const { description, ...rest } = inner;
  return { ...(description === undefined ? {} : { description }), anyOf: [rest, alternative] };
}
