// `wobbly <URL> -n N -c C …`: the flags of ab and hey turned into a Scenario, in memory. Pure: the
// command reads -d @file before and hands its text in; every problem is collected at once and
// thrown as a ScenarioError (exit 2, nothing sent), like a scenario file's.
import { ScenarioError, type Problem } from '../scenario/problems.js';
import { parseDurationMs, parseRatePerSec } from '../scenario/units.js';
import { formatMs } from '../format.js';
import { expectationProblems } from '../expect/check.js';
import type { ActorSpec, Scenario } from '../types.js';

/** The flags as typed (strings), so that every bad one is reported, not just the first. */
export interface OneLinerFlags {
  url: string;
  /** -n: total requests (ab, hey). */
  requests?: string;
  /** -c: concurrent connections (ab, hey). */
  concurrency?: string;
  /** -t: time limit (ab's -t; hey's -z). A bare number is seconds, as in ab. */
  timeLimit?: string;
  /** -H 'Name: value', repeatable (ab, hey). */
  headers?: string[];
  /** -m: method (ab, hey). */
  method?: string;
  /** -d: the body, or @file (hey's -d / -D); the command reads the file: its text or why not. */
  data?: string;
  dataFile?: { path: string; text?: string; error?: string };
  /** -T: content type of the body (ab, hey). */
  contentType?: string;
  /** --rate R/s: an open model at a fixed rate instead of the closed loop (hey's -q is per worker). */
  rate?: string;
  /** --probe PATH: a probe on this path beside the load, for event-loop stalls. */
  probe?: string;
  /** --timeout: per-request timeout (ab's -s, hey's -t). */
  timeout?: string;
  expect?: string[];
}

/** Where the problems are said to be. */
export const ONE_LINER_SOURCE = '(command line)';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
/** hey's defaults when neither -n nor -t is given. */
export const DEFAULT_REQUESTS = 200;
export const DEFAULT_CONCURRENCY = 50;
/** -n without -t ends when the requests are answered; this caps a server that never answers them all. */
export const REQUESTS_CAP_MS = 10 * 60_000;
/** With --probe (which runs until the run's end) and no -t, the run lasts at most this long. */
export const PROBE_WINDOW_MS = 30_000;
/** With --probe and -t, requests in flight at the time limit get this long to be answered. */
const PROBE_GRACE_MS = 2000;
const PROBE_RATE_PER_SEC = 50;
const CALIBRATION_REQUESTS = 5;

export function isUrl(text: string): boolean {
  return /^https?:\/\/[^/\s]+/i.test(text);
}

function wholeNumber(text: string | undefined, flag: string, problems: Problem[]): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
    problems.push({ file: ONE_LINER_SOURCE, path: flag, message: `expected a whole number of at least 1, got "${text}"` });
    return undefined;
  }
  return n;
}

/** "30s", "500ms", or a bare number of seconds (ab's -t 30). */
function duration(text: string | undefined, flag: string, problems: Problem[]): number | undefined {
  if (text === undefined) return undefined;
  const ms = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) * 1000 : parseDurationMs(text);
  if (ms === undefined || !(ms > 0)) {
    problems.push({ file: ONE_LINER_SOURCE, path: flag, message: `expected a duration like "30s", "500ms" or a number of seconds, got "${text}"` });
    return undefined;
  }
  return ms;
}

function parseHeaders(lines: string[], problems: Problem[]): Record<string, string> {
  const headers: Record<string, string> = {};
  lines.forEach((line, i) => {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[\r\n\0]/.test(line)) {
      problems.push({ file: ONE_LINER_SOURCE, path: `-H[${i}]`, message: `expected "Name: value" (a header name, a colon, the value on one line), got ${JSON.stringify(line)}` });
      return;
    }
    headers[name] = line.slice(colon + 1).trim();
  });
  return headers;
}

/** The URL's origin is the target; its path and query are the request's. */
function splitUrl(text: string, problems: Problem[]): { target: string; path: string } | undefined {
  let url: URL | undefined;
  try {
    url = isUrl(text) ? new URL(text) : undefined;
  } catch {
    url = undefined;
  }
  if (!url) {
    problems.push({ file: ONE_LINER_SOURCE, path: 'URL', message: `expected an http:// or https:// URL like "http://127.0.0.1:8000/items", got ${JSON.stringify(text)}` });
    return undefined;
  }
  if (url.username || url.password) {
    problems.push({ file: ONE_LINER_SOURCE, path: 'URL', message: 'credentials in the URL are not sent; use -H "Authorization: …"' });
  }
  return { target: url.origin, path: `${url.pathname}${url.search}` };
}

