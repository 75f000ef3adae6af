// The deploy examples are checked, not just shown: the Kubernetes Indexed Job parses, names the
// flags that make it work (JOB_COMPLETION_INDEX → --shard, --start-at, --raw on the shared volume,
// a merge of every shard), and its container arguments, expanded as Kubernetes expands $(VAR), run
// here against a loopback server; the GitHub Actions workflow's run commands run here with the
// matrix values substituted, and its merge job's command merges what they wrote.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { BIN, ROOT, runCli, sleep, tempDir, track, type CliResult } from './helpers.js';
import { REFERENCE_AFTER_MS, START_LEAD_MS, testServers } from './shards-helpers.js';
import { readRunData } from '../src/run-data/file.js';
import type { RunResult } from '../src/result/types.js';

const servers = testServers(['pool']);
const dir = tempDir();
/** The load each test's shards split; a pool of its own per test (the two tests run side by side). */
function scenarioFile(id: string): string {
  const file = join(dir, `deploy-load-${id}.yaml`);
  writeFileSync(file, ['name: deploy-load', 'duration: 1500ms', 'actors:', `  - { name: load, kind: load, path: "/pool/8?ms=50&id=${id}", connections: 8, calibrate: 2 }`, ''].join('\n'));
  return file;
}

interface Container {
  args: string[];
  env?: { name: string; value: string }[];
  volumeMounts: { name: string; mountPath: string }[];
}
interface JobDoc {
  kind: string;
  metadata: { name: string };
  spec: { completionMode?: string; completions: number; parallelism?: number; template: { spec: { containers: Container[]; volumes: { name: string; persistentVolumeClaim: { claimName: string } }[] } } };
}

function docs(file: string): JobDoc[] {
  const all = parseAllDocuments(readFileSync(join(ROOT, file), 'utf8'));
  for (const d of all) assert.deepEqual(d.errors, [], file);
  return all.map((d) => d.toJS() as JobDoc);
}

/** Kubernetes' $(VAR) expansion in args (from the container's env and what the controller adds). */
const expand = (arg: string, env: Record<string, string>) => arg.replace(/\$\(([A-Z_][A-Z0-9_]*)\)/g, (m, name: string) => env[name] ?? m);

