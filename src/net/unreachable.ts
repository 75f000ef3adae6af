// The target cannot be measured at all; a light module so that the CLI can report it without
// loading the HTTP clients.
import { faultKind } from '../protocols/faults.js';

/**
 * The target cannot be measured: nothing listens there ("is the server running?" only then), or
 * it answers every calibration request with a fault (malformed HTTP, a reset, a TLS error).
 */
export class TargetUnreachableError extends Error {
  constructor(
    readonly target: string,
    readonly code: string,
  ) {
    const kind = faultKind(code);
    super(
      kind === 'refused' || code === 'connect timeout'
        ? `cannot reach ${target} (${code}): is the server running?`
        : `${target} is listening, but every request before the run failed (${code}${kind === 'tls' ? ': check the certificate and the https:// in the target' : kind === 'malformed-http' ? ': the answer is not valid HTTP/1.1' : ''})`,
    );
    this.name = 'TargetUnreachableError';
  }
}
