// Which server certificates to trust (--ca FILE, --insecure), in the two shapes wobbly's clients
// take: node:tls connect options (the load's own HTTP/1.1 client, in worker threads too: plain
// data, so it goes in workerData) and undici's `connect` option (probes, requests, streams,
// calibration, the doctor's document). No undici import here: the load threads need only this.

export interface TlsTrust {
  /** Accept any certificate (a self-signed test server): the connection is encrypted, not authenticated. */
  insecure?: boolean;
  /** PEM certificate(s) to trust in addition to the system's (a private CA, a self-signed server). */
  ca?: string;
}

/** Options for node:tls connect(); empty without trust settings (the defaults verify). */
export function tlsConnectOptions(trust: TlsTrust | undefined): { rejectUnauthorized?: boolean; ca?: string } {
  if (!trust) return {};
  return { ...(trust.insecure ? { rejectUnauthorized: false } : {}), ...(trust.ca !== undefined ? { ca: trust.ca } : {}) };
}

/** Options to spread into an undici Client/Pool/Agent constructor. */
export function undiciTlsOptions(trust: TlsTrust | undefined): { connect?: { rejectUnauthorized?: boolean; ca?: string } } {
  const connect = tlsConnectOptions(trust);
  return Object.keys(connect).length ? { connect } : {};
}

/** What a TLS failure message suggests. */
export const TLS_HINT = 'trust its certificate with --ca FILE, or use --insecure for a test server (and check the https:// in the target)';
