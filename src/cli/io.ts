// What commands may use of the terminal and the process, handed down from main.ts (the only
// module that reads process state).
export interface Io {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
  color: boolean;
  width: number;
  /** Aborted on Ctrl-C / SIGTERM. */
  interrupt: AbortSignal;
}
