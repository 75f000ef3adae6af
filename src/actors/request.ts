// The request actor: `count` identical requests at time `at`, each on its own new connection, so
// the heavy request never queues behind a probe on a shared socket.
import type { RequestSpec, Sample } from '../types.js';
import { connectionFor, exchange, prepareRequest } from '../net/exchange.js';
import { compileExtractors } from '../protocols/extract.js';
import type { ActorContext } from './context.js';

export async function runRequest(spec: RequestSpec, ctx: ActorContext): Promise<void> {
  const extractor = Object.keys(spec.extract).length ? compileExtractors(spec.extract) : undefined;
  const request = prepareRequest(ctx.target, { path: ctx.target.basePath + spec.path, method: spec.method, headers: spec.headers, body: spec.body });
  const { clock } = ctx;

  const started = await waitUntil(ctx, spec.atMs);
  if (!started) return;
  const one = async () => {
    const conn = connectionFor(ctx.target, extractor);
    const sentMs = clock.now();
    const out = await exchange(conn, request, spec.timeoutMs, ctx.stop, extractor);
    const sample: Sample = { scheduledMs: sentMs, sentMs, endMs: clock.now(), status: out.status, bytes: out.bytes };
    if (out.error) sample.error = out.error;
    if (out.ids) sample.ids = out.ids;
    ctx.recorder.record(sample);
    ctx.onSample(sample);
    conn.close();
  };
  await Promise.all(Array.from({ length: spec.count }, one));
}

/** Resolves true at time atMs of the run, false if the run stops first. */
export function waitUntil(ctx: ActorContext, atMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (ctx.stop.aborted) return resolve(false);
    const onStop = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      ctx.stop.removeEventListener('abort', onStop);
      resolve(true);
    }, Math.max(0, atMs - ctx.clock.now()));
    ctx.stop.addEventListener('abort', onStop, { once: true });
  });
}
