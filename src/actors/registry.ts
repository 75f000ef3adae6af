// Which function runs each kind of actor. A new kind: its spec in types.ts, its schema in
// scenario/schema.ts, its runner here.
import type { ActorSpec } from '../types.js';
import type { ActorContext } from './context.js';
import { runLoad, runSweep } from './load.js';
import { runProbe } from './probe.js';
import { runRequest } from './request.js';

type Runners = { [K in ActorSpec['kind']]: (spec: Extract<ActorSpec, { kind: K }>, ctx: ActorContext) => Promise<void> };

export const RUNNERS: Runners = {
  probe: runProbe,
  request: runRequest,
  // Loaded only when a scenario has streams: their client is undici, which no other actor needs.
  stream: async (spec, ctx) => (await import('./stream.js')).runStream(spec, ctx),
  load: runLoad,
  sweep: runSweep,
};

export function runActor(spec: ActorSpec, ctx: ActorContext): Promise<void> {
  return (RUNNERS[spec.kind] as (s: ActorSpec, c: ActorContext) => Promise<void>)(spec, ctx);
}

/** Low-rate actors keep every sample for the analysis; high-rate ones only aggregates. */
export function keepsSamples(spec: ActorSpec): boolean {
  return spec.kind === 'probe' || spec.kind === 'request';
}