export function oneLinerScenario(flags: OneLinerFlags): Scenario {
  const problems: Problem[] = [];
  const at = (path: string, message: string) => problems.push({ file: ONE_LINER_SOURCE, path, message });
  const url = splitUrl(flags.url, problems);
  let amount = wholeNumber(flags.requests, '-n', problems);
  const connectionsFlag = wholeNumber(flags.concurrency, '-c', problems);
  const timeLimitMs = duration(flags.timeLimit, '-t', problems);
  const timeoutMs = duration(flags.timeout, '--timeout', problems) ?? 60_000;
  const method = (flags.method ?? (flags.data !== undefined ? 'POST' : 'GET')).toUpperCase();
  if (!METHODS.includes(method)) at('-m', `expected one of ${METHODS.join(', ')}, got "${flags.method}"`);
  const headers = parseHeaders(flags.headers ?? [], problems);

  let body: string | undefined;
  if (flags.data !== undefined) {
    if (flags.data.startsWith('@')) {
      const f = flags.dataFile;
      if (!f || f.text === undefined) at('-d', `cannot read the body file ${JSON.stringify(flags.data.slice(1))}${f?.error ? ` (${f.error})` : ''}`);
      else body = f.text;
    } else body = flags.data;
    if (method === 'GET' || method === 'HEAD') at('-d', `a body with ${method}: give -m POST (or PUT, PATCH)`);
  }
  if (flags.contentType !== undefined) {
    if (/[\r\n\0]/.test(flags.contentType) || !flags.contentType.trim()) at('-T', `expected a content type like "application/json", got ${JSON.stringify(flags.contentType)}`);
    else headers['Content-Type'] = flags.contentType.trim();
  } else if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'text/plain'; // ab's and hey's default
  }

  const ratePerSec = flags.rate === undefined ? undefined : parseRatePerSec(flags.rate);
  if (flags.rate !== undefined && !(ratePerSec! > 0)) at('--rate', `expected a rate above 0 like "100/s" or "600/m", got "${flags.rate}"`);
  if (flags.probe !== undefined && !flags.probe.startsWith('/')) at('--probe', `expected a path on the same server like "/health", got ${JSON.stringify(flags.probe)}`);
  if (amount === undefined && timeLimitMs === undefined) amount = DEFAULT_REQUESTS;
  const connections = connectionsFlag ?? Math.min(DEFAULT_CONCURRENCY, amount ?? DEFAULT_CONCURRENCY);
  if (amount !== undefined && connectionsFlag !== undefined && connectionsFlag > amount) {
    at('-c', `${connectionsFlag} connections for ${amount} requests: some would never send one (ab refuses this too); lower -c or raise -n`);
  }

  const actors: ActorSpec[] = [];
  // A bad URL still gives actors, so that the expectations are checked with the other flags.
  const path = url?.path ?? '/';
  const common = { method, path, headers, body, timeoutMs, extract: {} };
  let durationMs: number;
  if (ratePerSec !== undefined) {
    // Open model: request i is due at i/R whatever the answers; -c caps those in flight.
    const sendMs = timeLimitMs ?? (amount! / ratePerSec) * 1000;
    durationMs = sendMs + Math.min(timeoutMs, 5000);
    actors.push({ kind: 'probe', name: 'load', ...common, ratePerSec, startMs: 0, stopMs: sendMs, maxInFlight: connectionsFlag ?? Math.min(1000, Math.max(16, Math.ceil((ratePerSec * timeoutMs) / 1000))) });
  } else {
    // Without a probe the run ends when the load is done, the deadline only caps it. A probe runs
    // until the deadline: then the last requests get a short grace, or the probe's own window.
    const graceMs = flags.probe !== undefined ? Math.min(timeoutMs, PROBE_GRACE_MS) : timeoutMs;
    durationMs = timeLimitMs !== undefined ? timeLimitMs + graceMs : flags.probe !== undefined ? PROBE_WINDOW_MS : REQUESTS_CAP_MS;
    actors.push({ kind: 'load', name: 'load', ...common, connections, amount, durationMs: timeLimitMs, startMs: 0, calibrationRequests: CALIBRATION_REQUESTS, workers: 1 });
  }
  if (flags.probe !== undefined) {
    actors.push({
      kind: 'probe', name: 'probe', method: 'GET', path: flags.probe, headers: pick(headers, 'authorization', 'cookie'), timeoutMs: 5000, extract: {},
      ratePerSec: PROBE_RATE_PER_SEC, startMs: 0, maxInFlight: 250,
    });
  }
  const what = [amount !== undefined ? `-n ${amount}` : '', ratePerSec !== undefined ? `--rate ${ratePerSec}/s` : `-c ${connections}`, timeLimitMs !== undefined ? `-t ${formatMs(timeLimitMs)}` : ''].filter(Boolean).join(' ');
  const scenario: Scenario = {
    name: 'one-liner',
    description: `${method} ${path}, ${what}${flags.probe ? `, probe ${flags.probe}` : ''}`,
    params: {},
    // With --server, launchTarget puts the server's free port in place of the URL's.
    target: url?.target ?? '',
    durationMs,
    bucketMs: 1000,
    actors,
    expect: [],
    source: ONE_LINER_SOURCE,
  };
  problems.push(...expectationProblems(scenario, flags.expect ?? [], ONE_LINER_SOURCE, () => undefined));
  if (problems.length) throw new ScenarioError(problems);
  scenario.expect.push(...(flags.expect ?? []));
  return scenario;
}

/** The probe carries the load's credentials (auth, cookies), not its body headers. */
function pick(headers: Record<string, string>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => names.includes(k.toLowerCase())));
}
