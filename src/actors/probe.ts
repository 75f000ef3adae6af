// The probe: open model. Request i is due at start + i/rate whatever happened before; its latency
// counts from that due time, so a server that stalls cannot hide it by slowing the sender
// (no coordinated omission). In-flight probes are capped; a probe that cannot go out is missed.
import type { ProbeSpec, Sample } from '../types.js';
import { prepareRequest } from '../net/exchange.js';
import { probeConnections } from '../net/connections.js';
import { compileExtractors } from '../protocols/extract.js';
import type { ActorContext } from './context.js';

export async function runProbe(spec: ProbeSpec, ctx: ActorContext): Promise<void> {
  const extractor = Object.keys(spec.extract).length ? compileExtractors(spec.extract) : undefined;
  const connections = probeConnections(ctx.target, spec, extractor);
  const interval = 1000 / spec.ratePerSec;
  const stopAt = Math.min(spec.stopMs ?? Infinity, ctx.durationMs);
  const request = prepareRequest(ctx.target, { path: ctx.target.basePath + spec.path, method: spec.method, headers: spec.headers, body: spec.body, reset: connections.reset });
  const { clock } = ctx;
  let i = 0;
  let inFlight = 0;
  const missed: number[] = [];
  const pending = new Set<Promise<void>>();

  const record = (s: Sample) => {
    ctx.recorder.record(s);
    ctx.onSample(s);
  };
  // A missed probe's latency is at least the time until a slot frees up (or the run ends).
  const flushMissed = () => {
    const now = clock.now();
    for (const due of missed) record({ scheduledMs: due, sentMs: NaN, endMs: now, status: 0, bytes: 0, error: 'missed' });
    missed.length = 0;
  };

  const launch = (due: number, index: number) => {
    if (inFlight >= spec.maxInFlight) {
      missed.push(due);
      return;
    }
    inFlight++;
    const sentMs = clock.now();
    const p = connections.send(index, request, Math.max(1, due + spec.timeoutMs - sentMs), ctx.stop).then((out) => {
      inFlight--;
      const sample: Sample = { scheduledMs: due, sentMs, endMs: clock.now(), status: out.status, bytes: out.bytes };
      if (out.error) sample.error = out.error;
      if (out.ids) sample.ids = out.ids;
      if (out.reused !== undefined) sample.reused = out.reused;
      record(sample);
      if (missed.length) flushMissed();
    });
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  await new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (timer) clearTimeout(timer);
      ctx.stop.removeEventListener('abort', finish);
      resolve();
    };
    const tick = () => {
      timer = undefined;
      if (ctx.stop.aborted) return finish();
      const now = clock.now();
      for (;;) {
        const due = spec.startMs + i * interval;
        if (due >= stopAt || due > now) break;
        launch(due, i);
        i++;
      }
      const next = spec.startMs + i * interval;
      if (next >= stopAt) return finish();
      timer = setTimeout(tick, Math.max(0, next - clock.now()));
    };
    ctx.stop.addEventListener('abort', finish, { once: true });
    tick();
  });
  await Promise.all(pending);
  flushMissed();
  connections.close();
}
