// One row per setting: the figures a user compares (median and spread over repeats), and the
// recommendation: the smallest setting within 5% of the best throughput with no starvation.
import type { RunResult } from '../result/types.js';
import { blocksRecommendation, compareFiguresOf } from '../verdicts/registry.js';
import { compareSettings, settingsLabel, type Settings } from './settings.js';

export interface CompareRun {
  settings: Settings;
  result: RunResult;
}

export interface Figure {
  median: number;
  min: number;
  max: number;
}

export interface CompareRow {
  settings: Settings;
  label: string;
  runs: number;
  actor: string;
  throughputRps: Figure;
  p50Ms: Figure;
  p99Ms: Figure;
  effectiveConcurrency?: Figure;
  /** Verdict ids detected in any of the runs. */
  detected: string[];
  /** Verdict ids inconclusive in some run (and detected in none). */
  inconclusive: string[];
}

export interface Recommendation {
  settings: Settings;
  label: string;
  reason: string;
}

/** The actor whose throughput matters: the first load-like actor, else the busiest one. */
export function mainActor(result: RunResult): string {
  const entries = Object.entries(result.actors);
  const load = entries.find(([, a]) => a.kind === 'load' || a.kind === 'sweep');
  if (load) return load[0];
  return entries.reduce((best, cur) => (cur[1].summary.requests > best[1].summary.requests ? cur : best))[0];
}

function figure(values: number[]): Figure {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]! };
}

export function summariseRuns(runs: CompareRun[]): CompareRow[] {
  const groups = new Map<string, CompareRun[]>();
  for (const r of runs) {
    const key = settingsLabel(r.settings);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows: CompareRow[] = [];
  for (const [label, group] of groups) {
    const actor = mainActor(group[0]!.result);
    const summaries = group.map((g) => g.result.actors[actor]?.summary).filter((s) => s !== undefined);
    // Steady-state throughput (whole waves) when a pool verdict measured it: the whole-run rate
    // of a short run moves by a wave (N requests) more than the 5% that decides the recommendation.
    const figures = (g: CompareRun) => g.result.verdicts.map(compareFiguresOf);
    const steady = group.map((g) => figures(g).find((f) => f.throughputRps !== undefined)?.throughputRps ?? g.result.actors[actor]?.summary.rps ?? 0);
    const concurrency = group.flatMap((g) => {
      const c = figures(g).find((f) => f.effectiveConcurrency !== undefined)?.effectiveConcurrency;
      return c === undefined ? [] : [c];
    });
    rows.push({
      settings: group[0]!.settings,
      label,
      runs: group.length,
      actor,
      throughputRps: figure(steady),
      p50Ms: figure(summaries.map((s) => s.latencyMs.p50)),
      p99Ms: figure(summaries.map((s) => s.latencyMs.p99)),
      ...(concurrency.length ? { effectiveConcurrency: figure(concurrency) } : {}),
      detected: [...new Set(group.flatMap((g) => g.result.verdicts.filter((v) => v.status === 'detected').map((v) => v.id)))],
      inconclusive: [],
    });
    const last = rows[rows.length - 1]!;
    last.inconclusive = [...new Set(group.flatMap((g) => g.result.verdicts.filter((v) => v.status === 'inconclusive').map((v) => v.id)))].filter((id) => !last.detected.includes(id));
  }
  return rows.sort((a, b) => compareSettings(a.settings, b.settings));
}

export function recommend(rows: CompareRow[]): Recommendation | undefined {
  if (!rows.length) return undefined;
  const best = Math.max(...rows.map((r) => r.throughputRps.median));
  // An inconclusive starvation verdict is no proof of health either.
  const healthy = rows.filter((r) => ![...r.detected, ...r.inconclusive].some(blocksRecommendation));
  const good = healthy.filter((r) => r.throughputRps.median >= 0.95 * best);
  const pick = good[0];
  const bestRow = rows.find((r) => r.throughputRps.median === best)!;
  const fmt = (x: number) => x.toFixed(1);
  if (!pick) {
    return {
      settings: bestRow.settings,
      label: bestRow.label,
      reason: `no setting was free of pool starvation; ${bestRow.label} had the best throughput (${fmt(best)} req/s). Try larger values.`,
    };
  }
  const smaller = rows.filter((r) => compareSettings(r.settings, pick.settings) < 0);
  const why = smaller.length
    ? ` Smaller settings fall short: ${smaller.map((r) => `${r.label} ${fmt(r.throughputRps.median)} req/s${r.detected.length ? ` (${r.detected.join(', ')})` : ''}`).join('; ')}.`
    : '';
  return {
    settings: pick.settings,
    label: pick.label,
    reason:
      `${pick.label} is the smallest setting within 5% of the best throughput (${fmt(pick.throughputRps.median)} vs ${fmt(best)} req/s) with no pool-starvation verdict.` +
      why +
      (rows.some((r) => compareSettings(r.settings, pick.settings) > 0) ? ' Larger settings cost more (threads, memory) without more throughput.' : ''),
  };
}
