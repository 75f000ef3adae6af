// A server wobbly starts itself: its own process group, its log kept for when it fails, ready
// when it prints a line or answers an HTTP path, and always stopped as a whole group.
import { codeFile } from '../code-files.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { undiciTlsOptions, type TlsTrust } from '../net/tls.js';
import { MAX_LINE_CHARS, serverText } from '../protocols/server-text.js';
import { ServerStartError, ServerStartInterrupted } from './start-errors.js';
import { registerLive, unregisterLive } from './live.js';

const REAPER = fileURLToPath(codeFile('reaper'));

export interface ServerOptions {
  command: string;
  args?: string[];
  /** Run through /bin/sh (for a command line from a scenario). */
  shell?: boolean;
  env?: Record<string, string>;
  cwd?: string;
  /** Ready when a line of its output matches (first capture group: the base URL, when given). */
  readyLine?: RegExp;
  /** Ready when GET on this URL answers with any HTTP status below 500. */
  readyUrl?: string;
  readyTimeoutMs?: number;
  /** Ctrl-C / SIGTERM while waiting for it to be ready: stop it, throw ServerStartInterrupted. */
  signal?: AbortSignal;
  /** An https:// readyUrl: the certificates the run trusts (--ca, --insecure) are trusted here too. */
  tls?: TlsTrust;
}

export { ServerStartError, ServerStartInterrupted } from './start-errors.js';

const LOG_LINES = 200;
/** The unfinished last line of a server's output is kept up to this many characters. */
const MAX_PARTIAL_LINE = 64 * 1024;

export class ChildServer {
  /** The base URL announced by the ready line, if any. */
  url: string | undefined;
  private readonly log: string[] = [];
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitPromise: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exited = { code, signal };
        resolve();
      });
      child.once('error', (err) => {
        this.addLog(`[wobbly] could not start: ${err.message}`);
        this.exited ??= { code: null, signal: null };
        resolve();
      });
    });
  }

  static async start(opts: ServerOptions): Promise<ChildServer> {
    const child = spawn(opts.command, opts.args ?? [], {
      shell: opts.shell ?? false,
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      detached: true, // its own process group: stop() takes the children (workers) down too
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ChildServer(child);
    registerLive(server);
    if (child.pid !== undefined) {
      // Stops the server's group if wobbly dies without doing it (SIGKILL, crash).
      spawn(process.execPath, [REAPER, String(process.pid), String(child.pid)], { detached: true, stdio: 'ignore' }).unref();
    }
    try {
      await server.waitReady(opts);
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** How it ended, once it has. */
  get exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exited;
  }

  logTail(n = 20): string[] {
    return this.log.slice(-n);
  }

  private addLog(line: string): void {
    this.log.push(serverText(line, MAX_LINE_CHARS)); // the server's output is data: no escape sequence reaches a report
    if (this.log.length > LOG_LINES) this.log.shift();
  }

  private waitReady(opts: ServerOptions): Promise<void> {
    const timeoutMs = opts.readyTimeoutMs ?? 15_000;
    return new Promise((resolve, reject) => {
      let settled = false;
      let poll: NodeJS.Timeout | undefined;
      const done = (err?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (poll) clearTimeout(poll);
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(
        () => done(new ServerStartError(`the server was not ready after ${timeoutMs / 1000} s${opts.readyUrl ? ` (${opts.readyUrl} did not answer)` : ''}`, this.logTail())),
        timeoutMs,
      );
      const onAbort = () => done(new ServerStartInterrupted(this.logTail(), this.child.pid));
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const onLine = (line: string) => {
        this.addLog(line);
        if (opts.readyLine && !settled) {
          const m = opts.readyLine.exec(line);
          if (m) {
            this.url = m[1];
            if (!opts.readyUrl) done();
          }
        }
      };
      for (const stream of [this.child.stdout!, this.child.stderr!]) {
        let rest = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          const lines = (rest + chunk).split(/\r?\n/);
          rest = lines.pop() ?? '';
          if (rest.length > MAX_PARTIAL_LINE) rest = rest.slice(0, MAX_PARTIAL_LINE); // output without line ends stays bounded
          for (const l of lines) onLine(l);
        });
        stream.on('end', () => rest && onLine(rest));
      }
      void this.exitPromise.then(() => {
        const e = this.exited!;
        done(new ServerStartError(`the server exited before it was ready (${e.signal ? `signal ${e.signal}` : `exit code ${e.code}`})`, this.logTail()));
      });
      if (opts.readyUrl) void this.pollReady(opts.readyUrl, opts.tls, () => settled, done, (t) => (poll = t));
    });
  }

  /**
   * GET the ready URL every 100 ms until it answers below 500 or `settled()`. undici is imported
   * here, not at the top: the CLI's main thread loads this module for every run, and needs undici
   * only when it starts a server (the run itself has its own thread).
   */
  private async pollReady(url: string, tls: TlsTrust | undefined, settled: () => boolean, done: () => void, setPoll: (t: NodeJS.Timeout) => void): Promise<void> {
    // undici is CommonJS: node's import() gives its exports as `default` too, the bundle's only as `default`.
    const { Agent, request } = ((await import('undici')) as unknown as { default: typeof import('undici') }).default;
    const dispatcher = tls && url.startsWith('https:') ? new Agent(undiciTlsOptions(tls)) : undefined;
    const check = async () => {
      if (settled()) {
        void dispatcher?.close().catch(() => undefined);
        return;
      }
      try {
        // reset: no keep-alive socket left open (uvicorn --limit-concurrency counts it against the load).
        const res = await request(url, { headersTimeout: 1000, bodyTimeout: 1000, reset: true, ...(dispatcher ? { dispatcher } : {}) });
        await res.body.dump();
        if (res.statusCode < 500) done();
      } catch {
        // not listening yet
      }
      if (!settled()) setPoll(setTimeout(check, 100));
      else void dispatcher?.close().catch(() => undefined);
    };
    await check();
  }

  /** SIGTERM to the whole group, SIGKILL after graceMs. Safe to call twice. */
  async stop(graceMs = 3000): Promise<void> {
    const pid = this.child.pid;
    unregisterLive(this);
    if (this.exited || pid === undefined) return;
    const signalGroup = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
      } catch {
        // already gone
      }
    };
    signalGroup('SIGTERM');
    const killer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
    await this.exitPromise;
    clearTimeout(killer);
    signalGroup('SIGKILL'); // stragglers in the group (workers that ignored SIGTERM)
  }
}

export { registerLive, unregisterLive, killAllLiveSync } from './live.js';
