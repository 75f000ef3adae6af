// One HTTP exchange with undici: status, bytes, identities, and an error code users can read.
import type { Dispatcher } from 'undici';
import type { Extractor } from '../protocols/extract.js';
import { CONN_INFO, type ConnInfo } from './connections.js';

export interface HttpRequest {
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Ask for the connection to be closed after the response (a new connection per request). */
  reset?: boolean;
}

export interface HttpOutcome {
  status: number;
  bytes: number;
  error?: string;
  ids?: Record<string, string>;
  /** Set when `conn` was given and the dispatcher tracks connections. */
  reused?: boolean;
}

/** Bodies kept for extraction are cut here: identities live in the first bytes. */
const MAX_BODY_FOR_EXTRACT = 1 << 20;

/**
 * Send one request and read its body to the end. Never throws: failures come back as `error`
 * ("timeout" after timeoutMs, "unfinished" when `stop` fired first, else the socket error code).
 */
export async function exchange(
  dispatcher: Dispatcher,
  origin: string,
  req: HttpRequest,
  timeoutMs: number,
  stop: AbortSignal,
  extractor?: Extractor,
  conn?: ConnInfo,
): Promise<HttpOutcome> {
  const controller = new AbortController();
  let reason: 'timeout' | 'unfinished' | undefined;
  const timer = setTimeout(() => {
    reason = 'timeout';
    controller.abort();
  }, timeoutMs);
  const onStop = () => {
    reason ??= 'unfinished';
    controller.abort();
  };
  if (stop.aborted) onStop();
  else stop.addEventListener('abort', onStop, { once: true });
  let status = 0;
  let bytes = 0;
  try {
    const res = await dispatcher.request({
      origin,
      path: req.path,
      method: req.method as Dispatcher.HttpMethod,
      headers: req.headers,
      body: req.body,
      signal: controller.signal,
      headersTimeout: 0,
      bodyTimeout: 0,
      ...(req.reset ? { reset: true } : {}),
      ...(conn ? { [CONN_INFO]: conn } : {}),
    });
    conn?.client?.noteResponse(conn);
    status = res.statusCode;
    const keepBody = extractor?.hasBody ?? false;
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      bytes += buf.length;
      if (keepBody && bytes <= MAX_BODY_FOR_EXTRACT) chunks.push(buf);
    }
    const outcome: HttpOutcome = { status, bytes };
    if (conn?.reused !== undefined) outcome.reused = conn.reused;
    if (extractor?.hasResponse) {
      const ids = extractor.fromResponse(res.headers, keepBody ? Buffer.concat(chunks).toString('utf8') : undefined);
      if (Object.keys(ids).length) outcome.ids = ids;
    }
    return outcome;
  } catch (err) {
    return { status, bytes, error: reason ?? errorCode(err) };
  } finally {
    clearTimeout(timer);
    stop.removeEventListener('abort', onStop);
  }
}

/** A short code for a network error: ECONNREFUSED, ECONNRESET, connection closed, ... */
export function errorCode(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string }; message?: string; name?: string };
  const code = e?.cause?.code ?? e?.code;
  switch (code) {
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'connection closed';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connect timeout';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'timeout';
    case 'UND_ERR_ABORTED':
      return 'aborted';
    case undefined:
      return e?.name === 'AbortError' ? 'aborted' : (e?.message ?? 'error');
    default:
      return code;
  }
}

/** Errors meaning nobody is listening (the target is down), as opposed to a slow or failing server. */
export const DOWN_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'connection closed']);
