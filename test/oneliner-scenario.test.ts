// The one-liner's flags → Scenario (pure): ab/hey defaults and mappings, and every bad flag at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONCURRENCY, DEFAULT_REQUESTS, PROBE_WINDOW_MS, REQUESTS_CAP_MS, oneLinerScenario } from '../src/oneliner/scenario.js';
import { ScenarioError } from '../src/scenario/problems.js';
import { routeOneLiner } from '../src/cli/oneliner-command.js';
import type { LoadSpec, ProbeSpec } from '../src/types.js';

const URL = 'http://127.0.0.1:8000/sync?ms=1000';

function problemsOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ScenarioError, String(err));
    return err.problems;
  }
  assert.fail('expected a ScenarioError');
}

test('-n and -c: a calibrated closed-model load on the URL\'s path, ending with its requests', () => {
  const s = oneLinerScenario({ url: URL, requests: '100', concurrency: '50' });
  assert.equal(s.target, 'http://127.0.0.1:8000');
  assert.equal(s.actors.length, 1);
  const load = s.actors[0] as LoadSpec;
  assert.deepEqual(
    { kind: load.kind, name: load.name, method: load.method, path: load.path, connections: load.connections, amount: load.amount, durationMs: load.durationMs, calibrate: load.calibrationRequests },
    { kind: 'load', name: 'load', method: 'GET', path: '/sync?ms=1000', connections: 50, amount: 100, durationMs: undefined, calibrate: 5 },
  );
  // Without a probe the run ends when the load is done; the deadline only caps it.
  assert.equal(s.durationMs, REQUESTS_CAP_MS);
});

test('no -n nor -t: hey\'s 200 requests over 50 connections; -c never above -n', () => {
  const load = oneLinerScenario({ url: URL }).actors[0] as LoadSpec;
  assert.equal(load.amount, DEFAULT_REQUESTS);
  assert.equal(load.connections, DEFAULT_CONCURRENCY);
  assert.equal((oneLinerScenario({ url: URL, requests: '10' }).actors[0] as LoadSpec).connections, 10);
});

test('-t: send for that long (a bare number is seconds, as in ab); with --probe the probe watches beside it', () => {
  const s = oneLinerScenario({ url: URL, timeLimit: '3', concurrency: '4', probe: '/health', headers: ['Authorization: Bearer x', 'X-Trace: 1'] });
  const load = s.actors[0] as LoadSpec;
  assert.equal(load.durationMs, 3000);
  assert.equal(load.amount, undefined);
  const probe = s.actors[1] as ProbeSpec;
  assert.equal(probe.kind, 'probe');
  assert.equal(probe.path, '/health');
  assert.deepEqual(probe.headers, { Authorization: 'Bearer x' }, 'the probe carries the credentials only');
  assert.equal(s.durationMs, 3000 + 2000, 'a 2 s grace for the last answers');
  const untimed = oneLinerScenario({ url: URL, requests: '20', probe: '/health' });
  assert.equal(untimed.durationMs, PROBE_WINDOW_MS);
});

test('-d, -d @file, -T, -m: the body goes with POST by default and its content type', () => {
  const inline = oneLinerScenario({ url: URL, data: '{"a":1}', contentType: 'application/json' }).actors[0] as LoadSpec;
  assert.equal(inline.method, 'POST');
  assert.equal(inline.body, '{"a":1}');
  assert.equal(inline.headers['Content-Type'], 'application/json');
  const file = oneLinerScenario({ url: URL, data: '@body.txt', dataFile: { path: 'body.txt', text: 'hello' }, method: 'put' }).actors[0] as LoadSpec;
  assert.equal(file.method, 'PUT');
  assert.equal(file.body, 'hello');
  assert.equal(file.headers['Content-Type'], 'text/plain');
});

test('--rate: an open model at that rate for n/R seconds, -c caps those in flight', () => {
  const s = oneLinerScenario({ url: URL, rate: '20/s', requests: '40', concurrency: '8' });
  const a = s.actors[0] as ProbeSpec;
  assert.equal(a.kind, 'probe');
  assert.equal(a.ratePerSec, 20);
  assert.equal(a.stopMs, 2000);
  assert.equal(a.maxInFlight, 8);
});

test('every bad flag is reported at once, with the flag, and expectations are checked too', () => {
  const problems = problemsOf(() =>
    oneLinerScenario({
      url: 'ftp://x',
      requests: 'ten',
      concurrency: '0',
      timeLimit: 'soon',
      method: 'FETCH',
      headers: ['no colon'],
      data: '@missing.txt',
      dataFile: { path: 'missing.txt', error: 'ENOENT' },
      rate: '5',
      probe: 'health',
      expect: ['nope.p99 < 1s'],
    }),
  );
  assert.deepEqual(problems.map((p) => p.path), ['URL', '-n', '-c', '-t', '-m', '-H[0]', '-d', '--rate', '--probe', '--expect[0]']);
  assert.ok(problems.find((p) => p.path === '-d')!.message.includes('ENOENT'));
});

test('-c above -n is refused (ab refuses it too)', () => {
  const problems = problemsOf(() => oneLinerScenario({ url: URL, requests: '10', concurrency: '50' }));
  assert.deepEqual(problems.map((p) => p.path), ['-c']);
});

test('routing: a URL anywhere without a command first is a one-liner; commands and help go as typed', () => {
  const commands = ['run', 'doctor', 'one-liner'];
  assert.deepEqual(routeOneLiner(['http://x/a', '-n', '3'], commands), ['one-liner', 'http://x/a', '-n', '3']);
  assert.deepEqual(routeOneLiner(['-n', '3', '-c', '1', 'https://x/a'], commands), ['one-liner', '-n', '3', '-c', '1', 'https://x/a']);
  assert.deepEqual(routeOneLiner(['run', 'http://x/a'], commands), ['run', 'http://x/a']);
  assert.deepEqual(routeOneLiner(['doctor', 'http://x'], commands), ['doctor', 'http://x']);
  assert.deepEqual(routeOneLiner(['--help'], commands), ['--help']);
  assert.deepEqual(routeOneLiner([], commands), []);
});
