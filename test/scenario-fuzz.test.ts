// Fuzz: seeded mutations of valid scenarios through the real parser and validator. Every case must
// end as a valid scenario whose numbers are inside the documented ranges, or as a ScenarioError
// (exit 2) whose problems all name the file and a field; never another exception (a crash).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../src/scenario/load.js';
import { ScenarioError } from '../src/scenario/problems.js';
import { LIMITS } from '../src/scenario/limits.js';
import type { Scenario } from '../src/types.js';
import { seededRandom } from '../src/baseline/prng.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const CASES = Number(process.env.FUZZ_CASES ?? 600); // FUZZ_CASES=2200 for the issue's full shape

const BASES = [
  `name: liveness
duration: 4s
target: http://127.0.0.1:8000
params:
  rate: 50
  path: /live
actors:
  - kind: probe
    path: \${path}
    rate: 50/s
    timeout: 2s
    start: 0s
    stop: 3s
    maxInFlight: 100
    headers: { x-a: b }
  - kind: request
    path: /heavy
    at: 1s
    count: 2
expect:
  - probe.p99 < 200ms
`,
  `name: pools
duration: 6s
target: http://127.0.0.1:8000
timeline: { bucket: 500ms }
actors:
  - kind: load
    path: /sync
    connections: 8
    workers: 2
    calibrate: 3
    amount: 100
    duration: 4s
  - kind: sweep
    path: /sync
    connections: [1, 2, 4]
    step: 1s
    pause: 100ms
`,
  `name: streams
duration: 5s
target: http://127.0.0.1:8000
server:
  command: uvicorn app:app --port {port}
  readyTimeout: 10s
  env: { A: 1 }
actors:
  - kind: stream
    path: /sse
    streams: 20
    rampUp: 1s
    events: 10
    stallGap: 2s
    extract:
      thread: { from: event, json: /thread }
      pid: { from: header, header: x-pid }
`,
];

/** The project's seeded PRNG (mulberry32), so a failure names a case that can be replayed. */
const prng = seededRandom;

const HOSTILE_VALUES = [
  '600h', '0s', '-1s', '1e309s', `${'9'.repeat(400)}s`, '0.0001us', '1000000000/s', '0/s', '2147483648', '-5', '1.5', '64', '100000',
  '"a\\r\\nX-Injected: 1"', '"/a b"', '"/x\\u0000"', '*nope', '&a [*a]', '{}', '[]', 'null', '~', '""', "'${missing}'", '${rate}', 'true',
  '__proto__', 'constructor', '"\\u001b[2J"',
];
const HOSTILE_LINES = [
  '__proto__: { polluted: true }', 'constructor: 1', 'params: { toString: 1 }', 'x: &b [*b]', 'y: *undefined_anchor', '  - kind: nope',
  '    count: 100000', '    workers: 64', '    connections: 2147483648', '    rate: 1000000000/s', `duration: ${'1'.repeat(400)}s`, '\t\tbad: indent',
  'actors: []', 'expect: ["probe.constructor < 1"]', 'expect: ["verdict.__proto__ == clear"]',
];

function bomb(levels: number): string {
  let s = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < levels; i++) s += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
  return s;
}

function mutate(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const at = () => Math.floor(rnd() * lines.length);
  const steps = 1 + Math.floor(rnd() * 3);
  for (let s = 0; s < steps; s++) {
    switch (Math.floor(rnd() * 8)) {
      case 0: {
        // a value replaced by a hostile one
        const i = at();
        const m = /^(\s*-?\s*[\w$]+:\s*)(.+)$/.exec(lines[i]!);
        if (m) lines[i] = m[1] + pick(HOSTILE_VALUES);
        break;
      }
      case 1:
        lines.splice(at(), 0, pick(HOSTILE_LINES));
        break;
      case 2:
        lines.splice(at(), 1);
        break;
      case 3: {
        const i = at();
        lines.splice(i, 0, lines[i]!);
        break;
      }
      case 4: {
        const i = at();
        const line = lines[i]!;
        const j = Math.floor(rnd() * (line.length + 1));
        lines[i] = line.slice(0, j) + pick(['\u0000', '\u001b', ':', '"', "'", '{', '[', '&', '*', '#', '\t', '%', '!', '|', '>']) + line.slice(j);
        break;
      }
      case 5:
        lines.push(bomb(2 + Math.floor(rnd() * 6)));
        break;
      case 6:
        lines.length = Math.max(1, at());
        break;
      default: {
        const i = at();
        lines[i] = lines[i]!.replace(/\d+/, () => pick(['0', '-1', '2147483648', '9'.repeat(400), '1e400', '64', '100000']));
      }
    }
  }
  return lines.join('\n');
}

