// --ca FILE and --insecure against a real HTTPS server on 127.0.0.1 with a self-signed certificate
// made by openssl for this test: every client wobbly has (undici for probes, streams and the
// calibration; the load's own HTTP/1.1 client in its worker threads) must refuse the certificate
// without the flags (exit 3, the fault named TLS and the flags suggested) and trust it with them.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ROOT, runCli, tempDir } from './helpers.js';
import type { RunResult } from '../src/result/types.js';
import { Http1Connection, encodeRequest, targetOf } from '../src/load/http1.js';

const dir = tempDir();
const CERT = join(dir, 'cert.pem');
const KEY = join(dir, 'key.pem');
let server: Server;
let url = '';
let requests = 0;

before(async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', KEY, '-out', CERT, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  server = createServer({ key: readFileSync(KEY), cert: readFileSync(CERT) }, (req, res) => {
    requests++;
    if (req.url?.startsWith('/sse')) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let n = 0;
      const tick = setInterval(() => {
        res.write(`data: ${n}\n\n`);
        if (++n === 3) {
          clearInterval(tick);
          res.end();
        }
      }, 20);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function scenario(name: string, actors: string[]): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\ntarget: ${url}\nduration: 1500ms\nactors:\n${actors.map((a) => `  - ${a}\n`).join('')}`);
  return file;
}

const ALL = [
  '{ name: probe, kind: probe, path: /live, rate: 20/s }',
  '{ name: load, kind: load, path: /work, connections: 2, calibrate: 3 }',
  '{ name: sse, kind: stream, path: /sse, streams: 2, events: 3 }',
];
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RunResult;

function assertAnswered(result: RunResult): void {
  for (const [name, a] of Object.entries(result.actors)) {
    assert.ok(a.summary.requests > 0, `${name}: no request counted`);
    assert.equal(a.summary.failures, 0, `${name}: ${JSON.stringify(a.summary.errors)}`);
    assert.deepEqual(a.summary.errors, {}, name);
  }
}

// The light cases (refused handshakes, a few requests, one probe, doctor on one fast path) run three
// at a time: they assert only what was answered and count nothing, and mostly wait on the network.
describe('light cases, side by side', { concurrency: 3 }, () => {
  test('without --ca or --insecure: exit 3, the fault named a TLS error and both flags suggested', async () => {
    const r = await runCli(['run', scenario('untrusted', ALL), '--json', join(dir, 'untrusted.json')]);
    assert.equal(r.code, 3, r.stderr);
    assert.ok(r.stderr.includes('TLS error ('), r.stderr);
    assert.ok(r.stderr.includes('--ca FILE') && r.stderr.includes('--insecure'), r.stderr);
    const one = await runCli([`${url}/work`, '-n', '5', '-c', '1']);
    assert.equal(one.code, 3, one.stderr);
    assert.ok(one.stderr.includes('TLS error ('), one.stderr);
  });

  test('the load worker threads get the trust settings: an uncalibrated load with --ca', async () => {
    const file = scenario('worker', ['{ name: load, kind: load, path: /work, connections: 2, amount: 40, calibrate: 0 }']);
    const trusted = join(dir, 'worker-ca.json');
    const r = await runCli(['run', file, '--ca', CERT, '--json', trusted, '-q']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const load = read(trusted).actors.load!;
    assert.equal(load.summary.requests, 40);
    assert.deepEqual(load.summary.errors, {});
  });

  test("the load's own HTTP/1.1 client names a refused certificate a TLS error, and trusts it with the CA", async () => {
    const target = { ...targetOf(url) };
    const request = encodeRequest('GET', '/work', new URL(url).host, {}, undefined, 'wobbly-test');
    const send = (conn: Http1Connection) => new Promise<string | undefined>((resolve) => conn.send(request, false, (error) => resolve(error)));
    const refused = new Http1Connection(target);
    const error = await send(refused);
    refused.close();
    assert.ok(error?.startsWith('TLS error ('), String(error));
    const trusted = new Http1Connection({ ...target, trust: { ca: readFileSync(CERT, 'utf8') } });
    assert.equal(await send(trusted), undefined);
    trusted.close();
  });

  test('doctor: exit 3 naming the TLS error without the flags, measured with --ca', async () => {
    const r = await runCli(['doctor', url, '--paths', '/live', '--budget', '5s', '-q']);
    assert.equal(r.code, 3, r.stderr);
    assert.ok(r.stderr.includes('TLS error (') && r.stderr.includes('--ca FILE'), r.stderr);
    const out = join(dir, 'doctor.json');
    const ok = await runCli(['doctor', url, '--paths', '/live', '--budget', '5s', '-q', '--ca', CERT, '--json', out]);
    assert.equal(ok.code, 0, ok.stderr);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { endpoints: { category: string }[] };
    assert.equal(report.endpoints.length, 1);
    assert.notEqual(report.endpoints[0]!.category, 'failing');
  });

  test('the one-liner with --insecure', async () => {
    const out = join(dir, 'oneliner.json');
    const r = await runCli([`${url}/work`, '-n', '30', '-c', '3', '--insecure', '--json', out, '-q']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const load = read(out).actors;
    const [only] = Object.values(load);
    assert.equal(only!.summary.requests, 30);
    assert.deepEqual(only!.summary.errors, {});
  });

  test('--server on an https:// target: the readiness check trusts --ca as the run does', async () => {
    const file = join(dir, 'server-https.yaml');
    writeFileSync(file, 'name: server-https\nduration: 1s\nactors:\n  - { name: probe, kind: probe, path: /live, rate: 20/s }\n');
    const server = `node ${join(ROOT, 'dist/test/servers/https-server.js')} {port} ${KEY} ${CERT}`;
    const out = join(dir, 'server-https.json');
    const began = performance.now();
    const r = await runCli(['run', file, '--target', 'https://127.0.0.1:{port}', '--server', server, '--server-ready', '/live', '--ca', CERT, '--json', out, '-q']);
    assert.equal(r.code, 0, r.stderr);
    // Ready at the first answer, not after the 20 s ready timeout (a refused certificate never answers).
    assert.ok(performance.now() - began < 10_000, `took ${Math.round(performance.now() - began)} ms`);
    assertAnswered(read(out));
  });
});

// Each of these runs a full-speed load against this process's HTTPS server within 1.5 s: side by
// side, a load starved of CPU counted no request at all. One after the other.
test('--ca cert.pem: probe, load (worker threads) and streams all answered', async () => {
  const out = join(dir, 'ca.json');
  const r = await runCli(['run', scenario('ca', ALL), '--ca', CERT, '--json', out, '-q']);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const result = read(out);
  assertAnswered(result);
  assert.equal(result.actors.sse!.stream!.complete, 2);
  assert.equal(result.actors.sse!.stream!.events, 6);
});

test('--insecure: the same scenario runs', async () => {
  const out = join(dir, 'insecure.json');
  const r = await runCli(['run', scenario('insecure', ALL), '--insecure', '--json', out, '-q']);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assertAnswered(read(out));
});

// It counts the server's requests: alone.
test('--ca with a file that is not a certificate: exit 2, nothing sent', async () => {
  const bad = join(dir, 'not-a-cert.pem');
  writeFileSync(bad, 'hello\n');
  const before = requests;
  const r = await runCli(['run', scenario('bad-ca', ALL), '--ca', bad]);
  assert.equal(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes('--ca'), r.stderr);
  const missing = await runCli([`${url}/work`, '-n', '5', '--ca', join(dir, 'nope.pem')]);
  assert.equal(missing.code, 2, missing.stderr);
  assert.equal(requests, before);
});
