// Faults named for what they are. A request that failed gets one short, stable name that says
// which kind of fault it was (the JSON result counts them per name in summary.errors):
//   ECONNREFUSED, EHOSTUNREACH, ...  nothing listens there (the only case for "is the server running?")
//   ECONNRESET, connection closed    the server reset or closed the connection
//   malformed HTTP (…)               the answer was not HTTP/1.1 as llhttp parses it
//   TLS error (…)                    the TLS handshake or certificate failed
//   timeout, connect timeout         no answer in time
import { MAX_LINE_CHARS, serverText } from './server-text.js';

export type FaultKind = 'refused' | 'reset' | 'malformed-http' | 'tls' | 'timeout' | 'other';

/** Nobody listens at the address: the target is not running (or not there). */
export const NOTHING_LISTENS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN']);
const RESETS = new Set(['ECONNRESET', 'EPIPE', 'connection closed']);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$|HOSTNAME_MISMATCH|ERR_OSSL_)/;

export const MALFORMED = 'malformed HTTP';
export const TLS = 'TLS error';

/** The name of a fault from an error's code (and, for a parser error, its reason). */
export function faultName(code: string | undefined, name?: string, message?: string): string {
  if (name === 'HTTPParserError' || (code !== undefined && code.startsWith('HPE_'))) {
    const reason = /\(([^)]*)\)\s*$/.exec(message ?? '')?.[1] ?? code ?? 'unparsable response';
    return `${MALFORMED} (${serverText(reason, 80)})`;
  }
  if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') return `${MALFORMED} (content-length mismatch)`;
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return `${MALFORMED} (response too large)`;
  if (code !== undefined && TLS_CODE.test(code)) return `${TLS} (${code})`;
  if (code !== undefined) return serverText(code, 80);
  return serverText(message ?? 'error', MAX_LINE_CHARS);
}

export function faultKind(error: string): FaultKind {
  if (NOTHING_LISTENS.has(error)) return 'refused';
  if (RESETS.has(error)) return 'reset';
  if (error.startsWith(MALFORMED)) return 'malformed-http';
  if (error.startsWith(TLS)) return 'tls';
  if (error === 'timeout' || error === 'connect timeout') return 'timeout';
  return 'other';
}
