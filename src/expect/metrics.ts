// The metrics of an actor that expectations, baselines and `wobbly diff` read, by name.
// Generic over the actor's `summary` in the JSON result: any numeric field of it is a metric
// ("bytes", "latencyMs.mean", a field a new actor kind adds), plus short names (p99 → latencyMs.p99)
// and errorRate (failures / requests). Each metric has a dimension (which units it takes) and
// the direction in which it gets worse.
import type { ActorResult } from '../result/types.js';
import { formatMs } from '../format.js';

import type { Dimension } from './dimension.js';

export type { Dimension } from './dimension.js';

export interface Metric {
  /** As written in expressions and tables: "p99", "rps", "latencyMs.mean", "errorRate". */
  name: string;
  /** Path into the actor's summary; empty for errorRate (derived). */
  path: string[];
  dimension: Dimension;
  /** Which way is worse, when there is one. */
  worse?: 'higher' | 'lower';
}

const SHORT_NAMES: Record<string, string[]> = {
  rps: ['rps'],
  p50: ['latencyMs', 'p50'],
  p90: ['latencyMs', 'p90'],
  p99: ['latencyMs', 'p99'],
  max: ['latencyMs', 'max'],
  min: ['latencyMs', 'min'],
  mean: ['latencyMs', 'mean'],
  failures: ['failures'],
};
export const ERROR_RATE = 'errorRate';

const UNITS_OF: Record<Dimension, string> = { duration: 'ms or s', rate: 'rps or /s (or none)', ratio: '% (or a fraction from 0 to 1)', count: 'none' };
const WHAT_IS: Record<Dimension, string> = { duration: 'a latency', rate: 'a rate', ratio: 'a share of requests', count: 'a count' };

export const unitsOf = (d: Dimension) => UNITS_OF[d];
export const whatIs = (d: Dimension) => WHAT_IS[d];

function dimensionOf(path: string[]): Dimension {
  const last = path[path.length - 1] ?? '';
  if (path[0] === 'latencyMs' || /Ms$/.test(last)) return 'duration';
  if (last === 'rps' || /(Rps|PerSec)$/.test(last)) return 'rate';
  if (/(Rate|Ratio)$/.test(last)) return 'ratio';
  return 'count';
}

function worseOf(path: string[], dimension: Dimension): Metric['worse'] {
  const last = path[path.length - 1] ?? '';
  if (dimension === 'duration' || dimension === 'ratio' || last === 'failures' || last === 'unfinished') return 'higher';
  if (dimension === 'rate' || last === 'requests') return 'lower';
  return undefined;
}

/**
 * An actor summary with every field (typed, so a new field cannot be missed): its numeric leaves
 * are the metrics. Written out rather than built from empty counts, so that parsing --expect does
 * not load the result builder and its HDR histograms.
 */
const EMPTY_SUMMARY: ActorResult['summary'] = {
  requests: 0, failures: 0, unfinished: 0, rps: 0, bytes: 0,
  latencyMs: { p50: 0, p90: 0, p99: 0, max: 0, min: 0, mean: 0 },
  statusCodes: {}, errors: {},
};

/** The numeric leaf paths of an actor summary of this kind. */
const templates = new Map<string, string[][]>();
function summaryLeaves(kind: string): string[][] {
  let leaves = templates.get(kind);
  if (!leaves) {
    leaves = [];
    const walk = (v: unknown, path: string[]) => {
      if (typeof v === 'number') leaves!.push(path);
      else if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    };
    walk(EMPTY_SUMMARY, []);
    templates.set(kind, leaves);
  }
  return leaves;
}

function make(name: string, path: string[]): Metric {
  const dimension = dimensionOf(path);
  return { name, path, dimension, worse: worseOf(path, dimension) };
}

/** The metric a name stands for on an actor of this kind; undefined when there is none. */
export function resolveMetric(name: string, kind: string): Metric | undefined {
  if (name === ERROR_RATE) return { name, path: [], dimension: 'ratio', worse: 'higher' };
  const short = Object.hasOwn(SHORT_NAMES, name) ? SHORT_NAMES[name] : undefined; // not "constructor", "__proto__"
  if (short) return make(name, short);
  const path = name.split('.');
  return summaryLeaves(kind).some((p) => p.join('.') === name) ? make(name, path) : undefined;
}

/** Every name resolveMetric accepts for this kind, short names first (for error messages). */
export function metricNames(kind: string): string[] {
  const shortPaths = new Set(Object.values(SHORT_NAMES).map((p) => p.join('.')));
  const rest = summaryLeaves(kind).map((p) => p.join('.')).filter((p) => !shortPaths.has(p));
  return [...Object.keys(SHORT_NAMES), ERROR_RATE, ...rest];
}

export type Reading = { value: number } | { missing: string };

/** A metric's value in a result; "missing" says why there is none (never a silent 0). */
export function readMetric(actor: ActorResult, m: Metric): Reading {
  const s = actor.summary;
  if (m.name === ERROR_RATE) return s.requests > 0 ? { value: s.failures / s.requests } : { missing: 'no requests were completed' };
  if (m.dimension === 'duration' && m.path[0] === 'latencyMs' && s.requests - s.failures <= 0) return { missing: 'no successful answer to time' };
  let v: unknown = s;
  for (const k of m.path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? { value: v } : { missing: `the result has no summary.${m.path.join('.')}` };
}

function trim(x: number, digits: number): string {
  return String(Number(x.toFixed(digits)));
}

export function formatValue(v: number, d: Dimension): string {
  if (d === 'duration') return formatMs(v);
  if (d === 'rate') return `${trim(v, v >= 100 ? 0 : 1)} rps`;
  if (d === 'ratio') return `${trim(v * 100, 2)}%`;
  return trim(v, 2);
}
