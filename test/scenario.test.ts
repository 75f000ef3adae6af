// Scenario loading without a network: params, units, defaults, problems, and the JSON Schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario, listBuiltinScenarios, loadScenario } from '../src/scenario/load.js';
import { ScenarioError } from '../src/scenario/problems.js';
import { scenarioJsonSchema } from '../src/scenario/schema.js';
import { parseDurationMs, parseRatePerSec } from '../src/scenario/units.js';
import { formatMs } from '../src/format.js';
import { ROOT } from './helpers.js';

const BASE = `
name: t
params: { rate: 50/s, at: 2s, n: 3, path: /live }
target: http://127.0.0.1:8000/api/
duration: 5s
actors:
  - { kind: probe, path: '\${path}', rate: '\${rate}' }
  - { kind: request, path: '/heavy?n=\${n}', at: '\${at}', count: '\${n}' }
`;

function problemsOf(text: string, set: Record<string, string> = {}): string[] {
  try {
    parseScenario(text, 'f.yaml', { set });
  } catch (err) {
    if (err instanceof ScenarioError) return err.problems.map((p) => `${p.line ?? '-'} ${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

test('units', () => {
  assert.equal(parseDurationMs('250ms'), 250);
  assert.equal(parseDurationMs('1.5s'), 1500);
  assert.equal(parseDurationMs('2m'), 120_000);
  assert.equal(parseDurationMs('10'), undefined);
  assert.equal(parseRatePerSec('100/s'), 100);
  assert.equal(parseRatePerSec('600/m'), 10);
  assert.equal(parseRatePerSec('100'), undefined);
  assert.equal(formatMs(1234), '1.23 s');
  assert.equal(formatMs(12.34), '12 ms');
});

test('params are substituted with their types, --set overrides and is coerced', () => {
  const s = parseScenario(BASE, 'f.yaml', { set: { n: '5', rate: '200/s' } });
  assert.equal(s.target, 'http://127.0.0.1:8000/api');
  assert.equal(s.durationMs, 5000);
  assert.equal(s.bucketMs, 1000);
  const [probe, req] = s.actors;
  assert.equal(probe!.kind, 'probe');
  assert.equal(probe!.name, 'probe');
  assert.equal(probe!.kind === 'probe' && probe!.ratePerSec, 200);
  assert.equal(probe!.timeoutMs, 5000);
  assert.equal(probe!.kind === 'probe' && probe!.maxInFlight, 1000);
  assert.equal(req!.kind === 'request' && req!.count, 5);
  assert.equal(req!.path, '/heavy?n=5');
  assert.equal(req!.kind === 'request' && req!.atMs, 2000);
  assert.deepEqual(s.params, { rate: '200/s', at: '2s', n: 5, path: '/live' });
});

test('--set of a number param must be a number; unknown params are named with a guess', () => {
  assert.deepEqual(problemsOf(BASE, { n: 'many' }), ['3 --set n: expected a number, got "many"']);
  assert.ok(problemsOf(BASE, { rat: '1/s' })[0]!.includes('--set rat: the scenario has no param "rat" (did you mean "rate"?); its params are: rate, at, n, path'), problemsOf(BASE, { rat: '1/s' })[0]);
});

test('a target is required, from the file or --target', () => {
  const text = BASE.replace('target: http://127.0.0.1:8000/api/\n', '');
  assert.deepEqual(problemsOf(text), ['- target: missing: give one in the file (target: http://127.0.0.1:8000), with --target URL, or a server: to start']);
  assert.equal(parseScenario(text, 'f.yaml', { target: 'http://[::1]:9000' }).target, 'http://[::1]:9000');
});

test('semantic problems: duplicate names, start after the end, bucket too small', () => {
  const text = `
name: t
target: http://127.0.0.1:1
duration: 2s
timeline: { bucket: 50ms }
actors:
  - { name: a, kind: probe, path: /, rate: 1/s, start: 3s }
  - { name: a, kind: request, path: /, at: 2s }
`;
  assert.deepEqual(problemsOf(text), [
    '5 timeline.bucket: expected 100ms or more, got 50ms',
    '7 actors[0].start: must be before the end of the run (duration 2s)',
    '8 actors[1].name: "a" is already the name of actors[0]; names must be unique',
    '8 actors[1].at: must be before the end of the run (duration 2s)',
  ]);
});

test('default actor names number repeated kinds', () => {
  const s = parseScenario('name: t\ntarget: http://127.0.0.1:1\nduration: 1s\nactors:\n  - { kind: probe, path: /a, rate: 1/s }\n  - { kind: probe, path: /b, rate: 1/s }\n', 'f.yaml');
  assert.deepEqual(s.actors.map((a) => a.name), ['probe1', 'probe2']);
});

test('JSON scenario files are accepted', () => {
  const s = parseScenario(JSON.stringify({ name: 'j', target: 'http://127.0.0.1:1', duration: '1s', actors: [{ kind: 'probe', path: '/', rate: '10/s' }] }), 'f.json');
  assert.equal(s.actors.length, 1);
});

test('every built-in scenario is valid', async () => {
  const list = await listBuiltinScenarios();
  assert.ok(list.length >= 1);
  for (const b of list) {
    const s = await loadScenario(b.name, { target: 'http://127.0.0.1:1' });
    assert.equal(s.name, b.name);
    assert.ok(b.description.length > 10, `${b.name} has a description`);
  }
});

test('scenarios/scenario.schema.json is generated from the validator and has not drifted', () => {
  const onDisk = JSON.parse(readFileSync(join(ROOT, 'scenarios/scenario.schema.json'), 'utf8')) as { properties: { actors: { items: { oneOf?: unknown[]; anyOf?: unknown[] } } } };
  assert.deepEqual(onDisk, scenarioJsonSchema(), 'run `npm run schema` to regenerate scenarios/scenario.schema.json');
  const actors = (onDisk.properties.actors.items.oneOf ?? onDisk.properties.actors.items.anyOf) as unknown[];
  assert.ok(Array.isArray(actors) && actors.length >= 2);
});

test('load and sweep actors: defaults, connection lists, and their problems', () => {
  const s = parseScenario(
    'name: t\ntarget: http://127.0.0.1:1\nduration: 10s\nactors:\n' +
      '  - { kind: load, path: /sync, connections: 50, amount: 1000 }\n' +
      '  - { kind: sweep, path: /sync, connections: "1, 2,4", step: 2s, serviceTime: 200ms, calibrate: 0, workers: 2 }\n',
    'f.yaml',
  );
  const [load, sweep] = s.actors;
  if (load?.kind !== 'load' || sweep?.kind !== 'sweep') throw new Error('expected a load and a sweep');
  assert.deepEqual(
    { connections: load.connections, amount: load.amount, calibrate: load.calibrationRequests, workers: load.workers, timeout: load.timeoutMs, start: load.startMs, duration: load.durationMs },
    { connections: 50, amount: 1000, calibrate: 5, workers: 1, timeout: 60_000, start: 0, duration: undefined },
  );
  assert.deepEqual({ steps: sweep.steps, stepMs: sweep.stepMs, S: sweep.serviceTimeMs, calibrate: sweep.calibrationRequests, workers: sweep.workers }, { steps: [1, 2, 4], stepMs: 2000, S: 200, calibrate: 0, workers: 2 });

  const bad = `
name: t
target: http://127.0.0.1:1
duration: 5s
actors:
  - { kind: load, path: /a, conections: 5 }
  - { kind: sweep, path: /b, connections: [4, 2] }
  - { kind: sweep, path: /c, connections: [1, 2, 4], step: 2s }
  - { kind: sweep, path: /d, connections: "1, x" }
`;
  const schemaProblems = problemsOf(bad);
  assert.equal(schemaProblems.length, 3, schemaProblems.join('\n'));
  assert.equal(schemaProblems[0], '6 actors[0].connections: missing (expected a whole number (connections))');
  assert.equal(schemaProblems[1], '6 actors[0].conections: unknown field (did you mean "connections"?); allowed here: kind, name, path, method, headers, body, timeout, extract, start, serviceTime, calibrate, workers, connections, amount, duration');
  assert.equal(schemaProblems[2], '9 actors[3].connections: expected a list of connection counts like [1, 2, 4, 8] (or "1,2,4,8"), got "1, x"');
  const semantic = problemsOf(bad.replace('  - { kind: load, path: /a, conections: 5 }\n', '').replace('  - { kind: sweep, path: /d, connections: "1, x" }\n', ''));
  assert.deepEqual(semantic, [
    '6 actors[0].connections: expected ascending connection counts, got 4, 2',
    '6 actors[0].step: 2 steps of 3.00 s need 6.00 s, but the run lasts 5s: lengthen duration or shorten step',
    '7 actors[1].step: 3 steps of 2.00 s need 6.00 s, but the run lasts 5s: lengthen duration or shorten step',
  ]);
});

test('probe calibrate: 100 requests unless told, 1–1000 accepted, 0 refused with its range', () => {
  const scenario = (extra: string) => `name: t\ntarget: http://127.0.0.1:1\nduration: 2s\nactors:\n  - { kind: probe, path: /p, rate: 10/s${extra} }\n`;
  const probeOf = (text: string) => {
    const a = parseScenario(text, 'f.yaml').actors[0];
    if (a?.kind !== 'probe') throw new Error('expected a probe');
    return a;
  };
  assert.equal(probeOf(scenario('')).calibrationRequests, undefined, 'the default (100) is the engine\'s');
  assert.equal(probeOf(scenario(', calibrate: 20')).calibrationRequests, 20);
  assert.equal(probeOf(scenario(', calibrate: 1000')).calibrationRequests, 1000);
  assert.deepEqual(problemsOf(scenario(', calibrate: 0')), ['5 actors[0].calibrate: expected at least 1 (calibrate), got 0']);
  assert.deepEqual(problemsOf(scenario(', calibrate: 1001')), ['5 actors[0].calibrate: expected a whole number from 1 to 1000, got 1001']);
});
