// Connections of the probe, and whether each request went out on a new or a reused one.
// Head-of-line blocking depends on it: a keep-alive connection stays pinned to the server worker
// that accepted it (even while that worker is busy), a new connection goes to whichever worker
// accepts it first.
import type { Http1Connection } from '../load/http1.js';
import type { Extractor } from '../protocols/extract.js';
import { connectionFor, exchange, type HttpOutcome, type PreparedRequest } from './exchange.js';
import type { Target } from './target.js';

/** How a probe sends its requests: which connection each one goes to. */
export interface ProbeConnections {
  /** Send the i-th request; it may wait for its connection (a fixed set), inside its timeout. */
  send(i: number, req: PreparedRequest, timeoutMs: number, stop: AbortSignal): Promise<HttpOutcome>;
  /** connection: new: the request asks the server to close after its response. */
  reset: boolean;
  close(): void;
}

export interface ProbeConnectionMode {
  connection?: 'keep-alive' | 'new';
  connections?: number;
  maxInFlight: number;
}

export function probeConnections(target: Target, mode: ProbeConnectionMode, extractor?: Extractor): ProbeConnections {
  if (mode.connections !== undefined && mode.connection !== 'new') return fixedSet(target, mode.connections, extractor);
  // Otherwise a pool: the connection used last if it is idle (one stays warm at a low rate), else a
  // new one. The probe caps requests in flight, so at most maxInFlight are open.
  const idle: Http1Connection[] = [];
  const all = new Set<Http1Connection>();
  const reset = mode.connection === 'new';
  return {
    reset,
    send: async (_i, req, timeoutMs, stop) => {
      const conn = idle.pop() ?? connectionFor(target, extractor);
      all.add(conn);
      const out = await exchange(conn, req, timeoutMs, stop, extractor);
      // connection: new closes it here too, whether or not the server honoured Connection: close.
      if (reset) conn.close();
      idle.push(conn);
      return out;
    },
    close: () => {
      for (const c of all) c.close();
    },
  };
}

/**
 * A fixed set, used in turn: a request waits for its connection like a client with a fixed
 * keep-alive pool (or a proxy's upstream connections) would. The wait counts in its timeout.
 */
function fixedSet(target: Target, size: number, extractor?: Extractor): ProbeConnections {
  const conns = Array.from({ length: size }, () => connectionFor(target, extractor));
  // The tail of each connection's queue: a request goes out when the one before it is done.
  const tails: Promise<void>[] = conns.map(() => Promise.resolve());
  return {
    reset: false,
    send: (i, req, timeoutMs, stop) =>
      new Promise<HttpOutcome>((resolve) => {
        const k = i % size;
        const queued = performance.now();
        // While it waits for its turn, the request can time out or be stopped; then it is never sent.
        let waiting = true;
        const give = (error: string) => {
          if (!waiting) return;
          waiting = false;
          clearTimeout(timer);
          stop.removeEventListener('abort', onStop);
          resolve({ status: 0, bytes: 0, error });
        };
        const onStop = () => give('unfinished');
        const timer = setTimeout(() => give('timeout'), Math.max(1, timeoutMs));
        if (stop.aborted) return give('unfinished');
        stop.addEventListener('abort', onStop, { once: true });
        tails[k] = tails[k]!.then(async () => {
          if (!waiting) return;
          waiting = false;
          clearTimeout(timer);
          stop.removeEventListener('abort', onStop);
          resolve(await exchange(conns[k]!, req, timeoutMs - (performance.now() - queued), stop, extractor));
        });
      }),
    close: () => {
      for (const c of conns) c.close();
    },
  };
}
