// A scenario's share for one shard: every actor's connections, amounts, streams and request counts
// split so that the N shares add up exactly (remainders to the first shards), and the open-model
// schedules split by phase so that the shards' schedules together are the original one: shard i
// sends probe i, i+N, i+2N … of the original fixed-rate schedule (rate R/N, offset i/R), and
// opens stream i, i+N … at its original time. A pure function: Scenario in, Scenario out.
import { InputError } from '../input-error.js';
import type { ActorSpec, Scenario } from '../types.js';
import { formatShard, type ShardRef } from './shard-ref.js';

/** Item i, i+N, i+2N … of `total` items: ceil((total − i) / N), so the first shards take the remainder. */
export function shareOf(total: number, shard: ShardRef): number {
  return Math.max(0, Math.ceil((total - shard.index) / shard.count));
}

/** The shard's part of a scenario; InputError lists every actor that cannot be split that far. */
export function splitScenario(scenario: Scenario, shard: ShardRef): Scenario {
  if (shard.count === 1) return scenario;
  const problems: string[] = [];
  const actors = scenario.actors.map((a, i) => splitActor(a, shard, (what) => problems.push(`actors[${i}] (${a.name}): ${what}`)));
  if (problems.length) {
    throw new InputError(`--shard ${formatShard(shard)}: the scenario cannot be split into ${shard.count} shards:\n${problems.map((p) => `  ${p}`).join('\n')}\n  use fewer shards, or more connections/streams`);
  }
  return { ...scenario, actors };
}

function splitActor(a: ActorSpec, shard: ShardRef, problem: (what: string) => void): ActorSpec {
  const n = shard.count;
  const atLeastOne = (field: string, total: number) => {
    if (total < n) problem(`${field} ${total} is fewer than ${n} shards (each shard needs at least 1)`);
    return shareOf(total, shard);
  };
  switch (a.kind) {
    case 'probe': {
      const interval = 1000 / a.ratePerSec;
      const split = { ...a, ratePerSec: a.ratePerSec / n, startMs: a.startMs + shard.index * interval };
      // A fixed set of keep-alive connections is shared out; each shard keeps at least one.
      if (a.connections !== undefined) split.connections = Math.max(1, shareOf(a.connections, shard));
      return split;
    }
    case 'request':
      // count 1: the whole request goes to shard 0 (the others send none of it).
      return { ...a, count: shareOf(a.count, shard) };
    case 'stream': {
      const streams = atLeastOne('streams', a.streams);
      // Stream k opens at at + k × rampUp / streams; this shard's j-th is k = index + j × N.
      const step = a.rampUpMs / a.streams;
      return { ...a, streams, atMs: a.atMs + shard.index * step, rampUpMs: step * n * streams };
    }
    case 'load': {
      const connections = atLeastOne('connections', a.connections);
      return {
        ...a,
        connections,
        workers: Math.min(a.workers, Math.max(1, connections)),
        ...(a.amount !== undefined ? { amount: shareOf(a.amount, shard) } : {}),
      };
    }
    case 'sweep': {
      const steps = a.steps.map((c, k) => {
        if (c < n) problem(`steps[${k}] ${c} connections is fewer than ${n} shards (each shard needs at least 1)`);
        return shareOf(c, shard);
      });
      return {
        ...a,
        steps,
        workers: Math.min(a.workers, Math.max(1, steps[0] ?? 1)),
        ...(a.amount !== undefined ? { amount: shareOf(a.amount, shard) } : {}),
      };
    }
  }
}
