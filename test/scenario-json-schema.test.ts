// The published scenario JSON Schema, checked with a standard validator (ajv, as an editor would
// use it) against every built-in scenario and the README's scenario examples, as written: with
// their ${param} placeholders, before substitution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type AnySchema } from 'ajv';
import { parse } from 'yaml';
import { ROOT } from './helpers.js';

const schema = JSON.parse(readFileSync(join(ROOT, 'scenarios/scenario.schema.json'), 'utf8')) as AnySchema;
// allowUnionTypes: `type: [string, number, boolean]` is standard JSON Schema; strict mode asks to allow it.
const validate = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true }).compile<unknown>(schema);
const errors = () => JSON.stringify(validate.errors?.map((e) => `${e.instancePath} ${e.message}`));

test('every built-in scenario validates against scenarios/scenario.schema.json', () => {
  const files = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml'));
  assert.equal(files.length, 6);
  for (const f of files) {
    const doc = parse(readFileSync(join(ROOT, 'scenarios', f), 'utf8')) as unknown;
    assert.ok(validate(doc), `${f}: ${errors()}`);
  }
});

/** The README's yaml blocks: complete scenarios as they are, lists of actors inside a minimal scenario. */
function readmeScenarios(): { where: string; doc: unknown }[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const out: { where: string; doc: unknown }[] = [];
  for (const m of readme.matchAll(/^```yaml\n([\s\S]*?)^```/gm)) {
    const where = `README.md:${readme.slice(0, m.index).split('\n').length}`;
    const doc = parse(m[1]!) as unknown;
    if (Array.isArray(doc) && doc.every((a) => typeof a === 'object' && a !== null && 'kind' in a)) out.push({ where, doc: { name: 'readme-actors', actors: doc } });
    else if (doc && typeof doc === 'object' && 'name' in doc && 'actors' in doc) out.push({ where, doc });
  }
  return out;
}

test("the README's scenario examples validate against the schema", () => {
  const examples = readmeScenarios();
  assert.ok(examples.length >= 4, `found ${examples.length} scenario examples`);
  const complete = examples.filter((e) => (e.doc as { name: string }).name !== 'readme-actors');
  assert.ok(complete.length >= 1, 'at least one complete scenario');
  for (const { where, doc } of examples) assert.ok(validate(doc), `${where}: ${errors()}`);
});

const scenario = (actor: Record<string, unknown>, top: Record<string, unknown> = {}) => ({
  name: 'x',
  params: { d: '2s', n: 4, p: '/x' },
  ...top,
  actors: [{ kind: 'probe', path: '/', rate: '10/s', ...actor }],
});

test('the schema takes a placeholder wherever a param may stand, and still refuses what is wrong', () => {
  const accepted = [
    scenario({}, { duration: '${d}' }),
    scenario({ stop: '${d}', connections: '${n}', path: '${p}', method: '${m}' }),
    scenario({ kind: 'load', rate: undefined, connections: '${n}', path: '/delay?ms=${n}' }),
    scenario({ kind: 'sweep', rate: undefined, connections: '${steps}' }),
    scenario({ body: { file: 'body.json' }, method: 'POST' }),
    scenario({}, { target: '${env:TARGET}' }), // a secret from the environment, where a string stands
    ...['1m30s', '1h2m', '2s500ms', '1 m 30 s', '1.5m', '250us'].map((d) => scenario({}, { duration: d })),
  ];
  for (const doc of accepted) assert.ok(validate(JSON.parse(JSON.stringify(doc))), `${JSON.stringify(doc)}: ${errors()}`);
  const refused = [
    scenario({}, { duration: '2 parsecs' }),
    scenario({}, { duration: '500ms2s' }), // largest unit first
    scenario({}, { duration: '1s1s' }),
    scenario({}, { duration: '$duration' }),
    scenario({ connections: '4' }), // a number as text is no placeholder
    scenario({ connections: '${env:N}' }), // the environment gives text, never a number
    scenario({ kind: '${k}' }), // the kind is never substituted: it picks the schema
    scenario({ body: { path: 'x' } }),
  ];
  for (const doc of refused) assert.equal(validate(JSON.parse(JSON.stringify(doc))), false, JSON.stringify(doc));
});
