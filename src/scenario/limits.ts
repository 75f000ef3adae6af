// The documented range of every number in a scenario, enforced after the schema: nothing that
// validates can overflow a timer (Node's setTimeout holds at most 2^31 - 1 ms, about 24.8 days),
// exhaust memory (a rate or a connection count in the billions) or outlast its run. Also the
// request text rules: no CR/LF (request splitting), no spaces or controls in a path.
// README "Limits and ranges" lists the same table.
import type { RawActor, RawScenario } from './schema.js';
import { formatPath, type PathSegment, type Problem } from './problems.js';
import { parseDurationMs, parseRatePerSec } from './units.js';
import { MAX_BODY_BYTES } from '../input/body-file.js';

const MS = 1, S = 1000, M = 60_000, H = 3_600_000;

/** [min, max] in ms; `open` excludes the minimum (a duration above 0). */
interface DurationRange { min: number; max: number; open?: boolean }
const RUN: DurationRange = { min: 0, max: 24 * H, open: true };
const OFFSET: DurationRange = { min: 0, max: 24 * H };
const TIMEOUT: DurationRange = { min: 1 * MS, max: 1 * H };
const GAP: DurationRange = { min: 1 * MS, max: 1 * H };

export const LIMITS = {
  duration: RUN,
  bucket: { min: 100 * MS, max: 1 * H } as DurationRange,
  readyTimeout: { min: 100 * MS, max: 10 * M } as DurationRange,
  timeout: TIMEOUT,
  offset: OFFSET,
  gap: GAP,
  /** Requests per second of one probe. */
  rate: { min: 0, max: 10_000 },
  maxInFlight: { min: 1, max: 10_000 },
  probeConnections: { min: 1, max: 1_000 },
  count: { min: 1, max: 1_000 },
  streams: { min: 1, max: 10_000 },
  events: { min: 1, max: 10_000_000 },
  connections: { min: 1, max: 10_000 },
  workers: { min: 1, max: 8 }, // each a thread; 16 on two cores took 12 s to start and stop for a 3 s run
  calibrate: { min: 0, max: 1_000 },
  probeCalibrate: { min: 1, max: 1_000 },
  amount: { min: 1, max: 100_000_000 },
  sweepSteps: { min: 1, max: 64 },
  pathChars: 8192,
  headerChars: 8192,
  headers: 100,
  bodyBytes: MAX_BODY_BYTES,
} as const;

function fmtDuration(ms: number): string {
  if (ms >= H && ms % H === 0) return `${ms / H}h`;
  if (ms >= M && ms % M === 0) return `${ms / M}m`;
  if (ms >= S && ms % S === 0) return `${ms / S}s`;
  return `${ms}ms`;
}

type LineOf = (path: readonly PathSegment[]) => number | undefined;

export function limitProblems(raw: RawScenario, file: string, lineOf: LineOf): Problem[] {
  const problems: Problem[] = [];
  const at = (path: PathSegment[], message: string) => problems.push({ file, line: lineOf(path), path: formatPath(path), message });

  const duration = (path: PathSegment[], text: string | undefined, r: DurationRange): number | undefined => {
    if (text === undefined) return undefined;
    const ms = parseDurationMs(text)!;
    const low = r.open ? ms <= r.min : ms < r.min;
    if (!Number.isFinite(ms) || low || ms > r.max) {
      at(path, `expected a duration ${r.open ? `above ${r.min === 0 ? '0' : fmtDuration(r.min)}` : `from ${fmtDuration(r.min)}`} up to ${fmtDuration(r.max)}, got ${JSON.stringify(text)}`);
      return undefined;
    }
    return ms;
  };
  const count = (path: PathSegment[], n: number | undefined, r: { min: number; max: number }) => {
    if (n === undefined) return;
    if (!Number.isSafeInteger(n) || n < r.min || n > r.max) at(path, `expected a whole number from ${r.min} to ${r.max}, got ${n}`);
  };

  duration(['duration'], raw.duration, LIMITS.duration);
  duration(['timeline', 'bucket'], raw.timeline?.bucket, LIMITS.bucket);
  duration(['server', 'readyTimeout'], raw.server?.readyTimeout, LIMITS.readyTimeout);
  for (const [k, v] of Object.entries(raw.server?.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) at(['server', 'env', k], 'expected an environment variable name (letters, digits, "_")');
    if (typeof v === 'string' && v.includes('\0')) at(['server', 'env', k], 'a NUL character cannot be in an environment variable');
  }
  if (raw.server?.ready !== undefined) pathProblems(['server', 'ready'], raw.server.ready, at);
  raw.actors.forEach((a, i) => actorLimits(a, ['actors', i], duration, count, at));
  return problems;
}