function assertWithinLimits(s: Scenario, label: string): void {
  const ok = (v: number | undefined, max: number, what: string) => assert.ok(v === undefined || (Number.isFinite(v) && v >= 0 && v <= max), `${label}: ${what} = ${v}`);
  ok(s.durationMs, LIMITS.duration.max, 'durationMs');
  ok(s.bucketMs, LIMITS.bucket.max, 'bucketMs');
  assert.ok(!Object.hasOwn(Object.prototype, 'polluted'), `${label}: Object.prototype polluted`);
  for (const a of s.actors) {
    ok(a.timeoutMs, LIMITS.timeout.max, `${a.name}.timeoutMs`);
    assert.ok(!/[\s\u0000-\u001f]/.test(a.path), `${label}: ${a.name}.path ${JSON.stringify(a.path)}`);
    for (const v of Object.values(a.headers)) assert.ok(!/[\r\n\0]/.test(v), `${label}: header ${JSON.stringify(v)}`);
    if (a.kind === 'probe') ok(a.ratePerSec, LIMITS.rate.max, 'ratePerSec');
    if (a.kind === 'request') ok(a.count, LIMITS.count.max, 'count');
    if (a.kind === 'stream') ok(a.streams, LIMITS.streams.max, 'streams');
    if (a.kind === 'load') ok(a.connections, LIMITS.connections.max, 'connections');
    if (a.kind === 'load' || a.kind === 'sweep') ok(a.workers, LIMITS.workers.max, 'workers');
    if (a.kind === 'sweep') for (const n of a.steps) ok(n, LIMITS.connections.max, 'step');
  }
}

test(`fuzz: ${CASES} seeded mutations end as a valid scenario in range or as exit-2 problems, never a crash`, (t) => {
  const rnd = prng(SEED);
  let valid = 0;
  let rejected = 0;
  const crashes: string[] = [];
  for (let n = 0; n < CASES; n++) {
    const text = mutate(BASES[n % BASES.length]!, rnd);
    const set = rnd() < 0.2 ? { [pick(['rate', 'path', 'toString', '__proto__', 'constructor'], rnd)]: pick(['40; touch /tmp/x;', '1e400', '-1', '/a\r\nb'], rnd) } : undefined;
    const label = `case ${n} (seed ${SEED})`;
    try {
      const s = parseScenario(text, 'fuzz.yaml', set ? { set } : {});
      assertWithinLimits(s, label);
      valid++;
    } catch (err) {
      if (err instanceof ScenarioError) {
        assert.ok(err.problems.length > 0, `${label}: an error without problems`);
        for (const p of err.problems) assert.ok(p.file === 'fuzz.yaml' && p.path.length > 0 && p.message.length > 0, `${label}: ${JSON.stringify(p)}`);
        rejected++;
      } else if (err instanceof assert.AssertionError) throw err;
      else crashes.push(`${label}: ${(err as Error)?.stack ?? String(err)}\n--- text ---\n${text}`);
    }
  }
  t.diagnostic(`fuzz: ${CASES} cases, ${valid} valid, ${rejected} rejected (exit 2), ${crashes.length} crashes`);
  assert.deepEqual(crashes, []);
  assert.ok(valid > 0 && rejected > CASES / 4, `both outcomes exercised: ${valid} valid, ${rejected} rejected`);
});

function pick<T>(xs: readonly T[], rnd: () => number): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}
