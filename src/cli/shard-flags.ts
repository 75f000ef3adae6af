// `wobbly run --shard I/N --start-at ISO`: the flags read and checked before anything is sent,
// the scenario split, the clock offset measured before the run and recorded with its data.
import { estimateClockOffset } from '../shard/clock-offset.js';
import { parseShard, parseStartAt, type ShardRef } from '../shard/shard-ref.js';
import { splitScenario } from '../shard/split.js';
import type { ClockOffset, RunData, ShardData } from '../run-data/types.js';
import type { Scenario } from '../types.js';

export interface ShardPlan {
  shard?: ShardRef;
  startAt?: Date;
  /** The whole scenario → this process's share (the whole kept for the run data). */
  split(whole: Scenario): Scenario;
  /** Measured before the run (shards only); undefined: not a shard. */
  beforeRun(scenario: Scenario, stop: AbortSignal): Promise<{ whole: Scenario; clockOffset: ClockOffset | null } | undefined>;
}

export function shardPlan(flags: { shard?: string; startAt?: string }, now: Date): ShardPlan {
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  const startAt = flags.startAt === undefined ? undefined : parseStartAt(flags.startAt, now);
  let whole: Scenario | undefined;
  return {
    ...(shard ? { shard } : {}),
    ...(startAt ? { startAt } : {}),
    split(s) {
      whole = s;
      return shard ? splitScenario(s, shard) : s;
    },
    async beforeRun(scenario, stop) {
      if (!shard || !whole) return undefined;
      // The target as resolved for the run (a started server's port): the same for every shard of one run.
      return { whole: { ...whole, target: scenario.target }, clockOffset: await estimateClockOffset(scenario.target, { stop }) };
    },
  };
}

export function shardData(plan: ShardPlan, before: { whole: Scenario; clockOffset: ClockOffset | null }, data: RunData): ShardData {
  return {
    index: plan.shard!.index,
    count: plan.shard!.count,
    whole: before.whole,
    requestedStartAt: plan.startAt?.toISOString() ?? null,
    startSkewMs: plan.startAt ? Date.parse(data.startedAt) - plan.startAt.getTime() : null,
    clockOffset: before.clockOffset,
  };
}
