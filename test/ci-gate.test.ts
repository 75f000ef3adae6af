// The gate's pure parts: --fail-on levels, secrets resolved from an environment and masked in
// any JSON value, and what the reporters say about them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withFailOn } from '../src/cli/ci.js';
import { maskSecrets, resolveSecrets, type Secrets } from '../src/scenario/secrets.js';
import { parseScenario } from '../src/scenario/load.js';
import { ScenarioError } from '../src/scenario/problems.js';
import { failuresOf, outcomeLine } from '../src/report/outcome.js';
import { githubAnnotations } from '../src/report/github.js';
import { renderJunit } from '../src/report/junit.js';
import { sampleResult } from './fixtures/results.js';

function withInconclusive() {
  const r = sampleResult();
  r.verdicts.push({ id: 'serialized', status: 'inconclusive', summary: 'could not tell', hint: 'h', evidence: {} });
  return r;
}

test('--fail-on detected fails on detected verdicts only; inconclusive on detected and inconclusive ones', () => {
  const r = withInconclusive();
  assert.equal(withFailOn(r, undefined), r);
  const detected = withFailOn(r, 'detected');
  assert.deepEqual(detected.failOn, { level: 'detected', verdicts: ['event-loop-stall'] });
  assert.equal(detected.pass, false);
  assert.equal(outcomeLine(detected), 'FAIL: event-loop-stall detected (--fail-on detected)');
  const strict = withFailOn(r, 'inconclusive');
  assert.deepEqual(strict.failOn!.verdicts, ['event-loop-stall', 'serialized']);
  assert.deepEqual(failuresOf(strict).map((f) => f.title), ['event-loop-stall detected (--fail-on inconclusive)', 'serialized inconclusive (--fail-on inconclusive)']);
  // The inconclusive verdict is a JUnit failure now, not skipped; the detected one is an ::error, not a ::warning.
  assert.ok(renderJunit(strict).includes('<failure type="inconclusive" message="serialized inconclusive (--fail-on inconclusive): could not tell">'));
  const gh = githubAnnotations({ ...strict, scenario: { ...strict.scenario, source: 'api.yaml' } });
  assert.match(gh, /^::error file=api\.yaml,title=wobbly fixture%3A event-loop-stall detected \(--fail-on inconclusive\)::/m);
  assert.doesNotMatch(gh, /::warning/);
  const clear = sampleResult();
  clear.verdicts = [];
  assert.equal(withFailOn(clear, 'inconclusive').pass, true);
});

test('secrets: ${env:NAME} anywhere, --set x=@env:NAME; unset variables are problems with file and line', () => {
  const problems: never[] = [];
  const raw = { params: { token: '${env:TOKEN}' }, actors: [{ path: '/x?k=${env:KEY}&t=${token}' }] };
  const out = resolveSecrets(raw, { tag: '@env:TAG', plain: '@envelope' }, { TOKEN: 'tok-123', KEY: 'key-456', TAG: 'tg' }, 'f.yaml', problems, () => 7);
  assert.deepEqual(out.raw, { params: { token: 'tok-123' }, actors: [{ path: '/x?k=key-456&t=${token}' }] });
  assert.deepEqual(out.set, { tag: 'tg', plain: '@envelope' });
  assert.deepEqual(out.secrets, { values: ['tok-123', 'key-456', 'tg'], params: ['token', 'tag'] });
  assert.deepEqual(problems, []);

  try {
    parseScenario('name: s\nduration: 1s\nactors:\n  - name: a\n    kind: probe\n    path: /x\n    rate: 1/s\n    headers: { x-key: "${env:NOPE}" }\n', 's.yaml', { set: {}, target: 'http://127.0.0.1:1', env: {} });
    assert.fail('expected a ScenarioError');
  } catch (err) {
    assert.ok(err instanceof ScenarioError);
    assert.deepEqual(err.problems, [{ file: 's.yaml', line: 8, path: 'actors.0.headers.x-key', message: '${env:NOPE}: the environment variable NOPE is not set (or empty)' }]);
  }
  const s = parseScenario('name: s\nduration: 1s\nactors:\n  - name: a\n    kind: probe\n    path: /x\n    rate: 1/s\n    headers: { x-key: "${env:KEY}" }\nexpect:\n  - a.errorRate < 1%\n', 's.yaml', { target: 'http://127.0.0.1:1', env: { KEY: 'k-789' } });
  assert.equal((s.actors[0] as { headers: Record<string, string> }).headers['x-key'], 'k-789', 'the value is used');
  assert.deepEqual(s.secrets, { values: ['k-789'], params: [] });
  assert.deepEqual(s.expectLines, [10]);
});

test('masking: every string holding a secret, params from the environment wholly, short secrets only whole', () => {
  const secrets: Secrets = { values: ['tok-123', '42'], params: ['token', 'connections'] };
  const r = sampleResult();
  r.scenario.params = { token: 'tok-123', connections: 42, path: '/a' };
  r.actors.probe!.request = 'GET /x?t=tok-123';
  r.verdicts[0]!.summary = 'saw tok-123 twice: tok-123; 42 requests';
  const m = maskSecrets(r, secrets);
  assert.deepEqual(m.scenario.params, { token: '***', connections: '***', path: '/a' });
  assert.equal(m.actors.probe!.request, 'GET /x?t=***');
  assert.equal(m.verdicts[0]!.summary, 'saw *** twice: ***; 42 requests');
  assert.equal(r.actors.probe!.request, 'GET /x?t=tok-123', 'the original is not changed');
  assert.equal(maskSecrets(r, undefined), r);
});
