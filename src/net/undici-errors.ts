// undici's errors named as wobbly names faults (the stream actor's client is undici's).
import { faultName } from '../protocols/faults.js';

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
      return e?.name === 'AbortError' ? 'aborted' : faultName(undefined, e?.name, e?.message);
    default:
      return faultName(code, e?.name, e?.message);
  }
}
