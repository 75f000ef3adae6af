// The published result schema (schemas/result.schema.json): generated from the RunResult type, not
// drifted, and real results validate against it with a standard validator (ajv): a stall run, a
// load against pools, a stream run, each against the Node test servers, plus the saved fixtures.
// The schema's objects are closed, so a key a real result has and the type does not describe fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type AnySchema } from 'ajv';
import { resultJsonSchema, RESULT_SCHEMA_FILE, RESULT_SCHEMA_ID } from '../scripts/result-schema.js';
import { ROOT, runCli, startServer, stallServer, tempDir, type TestServer } from './helpers.js';

const onDisk = JSON.parse(readFileSync(RESULT_SCHEMA_FILE, 'utf8')) as AnySchema & Record<string, unknown>;
const validate = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true }).compile<unknown>(onDisk);
const errors = () => JSON.stringify(validate.errors?.slice(0, 5).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));

const servers: Record<'stall' | 'pool' | 'stream', TestServer | undefined> = { stall: undefined, pool: undefined, stream: undefined };
before(async () => {
  [servers.stall, servers.pool, servers.stream] = await Promise.all([
    stallServer(),
    startServer(join(ROOT, 'dist/test/servers/pool-server.js')),
    startServer(join(ROOT, 'dist/test/servers/stream-server.js')),
  ]);
});
after(async () => {
  await Promise.all(Object.values(servers).map((s) => s?.stop()));
});

test('schemas/result.schema.json is generated from src/result/types.ts and has not drifted', () => {
  assert.deepEqual(onDisk, resultJsonSchema(), 'run `npm run schema` to regenerate schemas/result.schema.json');
  assert.equal(onDisk.$id, RESULT_SCHEMA_ID);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
  assert.ok(pkg.files.includes('schemas'), 'the schema ships in the package');
  const version = (onDisk.definitions as { RunResult: { properties: { schemaVersion: { const: number } } } }).RunResult.properties.schemaVersion.const;
  assert.equal(version, 1);
  assert.ok(String(onDisk.title).endsWith(`schemaVersion ${version}`));
});

const dir = tempDir();
async function runResult(name: string, yaml: string, target: string): Promise<unknown> {
  const file = join(dir, `${name}.yaml`);
  const json = join(dir, `${name}.json`);
  writeFileSync(file, yaml);
  const r = await runCli(['run', file, '--target', target, '--json', json, '--quiet'], { timeoutMs: 60_000 });
  assert.ok(r.code === 0 || r.code === 1, r.stderr); // 1: an expectation failed, still a full result
  return JSON.parse(readFileSync(json, 'utf8'));
}

test('real results validate: a stall run, a load run against pools, a stream run', async () => {
  const results = await Promise.all([
    runResult('stall', readFileSync(join(ROOT, 'test/fixtures/stall.yaml'), 'utf8').replace('duration: 4s', 'duration: 3s').replace('at: 1500ms', 'at: 1s'), servers.stall!.url),
    runResult(
      'pool',
      `name: pool\nduration: 3s\nactors:\n  - { name: m4, kind: load, path: "/pool/4?ms=200", connections: 8, calibrate: 3 }\n  - { name: probe, kind: probe, path: /live, rate: 20/s }\n`,
      servers.pool!.url,
    ),
    runResult(
      'stream',
      `name: stream\nduration: 5s\nexpect: [streams.p99 < 1ms]\nactors:\n  - name: streams\n    kind: stream\n    path: /rotate?events=10&gapMs=20\n    streams: 4\n    events: 10\n    extract:\n      thread: { from: event, regex: 'thread: (\\d+)' }\n`,
      servers.stream!.url,
    ),
  ]);
  for (const [i, r] of results.entries()) {
    assert.ok(validate(r), `${['stall', 'pool', 'stream'][i]}: ${errors()}`);
    assert.ok(Object.keys((r as { actors: object }).actors).length > 0);
  }
  // The schema is not a pass-everything: an undescribed key, or a wrong type, fails it.
  const stall = results[0] as Record<string, unknown>;
  assert.equal(validate({ ...stall, surprise: 1 }), false);
  assert.equal(validate({ ...stall, durationMs: '3s' }), false);
});

test('the saved result fixtures validate (a compare report: each of its runs, less its settings)', () => {
  const fixtures = join(ROOT, 'test/fixtures/results');
  const files = readdirSync(fixtures).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 10);
  for (const f of files) {
    const doc = JSON.parse(readFileSync(join(fixtures, f), 'utf8')) as { runs?: { settings: unknown }[] };
    const runs = Array.isArray(doc.runs) ? doc.runs.map(({ settings: _settings, ...run }) => run) : [doc];
    for (const run of runs) assert.ok(validate(run), `${f}: ${errors()}`);
  }
});
