// One row per setting: the figures a user compares (median and spread over repeats), and the
// recommendation: the smallest setting within 5% of the best throughput with no starvation.
import type { RunResult } from '../result/types.js';
import { blocksRecommendation, compareFiguresOf } from '../verdicts/registry.js';
import { compareSettings, settingsLabel, splitSettings, type Settings } from './settings.js';

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
  /** With client parameters varied (connections, rate…): a server setting per client load. */
  perClient?: { client: Settings; clientLabel: string; settings: Settings; label: string; reason: string }[];
  /** The varied names that are the client's, not the server's. */
  clientParams?: string[];
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

/**
 * The recommendation. Client parameters (the load wobbly sends) are varied but never recommended:
 * the server setting is chosen per client load, comparing rows of the same client load only.
 */
export function recommend(rows: CompareRow[], client: ReadonlySet<string> = new Set()): Recommendation | undefined {
  if (!rows.length) return undefined;
  const varied = [...new Set(rows.flatMap((r) => Object.keys(r.settings)))].filter((k) => client.has(k));
  if (!varied.length) return recommendServer(rows);
  const groups = new Map<string, CompareRow[]>();
  for (const r of rows) {
    const key = settingsLabel(splitSettings(r.settings, client).client);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const perClient: NonNullable<Recommendation['perClient']> = [];
  for (const [clientLabel, group] of groups) {
    const serverRows = group.map((r) => ({ ...r, settings: splitSettings(r.settings, client).server, label: settingsLabel(splitSettings(r.settings, client).server) }));
    const rec = recommendServer(serverRows.filter((r) => Object.keys(r.settings).length));
    if (rec) perClient.push({ client: splitSettings(group[0]!.settings, client).client, clientLabel, settings: rec.settings, label: rec.label, reason: rec.reason });
  }
  const names = varied.join(', ');
  const lines = perClient.map((p) => `With ${p.clientLabel}: ${p.reason}`);
  const first = perClient[0];
  return {
    settings: first?.settings ?? {},
    label: `a server setting per client load (${names}: the load wobbly sent, not a server setting)`,
    reason: lines.join(' ') || `only ${names} was varied: the load wobbly sent; vary a server setting to get a recommendation.`,
    perClient,
    clientParams: varied,
  };
}

function recommendServer(rows: CompareRow[]): Recommendation | undefined {
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