function sh(command: string, cwd: string, env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = track(spawn('bash', ['-e', '-c', command], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

async function assertMergedLoad(mergedJson: string, shardFiles: string[]): Promise<void> {
  const merged = JSON.parse(readFileSync(mergedJson, 'utf8')) as RunResult;
  const shards = await Promise.all(shardFiles.map((f) => readRunData(f)));
  assert.deepEqual(shards.map((s) => s.shard!.index).sort(), [0, 1, 2, 3]);
  assert.equal(merged.actors.load!.summary.requests, shards.reduce((t, s) => t + s.actors[0]!.counts.requests, 0));
  assert.ok(merged.actors.load!.summary.requests > 0);
}

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  env: Record<string, string | number>;
  jobs: Record<string, { needs?: string; strategy?: { matrix: { shard: number[] } }; steps: Step[] }>;
}

// The two tests side by side: their shards' requests are only counted, and each test has its own
// pool and files; the second one's shards start up while the first one's sleep (see its first line).
describe('deploy examples', { concurrency: true }, () => {
  test('Kubernetes Indexed Job: JOB_COMPLETION_INDEX → --shard, results on the shared volume, a merge of every shard; its args run here', async () => {
    const [pvc, job] = docs('deploy/kubernetes/wobbly-shards.yaml');
    const [merge] = docs('deploy/kubernetes/wobbly-merge.yaml');
    assert.equal(pvc!.kind, 'PersistentVolumeClaim');
    assert.equal(job!.kind, 'Job');
    assert.equal(job!.spec.completionMode, 'Indexed');
    const n = job!.spec.completions;
    assert.equal(job!.spec.parallelism, n, 'all shards at once');
    const c = job!.spec.template.spec.containers[0]!;
    const flag = (args: string[], name: string) => args[args.indexOf(name) + 1];
    assert.equal(c.args[0], 'run');
    assert.equal(flag(c.args, '--shard'), `$(JOB_COMPLETION_INDEX)/${n}`);
    assert.equal(flag(c.args, '--start-at'), '$(START_AT)');
    const mount = c.volumeMounts[0]!;
    assert.ok(flag(c.args, '--raw')!.startsWith(`${mount.mountPath}/`));
    const claim = job!.spec.template.spec.volumes.find((v) => v.name === mount.name)!.persistentVolumeClaim.claimName;
    assert.equal(claim, (pvc as unknown as { metadata: { name: string } }).metadata.name);
    const m = merge!.spec.template.spec.containers[0]!;
    assert.equal(m.args[0], 'merge');
    const shardFiles = Array.from({ length: n }, (_, i) => expand(flag(c.args, '--raw')!, { JOB_COMPLETION_INDEX: String(i) }));
    assert.deepEqual(m.args.slice(1, 1 + n), shardFiles, 'the merge lists every shard file');
    assert.equal(merge!.spec.template.spec.volumes[0]!.persistentVolumeClaim.claimName, claim);

    // Run it here: the args as Kubernetes expands them, the volume a temp directory, the target on loopback.
    const results = join(dir, 'k8s-results');
    mkdirSync(results);
    const onVolume = (a: string) => a.replaceAll(`${mount.mountPath}/`, `${results}/`);
    const env = { ...Object.fromEntries(c.env!.map((e) => [e.name, e.value])), SCENARIO: scenarioFile('k8s'), TARGET: servers.pool.url, START_AT: new Date(Date.now() + START_LEAD_MS).toISOString() };
    const runs = await Promise.all(Array.from({ length: n }, (_, i) => runCli(c.args.map((a) => onVolume(expand(a, { ...env, JOB_COMPLETION_INDEX: String(i) }))))));
    runs.forEach((r, i) => assert.ok(r.code === 0 || r.code === 1, `pod ${i}: exit ${r.code} ${r.stderr}`));
    const merged = await runCli(m.args.map(onVolume).concat('--quiet'));
    assert.ok(merged.code === 0 || merged.code === 1, merged.stderr);
    await assertMergedLoad(join(results, 'merged.json'), shardFiles.map(onVolume));
  });

  test('GitHub Actions matrix: the shard and merge jobs\' commands run here with the matrix values substituted', async () => {
    // Its shards start up once the Kubernetes test's are asleep until their --start-at: never 8 start-ups at once.
    await sleep(REFERENCE_AFTER_MS);
    const wf = parse(readFileSync(join(ROOT, 'deploy/github-actions/wobbly-shards.yml'), 'utf8')) as Workflow;
    const matrix = wf.jobs.shard!.strategy!.matrix.shard;
    assert.deepEqual(matrix, Array.from({ length: Number(wf.env.SHARDS) }, (_, i) => i), 'the matrix is 0 … SHARDS-1');
    assert.equal(wf.jobs.merge!.needs, 'shard');
    const run = wf.jobs.shard!.steps.find((s) => s.name === 'run shard')!.run!;
    const mergeRun = wf.jobs.merge!.steps.find((s) => s.name === 'merge shards')!.run!;
    for (const f of ['--shard "$SHARD/$SHARDS"', '--start-at "$START_AT"', '--raw "shard-$SHARD.raw"']) assert.ok(run.includes(f), f);
    const upload = wf.jobs.shard!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    const download = wf.jobs.merge!.steps.find((s) => s.uses?.startsWith('actions/download-artifact'))!;

    // Each matrix runner: a workspace with the checkout (bin/ and scenarios/ of this repository).
    const startAt = new Date(Date.now() + START_LEAD_MS).toISOString();
    const workspaces = matrix.map((shard) => {
      const ws = join(dir, `gh-shard-${shard}`);
      mkdirSync(ws);
      symlinkSync(join(ROOT, 'bin'), join(ws, 'bin'));
      return ws;
    });
    const shards = await Promise.all(
      matrix.map((shard, k) => sh(run, workspaces[k]!, { SHARDS: String(wf.env.SHARDS), SHARD: String(shard), START_AT: startAt, TARGET: servers.pool.url, SCENARIO: scenarioFile('gh') })),
    );
    shards.forEach((r, i) => assert.ok(r.code === 0 || r.code === 1, `shard ${i}: exit ${r.code} ${r.stderr}`));
    // upload-artifact / download-artifact (merge-multiple): every shard's file into one directory.
    const ws = join(dir, 'gh-merge');
    const into = join(ws, String(download.with!.path));
    mkdirSync(into, { recursive: true });
    symlinkSync(join(ROOT, 'bin'), join(ws, 'bin'));
    matrix.forEach((shard, k) => {
      const file = String(upload.with!.path).replace('${{ matrix.shard }}', String(shard));
      cpSync(join(workspaces[k]!, file), join(into, file));
    });
    const merged = await sh(mergeRun, ws, {});
    assert.ok(merged.code === 0 || merged.code === 1, merged.stderr);
    await assertMergedLoad(join(ws, 'merged.json'), readdirSync(into).map((f) => join(into, f)));
  });
});
