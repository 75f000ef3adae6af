// The errors of starting a server, apart from the code that starts one: the CLI reports them
// without loading that code (and its HTTP client) first.
export class ServerStartError extends Error {
  constructor(
    message: string,
    readonly logTail: string[],
  ) {
    super(message);
    this.name = 'ServerStartError';
  }
}

/** Interrupted (Ctrl-C, SIGTERM) while the server was starting: it is stopped again. */
export class ServerStartInterrupted extends ServerStartError {
  constructor(
    logTail: string[],
    readonly pid: number | undefined,
  ) {
    super('interrupted while the server was starting', logTail);
    this.name = 'ServerStartInterrupted';
  }
}
