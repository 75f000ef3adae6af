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
  /** A live progress line: on a terminal only, and not with NO_COLOR. */
  progress?: boolean;
  /** Nice value of the load threads while probes run (WOBBLY_LOAD_NICE; unset: the engine's default). */
  loadNice?: number;
  /** Set when running in GitHub Actions (GITHUB_ACTIONS=true): annotations and the step summary file. */
  github?: { stepSummary?: string };
}

export interface TerminalFacts {
  env: Record<string, string | undefined>;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  columns?: number;
}

/** The settings main.ts derives from the process: no colours nor progress off a terminal or with NO_COLOR. */
export function terminalSettings(f: TerminalFacts): Pick<Io, 'isTTY' | 'color' | 'width' | 'progress' | 'github'> {
  const noColor = Boolean(f.env.NO_COLOR) || f.env.TERM === 'dumb';
  const isTTY = f.stdoutIsTTY && f.stderrIsTTY;
  return {
    isTTY,
    color: f.stdoutIsTTY && !noColor,
    width: Math.min(f.columns || 100, 120),
    progress: isTTY && !noColor,
    ...(f.env.GITHUB_ACTIONS === 'true' ? { github: f.env.GITHUB_STEP_SUMMARY ? { stepSummary: f.env.GITHUB_STEP_SUMMARY } : {} } : {}),
  };
}

/** Run settings main.ts takes from the environment: WOBBLY_LOAD_NICE (a number; anything else is ignored). */
export function runSettings(env: Record<string, string | undefined>): Pick<Io, 'loadNice'> {
  const nice = env.WOBBLY_LOAD_NICE === undefined || env.WOBBLY_LOAD_NICE.trim() === '' ? NaN : Number(env.WOBBLY_LOAD_NICE);
  return Number.isFinite(nice) ? { loadNice: nice } : {};
}