type At = (path: PathSegment[], message: string) => void;
type DurationCheck = (path: PathSegment[], text: string | undefined, r: DurationRange) => number | undefined;
type CountCheck = (path: PathSegment[], n: number | undefined, r: { min: number; max: number }) => void;

function pathProblems(path: PathSegment[], value: string, at: At): void {
  if (value.length > LIMITS.pathChars) at(path, `expected at most ${LIMITS.pathChars} characters, got ${value.length}`);
  // A request line is "METHOD path HTTP/1.1": a space would end the path, CR/LF would start a new request.
  const bad = /[\s\u0000-\u001F\u007F]/.exec(value);
  if (bad) at(path, `a path cannot hold ${bad[0] === ' ' ? 'a space (write %20)' : `the control character ${JSON.stringify(bad[0])}`}`);
}

function actorLimits(a: RawActor, base: PathSegment[], duration: DurationCheck, count: CountCheck, at: At): void {
  const p = (...rest: PathSegment[]) => [...base, ...rest];
  pathProblems(p('path'), a.path, at);
  const headers = Object.entries(a.headers ?? {});
  if (headers.length > LIMITS.headers) at(p('headers'), `expected at most ${LIMITS.headers} headers, got ${headers.length}`);
  for (const [name, value] of headers) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) at(p('headers', name), 'expected a header name (RFC 9110 token: letters, digits, !#$%&\'*+-.^_`|~)');
    if (/[\r\n\0]/.test(value)) at(p('headers', name), 'a header value cannot hold CR, LF or NUL (it would split the request)');
    else if (value.length > LIMITS.headerChars) at(p('headers', name), `expected at most ${LIMITS.headerChars} characters, got ${value.length}`);
  }
  if (typeof a.body === 'string' && Buffer.byteLength(a.body) > LIMITS.bodyBytes) at(p('body'), `expected a body of at most 1 MiB, got ${Buffer.byteLength(a.body)} bytes`);
  duration(p('timeout'), a.timeout, LIMITS.timeout);

  switch (a.kind) {
    case 'probe': {
      const rate = parseRatePerSec(a.rate)!;
      if (!Number.isFinite(rate) || rate <= LIMITS.rate.min || rate > LIMITS.rate.max) at(p('rate'), `expected a rate above 0 up to ${LIMITS.rate.max}/s, got ${JSON.stringify(a.rate)}`);
      const start = duration(p('start'), a.start, LIMITS.offset);
      const stop = duration(p('stop'), a.stop, LIMITS.offset);
      if (stop !== undefined && stop <= (start ?? 0)) at(p('stop'), `expected a stop after the start (${a.start ?? '0s'}), got ${JSON.stringify(a.stop)}: the probe would send nothing`);
      count(p('maxInFlight'), a.maxInFlight, LIMITS.maxInFlight);
      count(p('connections'), a.connections, LIMITS.probeConnections);
      count(p('calibrate'), a.calibrate, LIMITS.probeCalibrate);
      duration(p('stallThreshold'), a.stallThreshold, LIMITS.gap);
      return;
    }
    case 'request':
      duration(p('at'), a.at, LIMITS.offset);
      count(p('count'), a.count, LIMITS.count);
      return;
    case 'stream':
      duration(p('at'), a.at, LIMITS.offset);
      duration(p('rampUp'), a.rampUp, LIMITS.offset);
      duration(p('stallGap'), a.stallGap, LIMITS.gap);
      count(p('streams'), a.streams, LIMITS.streams);
      count(p('events'), a.events, LIMITS.events);
      return;
    case 'load':
    case 'sweep': {
      duration(p('start'), a.start, LIMITS.offset);
      duration(p('serviceTime'), a.serviceTime, LIMITS.timeout);
      count(p('calibrate'), a.calibrate, LIMITS.calibrate);
      count(p('workers'), a.workers, LIMITS.workers);
      count(p('amount'), a.amount, LIMITS.amount);
      if (a.kind === 'load') {
        count(p('connections'), a.connections, LIMITS.connections);
        duration(p('duration'), a.duration, LIMITS.duration);
        return;
      }
      duration(p('step'), a.step, LIMITS.duration);
      duration(p('pause'), a.pause, LIMITS.offset);
      const steps = typeof a.connections === 'string' ? a.connections.split(',').map((x) => Number(x.trim())) : a.connections;
      if (steps.length > LIMITS.sweepSteps.max) at(p('connections'), `expected at most ${LIMITS.sweepSteps.max} steps, got ${steps.length}`);
      const big = steps.find((n) => !Number.isSafeInteger(n) || n > LIMITS.connections.max);
      if (big !== undefined) at(p('connections'), `expected connection counts from 1 to ${LIMITS.connections.max}, got ${big}`);
      return;
    }
  }
}
