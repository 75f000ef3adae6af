// The target URL, parsed once (the scenario is validated before, so it parses): everything the
// engine, the actors and the calibration need of it.
import type { TlsTrust } from './tls.js';

export interface Target {
  /** As the scenario gave it. */
  url: string;
  /** scheme://host:port */
  origin: string;
  /** Path prefix of the target URL ("" or "/api"), without a trailing slash. */
  basePath: string;
  /** Host name or address to connect to (IPv6 without its brackets). */
  host: string;
  port: number;
  tls: boolean;
  /** The Host header: host[:port] as in the URL. */
  hostHeader: string;
  /** Certificates to trust (--ca, --insecure); the system's only when absent. */
  trust?: TlsTrust;
}

export function parseTarget(url: string, trust?: TlsTrust): Target {
  const u = new URL(url);
  const tls = u.protocol === 'https:';
  return {
    url,
    origin: u.origin,
    basePath: u.pathname.replace(/\/+$/, ''),
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port || (tls ? 443 : 80)),
    tls,
    hostHeader: u.host,
    ...(trust ? { trust } : {}),
  };
}
