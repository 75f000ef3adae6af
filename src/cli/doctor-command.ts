// `wobbly doctor <base-URL>`: read the service's OpenAPI document (or --paths), start the server
// if asked, measure every selected endpoint within the budget (src/doctor/diagnose.ts), print the
// ranked table, write the JSON (and the HTML page). Exit 0: every endpoint healthy; 1: a finding (a stall, a pool,
// serialized, failing); 2: bad flags or no usable document; 3: unreachable; 130: interrupted.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'undici';
import { execute } from '../pipeline.js';
import { diagnose } from '../doctor/diagnose.js';
import { OpenApiError, operationsFromPaths, selectOperations, type Selection } from '../doctor/openapi.js';
import type { DoctorReport } from '../doctor/report.js';
import { renderDoctor, inert } from '../report/doctor-table.js';
import { STDOUT, writeOutput } from '../report/write-file.js';
import { TargetUnreachableError, checkReachable } from '../engine/preflight.js';
import { parseTarget } from '../net/target.js';
import { launchTarget } from '../server/lifecycle.js';
import { parseDurationMs } from '../scenario/units.js';
import type { Scenario } from '../types.js';
import { EXIT } from './exit-codes.js';
import type { Io } from './io.js';
import { tlsTrustOf, type TlsFlags } from './tls-flags.js';
import { undiciTlsOptions, type TlsTrust } from '../net/tls.js';
import { faultKind, faultName } from '../protocols/faults.js';
import { checkOutputs, stdoutTaken } from './outputs.js';
import { writeHtml } from './html-output.js';

export interface DoctorFlags extends TlsFlags {
  openapi?: string;
  paths?: string;
  unsafe?: boolean;
  include: string[];
  exclude: string[];
  header: string[];
  budget: string;
  json?: string;
  html?: string;
  quiet?: boolean;
  server?: string;
  serverEnv?: Record<string, string>;
  serverReady?: string;
}

const DEFAULT_OPENAPI = '/openapi.json';
const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
const FINDINGS = new Set(['stalls-loop', 'pool-limited', 'serialized', 'failing']);

interface Checked {
  base?: string;
  budgetMs: number;
  headers: Record<string, string>;
  paths?: string[];
}

/** Every bad flag at once (exit 2, nothing sent). */
function checkFlags(url: string | undefined, flags: DoctorFlags): Checked | string[] {
  const problems: string[] = [];
  if (url === undefined && !flags.server) problems.push('a base URL (wobbly doctor http://127.0.0.1:8000) or --server "CMD {port}" is needed');
  if (url !== undefined && !/^https?:\/\/[^/\s]+/i.test(url)) problems.push(`URL: expected a base URL like "http://127.0.0.1:8000", got ${JSON.stringify(url)}`);
  const budgetMs = /^\s*\d+(\.\d+)?\s*$/.test(flags.budget) ? Number(flags.budget) * 1000 : parseDurationMs(flags.budget);
  if (budgetMs === undefined || budgetMs < 5000 || budgetMs > 3_600_000) problems.push(`--budget: expected a duration from 5s to 1h like "90s", got ${JSON.stringify(flags.budget)}`);
  const headers: Record<string, string> = {};
  flags.header.forEach((h, i) => {
    const colon = h.indexOf(':');
    const name = colon > 0 ? h.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[\r\n\0]/.test(h)) problems.push(`-H[${i}]: expected "Name: value", got ${JSON.stringify(h)}`);
    else headers[name] = h.slice(colon + 1).trim();
  });
  let paths: string[] | undefined;
  if (flags.paths !== undefined) {
    paths = flags.paths.split(',').map((p) => p.trim()).filter(Boolean);
    const bad = paths.filter((p) => !p.startsWith('/'));
    if (!paths.length || bad.length) problems.push(`--paths: expected paths like "/a,/b", got ${JSON.stringify(flags.paths)}`);
    if (flags.openapi !== undefined) problems.push('--paths and --openapi: give one of them');
  }
  if (problems.length) return problems;
  return { base: url?.replace(/\/+$/, ''), budgetMs: budgetMs!, headers, paths };
}

