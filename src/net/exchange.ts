// One request as a promise on wobbly's own HTTP/1.1 connection (src/load/http1.ts): for the probe,
// the request actor and the calibrations, which send a few hundred requests a second at most, so
// a promise and a timer per request cost nothing there. The same client as the load's: the same
// strict parsing and fault names everywhere, no undici in the run thread, and no Buffer per read.
import { encodeRequest, Http1Connection } from '../load/http1.js';
import type { Extractor } from '../protocols/extract.js';
import type { Target } from './target.js';
import { VERSION } from '../version.js';

export interface HttpRequest {
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Close the connection after the response (a new connection per request). */
  reset?: boolean;
}

/** A request encoded once, sent as it is every time. */
export interface PreparedRequest {
  bytes: Buffer;
  isHead: boolean;
}

export interface HttpOutcome {
  status: number;
  /** Body bytes, framing not counted. */
  bytes: number;
  error?: string;
  ids?: Record<string, string>;
  /** false when the response came on a connection's first request. */
  reused?: boolean;
}

export const USER_AGENT = `wobbly/${VERSION}`;

/** Encodes the request for this target (throws on CR/LF in it: the scenario check rejects those first). */
export function prepareRequest(target: Target, req: HttpRequest): PreparedRequest {
  const headers = req.reset && !Object.keys(req.headers).some((h) => h.toLowerCase() === 'connection') ? { ...req.headers, Connection: 'close' } : req.headers;
  return { bytes: encodeRequest(req.method, req.path, target.hostHeader, headers, req.body, USER_AGENT), isHead: req.method === 'HEAD' };
}

/** A connection that keeps what extraction reads (headers, the body's first MiB) when asked to. */
export function connectionFor(target: Target, extractor?: Extractor): Http1Connection {
  return new Http1Connection(
    { host: target.host, port: target.port, tls: target.tls, ...(target.trust ? { trust: target.trust } : {}) },
    { keepHeaders: extractor?.hasResponse ?? false, keepBody: extractor?.hasBody ?? false },
  );
}

/**
 * Sends one request on `conn` (which must be idle) and reads the answer to its end. Never throws:
 * failures come back as `error` ("timeout" after timeoutMs, "unfinished" when `stop` fired first,
 * else the fault's name).
 */
export function exchange(conn: Http1Connection, req: PreparedRequest, timeoutMs: number, stop: AbortSignal, extractor?: Extractor): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    if (stop.aborted) return resolve({ status: 0, bytes: 0, error: 'unfinished' });
    const onStop = () => conn.abort('unfinished');
    const timer = setTimeout(() => conn.abort('timeout'), Math.max(1, timeoutMs));
    stop.addEventListener('abort', onStop, { once: true });
    conn.send(req.bytes, req.isHead, (error, res) => {
      clearTimeout(timer);
      stop.removeEventListener('abort', onStop);
      const outcome: HttpOutcome = { status: res.status, bytes: res.bodyBytes };
      if (error) outcome.error = error;
      else {
        outcome.reused = res.reused;
        if (extractor?.hasResponse) {
          const ids = extractor.fromResponse(res.headers ?? {}, extractor.hasBody ? res.body?.toString('utf8') : undefined);
          if (Object.keys(ids).length) outcome.ids = ids;
        }
      }
      resolve(outcome);
    });
  });
}
