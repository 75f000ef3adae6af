// Connections of the probe, and whether each request went out on a new or a reused one.
// Head-of-line blocking depends on it: a keep-alive connection stays pinned to the server worker
// that accepted it (even while that worker is busy), a new connection goes to whichever worker
// accepts it first.
import { Client, Pool, type Dispatcher } from 'undici';
import { undiciTlsOptions, type TlsTrust } from './tls.js';

/** Where a request's connection facts land; pass one per request (see exchange()). */
export interface ConnInfo {
  /** Set when the response starts: false on the connection's first response, true after. */
  reused?: boolean;
  client?: TrackingClient;
}

/** The request option under which exchange() hands its ConnInfo to the client that sends it. */
export const CONN_INFO = Symbol('wobbly.connInfo');

/** An undici Client (one connection at a time) that counts responses per socket. */
export class TrackingClient extends Client {
  private responsesOnSocket = 0;

  constructor(origin: string | URL, options?: Client.Options) {
    super(origin, options);
    this.on('connect', () => {
      this.responsesOnSocket = 0;
    });
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const info = (opts as { [CONN_INFO]?: ConnInfo })[CONN_INFO];
    if (info) info.client = this;
    return super.dispatch(opts, handler);
  }

  /**
   * Called when a response's headers arrive. With one request at a time per connection
   * (pipelining 1), the socket that carries it is the client's current one.
   */
  noteResponse(info: ConnInfo): void {
    info.reused = this.responsesOnSocket++ > 0;
  }
}

/** How a probe sends its requests: which dispatcher each one goes to. */
export interface ProbeConnections {
  /** The dispatcher for the i-th request. */
  next(i: number): Dispatcher;
  /** Extra request options (connection: new closes the socket after each response). */
  reset: boolean;
  close(): Promise<void>;
}

export function probeConnections(origin: string, mode: { connection?: 'keep-alive' | 'new'; connections?: number; maxInFlight: number }, trust?: TlsTrust): ProbeConnections {
  const clientOptions = { pipelining: 1, keepAliveTimeout: 30_000, ...undiciTlsOptions(trust) };
  if (mode.connections !== undefined && mode.connection !== 'new') {
    // A fixed set, used in turn: a request waits for its connection like a client with a
    // fixed keep-alive pool (or a proxy's upstream connections) would.
    const clients = Array.from({ length: mode.connections }, () => new TrackingClient(origin, clientOptions));
    return {
      next: (i) => clients[i % clients.length]!,
      reset: false,
      close: async () => {
        await Promise.all(clients.map((c) => c.destroy().catch(() => undefined)));
      },
    };
  }
  const pool = new Pool(origin, {
    ...clientOptions,
    connections: mode.maxInFlight,
    factory: (o, opts) => new TrackingClient(o, opts as Client.Options),
  });
  return {
    next: () => pool,
    reset: mode.connection === 'new',
    close: () => pool.destroy().catch(() => undefined),
  };
}