export async function doctorCommand(url: string | undefined, flags: DoctorFlags, io: Io): Promise<number> {
  const checked = checkFlags(url, flags);
  if (Array.isArray(checked)) {
    for (const p of checked) io.err(`wobbly doctor: ${p}\n`);
    io.err(`wobbly doctor: ${checked.length} problem${checked.length > 1 ? 's' : ''} in the command line; nothing was sent.\n`);
    return EXIT.badInput;
  }
  await checkOutputs({ json: flags.json, html: flags.html }); // a bad path is exit 2 before anything starts
  // A file given as --openapi is read before any server starts: a typo is exit 2 at once.
  const localDocument = flags.openapi !== undefined && existsSync(flags.openapi) ? await readFile(flags.openapi, 'utf8') : undefined;
  if (flags.openapi !== undefined && localDocument === undefined && !flags.openapi.startsWith('/')) {
    io.err(`wobbly doctor: --openapi ${JSON.stringify(flags.openapi)}: no such file (a path on the server starts with "/")\n`);
    return EXIT.badInput;
  }

  const tls = await tlsTrustOf(flags);
  const placeholder: Scenario = { name: 'doctor', description: '', params: {}, target: checked.base ?? 'http://127.0.0.1:{port}', durationMs: 1, bucketMs: 1000, actors: [], expect: [], source: 'builtin:doctor' };
  // Ready when anything answers below 500 (a 404 will do): the document's path is a fine default.
  const readyPath = flags.serverReady ?? (localDocument === undefined && flags.openapi ? flags.openapi : DEFAULT_OPENAPI);
  const launched = await launchTarget(placeholder, { command: flags.server, env: flags.serverEnv, readyPath, ...(tls ? { tls } : {}) });
  const server = launched.server;
  const base = launched.scenario.target;
  try {
    if (server && !flags.quiet) io.err(`wobbly: started \`${launched.command}\` (pid ${server.pid}) on ${base}\n`);
    await checkReachable(parseTarget(base, tls));
    let selection: Selection;
    let source: string;
    if (checked.paths) {
      selection = { operations: operationsFromPaths(checked.paths), skipped: [] };
      source = '--paths';
    } else {
      source = localDocument !== undefined ? flags.openapi! : base + (flags.openapi ?? DEFAULT_OPENAPI);
      const text = localDocument ?? (await fetchDocument(source, checked.headers, tls));
      if (typeof text !== 'string') {
        io.err(`wobbly doctor: ${inert(text.problem)}\n`);
        io.err('  FastAPI serves it at /openapi.json unless openapi_url was changed: give its path (--openapi /api/openapi.json) or a saved copy (--openapi FILE),\n');
        io.err('  or name the endpoints to measure yourself: --paths /health,/items,/users/1\n');
        return EXIT.badInput;
      }
      try {
        selection = selectOperations(JSON.parse(text), { unsafe: flags.unsafe, include: flags.include, exclude: flags.exclude });
      } catch (err) {
        const why = err instanceof OpenApiError ? err.message : `not JSON (${(err as Error).message})`;
        io.err(`wobbly doctor: ${inert(source)}: ${why}; give --openapi PATH|FILE or --paths /a,/b\n`);
        return EXIT.badInput;
      }
    }
    if (!selection.operations.length) {
      io.err(`wobbly doctor: no operation it may call safely in ${inert(source)} (${selection.skipped.length} skipped: ${selection.skipped.slice(0, 5).map((s) => `${s.method} ${inert(s.template)}: ${s.reason}`).join('; ')}); use --include, --unsafe or --paths\n`);
      return EXIT.badInput;
    }
    const report: DoctorReport = await diagnose(
      {
        target: { base, headers: checked.headers },
        operations: selection.operations,
        skipped: selection.skipped,
        budgetMs: checked.budgetMs,
        openapi: checked.paths ? null : { source, ...(selection.title ? { title: selection.title } : {}), ...(selection.version ? { version: selection.version } : {}) },
      },
      {
        measure: (s) => execute(s, { interrupt: io.interrupt, loadNice: io.loadNice, ...(tls ? { tls } : {}) }),
        now: () => performance.now(),
        progress: (line) => {
          if (!flags.quiet) io.err(`doctor: ${inert(line, 300)}\n`);
        },
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        stopped: () => io.interrupt.aborted || Boolean(server?.exit),
      },
    );
    // A JSON or page sent to stdout ("-") keeps stdout for itself: the table goes to stderr.
    const say = stdoutTaken({ json: flags.json, html: flags.html }) ? io.err : io.out;
    if (flags.json) await writeOutput(flags.json, JSON.stringify(report, null, 2) + '\n', io.out);
    if (!flags.quiet) say(renderDoctor(report, { color: io.color, width: io.width }));
    if (flags.json && flags.json !== STDOUT && !flags.quiet) say(`result written to ${flags.json}\n`);
    if (flags.html) await writeHtml(flags.html, { kind: 'doctor', doctor: report }, io, true);
    if (flags.html && flags.html !== STDOUT && !flags.quiet) say(`HTML report written to ${flags.html}\n`);
    if (io.interrupt.aborted || report.stoppedBy === 'interrupt') return EXIT.interrupted;
    if (server?.exit || report.stoppedBy === 'target-down') {
      io.err(`wobbly doctor: the service stopped answering during the measurements${server?.exit ? ' (the server exited)' : ''}; the report above is partial\n`);
      return EXIT.targetUnreachable;
    }
    return report.endpoints.some((e) => FINDINGS.has(e.category)) ? EXIT.expectationFailed : EXIT.ok;
  } finally {
    if (server) await server.stop();
  }
}

/** The document's text, or why there is none (404, not JSON, too big). Only the target is asked. */
async function fetchDocument(url: string, headers: Record<string, string>, tls: TlsTrust | undefined): Promise<string | { problem: string }> {
  const dispatcher = tls ? new Agent(undiciTlsOptions(tls)) : undefined;
  try {
    const res = await request(url, { method: 'GET', headers: { accept: 'application/json', ...headers }, headersTimeout: 10_000, bodyTimeout: 10_000, ...(dispatcher ? { dispatcher } : {}) });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_DOCUMENT_BYTES) {
        res.body.destroy();
        return { problem: `${url}: the document is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB` };
      }
      chunks.push(chunk);
    }
    if (res.statusCode >= 400) return { problem: `${url} answered HTTP ${res.statusCode}: the service publishes no OpenAPI document there` };
    return Buffer.concat(chunks).toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    if (code === 'ECONNREFUSED') throw new TargetUnreachableError(url, code);
    // An untrusted certificate: the measurements would all fail the same way (exit 3, named).
    const fault = faultName(code);
    if (faultKind(fault) === 'tls') throw new TargetUnreachableError(url, fault);
    return { problem: `${url}: no document (${code})` };
  } finally {
    await dispatcher?.close().catch(() => undefined);
  }
}
