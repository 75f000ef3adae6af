// `wobbly report FILE` renders every JSON wobbly writes: a run result, a compare report and a
// doctor report (from a real `doctor --json --html` run against the stall server), each exactly as the
// command that wrote it printed it (and the doctor's page byte for byte); anything else is refused with what the file is, exit 2.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTerminal } from '../src/report/terminal.js';
import { renderCompare } from '../src/report/compare-table.js';
import type { CompareReport } from '../src/report/html/index.js';
import type { RunResult } from '../src/result/types.js';
import { ROOT, runCli, stallServer, tempDir, type TestServer } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await stallServer();
});
after(async () => {
  await server.stop();
});

const dir = tempDir();
const fixture = (name: string) => join(ROOT, 'test/fixtures/results', name);
const WIDTH = 100; // the CLI's width without a terminal

test('a doctor report (doctor --json --html): the table the doctor printed, the page it wrote', async () => {
  const json = join(dir, 'doctor.json');
  const page = join(dir, 'doctor.html');
  const doctor = await runCli(['doctor', server.url, '--paths', '/live,/heavy', '--budget', '20s', '--json', json, '--html', page], { timeoutMs: 60_000 });
  assert.equal(doctor.code, 1, doctor.stderr); // 1: it found the stall
  const r = await runCli(['report', json]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, doctor.stdout.replace(`result written to ${json}\n`, '').replace(`HTML report written to ${page}\n`, ''));
  assert.ok(r.stdout.includes('GET /heavy'));
  const again = join(dir, 'doctor-again.html');
  const html = await runCli(['report', json, '--html', again]);
  assert.equal(html.code, 0, html.stderr);
  assert.equal(readFileSync(again, 'utf8'), readFileSync(page, 'utf8'));
});

test('a compare report (compare --json) and a run result (--json): their tables', async () => {
  const compare = JSON.parse(readFileSync(fixture('compare.json'), 'utf8')) as CompareReport;
  const c = await runCli(['report', fixture('compare.json')]);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(c.stdout, renderCompare(compare.rows, compare.recommended ?? undefined, compare.scenario));
  const run = JSON.parse(readFileSync(fixture('stall.json'), 'utf8')) as RunResult;
  const r = await runCli(['report', fixture('stall.json')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, renderTerminal(run, { color: false, width: WIDTH }));
});

test('anything else: what the file is, exit 2, in one line', async () => {
  const cases: [string, unknown, string][] = [
    ['object.json', { name: 'x', version: '1', dependencies: {} }, 'a JSON object with keys name, version, dependencies'],
    ['many.json', Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`k${i}`, i])), 'a JSON object with keys k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11 and 3 more'],
    ['empty.json', {}, 'an empty JSON object'],
    ['array.json', [1, 2, 3], 'a JSON array of 3 items'],
    ['number.json', 42, 'a JSON number'],
    ['null.json', null, 'JSON null'],
    ['hostile.json', { 'a\u001b[2Jb': 1 }, 'a JSON object with key a\\x1b[2Jb'],
    ['v2.json', { ...(JSON.parse(readFileSync(fixture('stall.json'), 'utf8')) as object), schemaVersion: 2 }, 'a wobbly run result of schemaVersion 2 (this wobbly reads schemaVersion 1)'],
    ['doctor-v2.json', { schemaVersion: 2, kind: 'doctor', endpoints: [] }, 'a wobbly doctor report of schemaVersion 2 (this wobbly reads schemaVersion 1)'],
  ];
  for (const [name, content, what] of cases) {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(content));
    const r = await runCli(['report', file]);
    assert.equal(r.code, 2, name);
    assert.equal(r.stderr, `wobbly: ${file}: ${what}; not a wobbly run result, compare or doctor report\n`);
    assert.equal(r.stdout, '');
  }
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"a": ');
  const r = await runCli(['report', broken]);
  assert.equal(r.code, 2);
  assert.ok(r.stderr.startsWith(`wobbly: ${broken}: not a readable JSON`), r.stderr);
});
