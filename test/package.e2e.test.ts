// The npm package as a user gets it: `npm pack`, installed into an empty project and globally
// (into a temporary prefix), then the `wobbly` command and the library API against a real server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, stallServer, tempDir, type TestServer } from './helpers.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const dir = tempDir();
let tarball = '';
let server: TestServer;
let installLog = '';

function npm(args: string[], cwd: string): string {
  // --ignore-scripts on pack: dist/ is already built by `npm test`, and a prepack build would
  // delete it under the other test files' feet.
  // At a lower priority (nice 10): npm's CPU must not disturb the measured runs of the files beside this one.
  const r = spawnSync('nice', ['-n', '10', 'npm', ...args], { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  assert.equal(r.status, 0, `npm ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return `${r.stdout}\n${r.stderr}`;
}

before(async () => {
  server = await stallServer();
  const out = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT);
  const packed = JSON.parse(out.slice(out.indexOf('['), out.lastIndexOf(']') + 1)) as { filename: string; files: { path: string }[] }[];
  tarball = join(dir, packed[0]!.filename);
  const files = packed[0]!.files.map((f) => f.path);
  assert.ok(files.includes('LICENSE') && files.includes('README.md') && files.includes('bin/wobbly.js'), 'the package ships LICENSE, README and the bin');
  assert.ok(files.includes('dist/src/cli/main.js') && files.includes('dist/src/api.d.ts'), 'the package ships the compiled CLI and the typings');
  assert.ok(files.some((f) => f.startsWith('scenarios/')), 'the built-in scenarios are shipped');
  assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('dist/test/') || f.startsWith('src/')), 'no tests or sources in the package');
  mkdirSync(join(dir, 'project'));
  writeFileSync(join(dir, 'project/package.json'), JSON.stringify({ name: 'try-wobbly', version: '1.0.0', private: true, type: 'module' }));
  installLog = npm(['install', '--prefer-offline', tarball], join(dir, 'project'));
});

after(() => server?.stop());

test('the packed tarball installs without running a build or any install script', () => {
  assert.match(tarball, new RegExp(`${pkg.name}-${pkg.version}\\.tgz$`));
  assert.doesNotMatch(installLog, /install-scripts|prepare/, 'npm reports no install script to approve');
});

test('the installed wobbly command answers --version; a global install lists the built-in scenarios and runs the demo', () => {
  const local = execFileSync(join(dir, 'project/node_modules/.bin/wobbly'), ['--version'], { encoding: 'utf8' }).trim();
  assert.equal(local, pkg.version);
  npm(['install', '-g', '--prefer-offline', '--prefix', join(dir, 'global'), tarball], dir);
  const list = execFileSync(join(dir, 'global/bin/wobbly'), ['list'], { encoding: 'utf8' });
  assert.ok(list.split('\n').some((l) => l.startsWith('liveness-during-heavy ')), 'wobbly list names the built-in scenarios');
  // The installed package runs the demo (its built-in target included) from any directory.
  const demo = spawnSync(join(dir, 'global/bin/wobbly'), ['demo', '--only', 'liveness-during-heavy', '--json-dir', join(dir, 'demo')], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(demo.status, 0, demo.stderr);
  const stall = (JSON.parse(readFileSync(join(dir, 'demo/liveness-during-heavy.json'), 'utf8')) as { verdicts: { id: string; status: string; evidence: { longestStallMs: number } }[] }).verdicts.find((v) => v.id === 'event-loop-stall')!;
  assert.equal(stall.status, 'detected');
  assert.ok(stall.evidence.longestStallMs >= 1500 - 20 && stall.evidence.longestStallMs <= 1500 + 150, `the demo's 1.5 s block measured as ${stall.evidence.longestStallMs} ms`);
});

test('import("wobbly-cli") gives the typed API: a scenario parsed, run with progress callbacks, and its data analysed again', () => {
  const script = `
    import { parseScenario, run, analyseRunData, renderTerminal, VERDICT_IDS } from 'wobbly-cli';
    const scenario = parseScenario(${JSON.stringify(
      `name: api\nduration: 2500ms\nactors:\n  - { name: probe, kind: probe, path: /live, rate: 50/s }\n  - { name: heavy, kind: request, path: /heavy?ms=600, at: 800ms }\n`,
    )}, 'api.yaml', { target: ${JSON.stringify(server.url)} });
    let progress = 0;
    const { result, data } = await run(scenario, { onProgress: () => progress++ });
    const again = analyseRunData(JSON.parse(JSON.stringify(data)));
    const stall = result.verdicts.find((v) => v.id === 'event-loop-stall');
    console.log(JSON.stringify({ progress, ids: VERDICT_IDS, status: stall.status, longest: stall.evidence.longestStallMs,
      againStatus: again.verdicts.find((v) => v.id === 'event-loop-stall').status, probes: result.actors.probe.summary.requests,
      text: renderTerminal(result, { color: false, width: 100 }).length }));
  `;
  writeFileSync(join(dir, 'project/try.mjs'), script);
  const out = JSON.parse(execFileSync(process.execPath, ['try.mjs'], { cwd: join(dir, 'project'), encoding: 'utf8', timeout: 30_000 }).trim().split('\n').pop()!) as {
    progress: number; ids: string[]; status: string; longest: number; againStatus: string; probes: number; text: number;
  };
  assert.ok(out.ids.includes('event-loop-stall'));
  assert.ok(out.progress >= 4, `progress callbacks about every 250 ms (got ${out.progress})`);
  assert.equal(out.status, 'detected');
  assert.ok(out.longest >= 600 - 20 && out.longest <= 600 + 100, `the 600 ms block measured as ${out.longest} ms`);
  assert.equal(out.againStatus, out.status, 'the saved data analyses to the same verdict');
  assert.ok(out.probes >= 100 && out.text > 0);
  const typings = readFileSync(join(dir, 'project/node_modules/wobbly-cli/dist/src/api.d.ts'), 'utf8');
  assert.ok(typings.includes('export declare function run('), 'the API ships its .d.ts');
});
