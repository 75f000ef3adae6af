// Entry point of the built-in demo target (started by `wobbly demo` as a child process):
//   node dist/src/demo/main.js [--port N] [--host 127.0.0.1] [--workers 1] [--pool 4]
// Prints exactly one line on stdout when ready:
//   wobbly-demo-target listening on http://127.0.0.1:PORT
// With --workers N > 1 it runs node:cluster workers that compete for accept() (SCHED_NONE),
// like gunicorn workers: a worker whose event loop is blocked takes no new connections.

import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createDemoServer, DEMO_USAGE, parseDemoArgs, readyLine, slowdownFromEnv, type DemoMainOptions } from './target.js';

const parsed = parseDemoArgs(process.argv.slice(2), process.env);
if (!parsed.ok) {
  process.stderr.write(`wobbly-demo-target: ${parsed.error}\n${DEMO_USAGE}\n`);
  process.exit(2);
}
if (parsed.help) {
  process.stdout.write(`${DEMO_USAGE}\n`);
  process.exit(0);
}
const options = parsed.options;

function fail(message: string, code = 1): never {
  process.stderr.write(`wobbly-demo-target: ${message}\n`);
  process.exit(code);
}

/** Starts one server in this process; resolves with the bound port. */
function serve(opts: DemoMainOptions): Promise<{ server: Server; port: number }> {
  const server = createDemoServer({ pool: opts.pool, pid: process.pid, slowdown: slowdownFromEnv(process.env), onError: (message) => process.stderr.write(`wobbly-demo-target: ${message}\n`) });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}

function stopServerAndExit(server: Server): void {
  server.close();
  server.closeAllConnections();
  process.exit(0);
}

/**
 * The target is meant to be a child of wobbly (or of a test): if that parent dies without
 * stopping it (SIGKILL, a crash), the target is re-parented; it notices and stops, so no
 * orphaned server keeps the port. (Cluster workers already die with the primary.)
 */
function stopWhenOrphaned(stop: () => void): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 500).unref();
}

async function runSingle(): Promise<void> {
  const { server, port } = await serve(options).catch((err: Error) => fail(`cannot listen: ${err.message}`));
  process.once('SIGTERM', () => stopServerAndExit(server));
  process.once('SIGINT', () => stopServerAndExit(server));
  stopWhenOrphaned(() => stopServerAndExit(server));
  process.stdout.write(`${readyLine(options.host, port)}\n`);
}

async function runWorker(): Promise<void> {
  // Until the server is up, a signal just ends the worker.
  const early = (): void => process.exit(0);
  process.once('SIGTERM', early);
  process.once('SIGINT', early);
  const { server } = await serve(options).catch((err: Error) => fail(`worker ${process.pid} cannot listen: ${err.message}`));
  process.off('SIGTERM', early);
  process.off('SIGINT', early);
  process.once('SIGTERM', () => stopServerAndExit(server));
  process.once('SIGINT', () => stopServerAndExit(server));
  // The primary learns the port from cluster's 'listening' event; nothing is printed here.
}

function runPrimary(): void {
  // Workers accept() for themselves from the shared socket (like gunicorn's workers), instead of
  // the primary handing connections round-robin: a blocked worker leaves new connections to others.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  cluster.setupPrimary({ silent: false });

  const live = new Set<Worker>();
  const listening = new Map<number, number>(); // worker id → port
  let stopping = false;
  let exitCode = 0;
  let ready = false;

  const stopAll = (code: number): void => {
    if (code !== 0) exitCode = code;
    if (stopping) return;
    stopping = true;
    for (const w of live) w.process.kill('SIGTERM');
    // A worker stuck in a long blocking call handles SIGTERM late; do not wait forever.
    setTimeout(() => {
      for (const w of live) w.process.kill('SIGKILL');
      process.exit(exitCode);
    }, 5_000).unref();
    if (live.size === 0) process.exit(exitCode);
  };

  cluster.on('listening', (worker: Worker, address: { port: number }) => {
    listening.set(worker.id, address.port);
    if (ready || stopping || listening.size < options.workers) return;
    const ports = new Set(listening.values());
    if (ports.size !== 1) {
      process.stderr.write(`wobbly-demo-target: workers listen on different ports: ${[...ports].join(', ')}\n`);
      stopAll(1);
      return;
    }
    ready = true;
    process.stdout.write(`${readyLine(options.host, [...ports][0]!)}\n`);
  });

  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    live.delete(worker);
    if (!stopping) {
      // A worker that exits 0 was told to stop (e.g. the whole process group got SIGTERM):
      // stop the others cleanly. Anything else is a death: the primary exits non-zero.
      const clean = code === 0 && signal === null;
      if (!clean) {
        const how = signal !== null ? `signal ${signal}` : `code ${code ?? '?'}`;
        process.stderr.write(`wobbly-demo-target: worker ${worker.process.pid ?? '?'} died (${how})\n`);
      }
      stopAll(clean ? 0 : 1);
    }
    if (live.size === 0) process.exit(exitCode);
  });

  process.once('SIGTERM', () => stopAll(0));
  process.once('SIGINT', () => stopAll(0));
  stopWhenOrphaned(() => stopAll(0));

  for (let i = 0; i < options.workers; i++) live.add(cluster.fork());
}

if (options.workers <= 1) void runSingle();
else if (cluster.isPrimary) runPrimary();
else void runWorker();
