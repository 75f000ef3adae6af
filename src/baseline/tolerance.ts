// --max-regression: how much worse than the baseline a metric may get. "10%" for every compared
// metric, "p99=20%" for one (repeatable, or comma-separated), "max=off" to leave one out.
// errorRate's tolerance is in percentage points ("errorRate=1%": from 0.5% to at most 1.5%).

/** Metrics a baseline can compare (each needs a per-bucket series for the noise test). */
export const BASELINE_METRICS = ['rps', 'p50', 'p90', 'p99', 'max', 'mean', 'errorRate'] as const;
export type BaselineMetric = (typeof BASELINE_METRICS)[number];
/** Compared unless switched off, or given a tolerance of their own. */
export const DEFAULT_COMPARED: readonly BaselineMetric[] = ['rps', 'p50', 'p90', 'p99'];
export const DEFAULT_TOLERANCE = 0.1;

export interface Tolerances {
  all: number;
  /** A fraction (0.2 = 20%), or off. */
  perMetric: Partial<Record<BaselineMetric, number | 'off'>>;
}

export const defaultTolerances = (): Tolerances => ({ all: DEFAULT_TOLERANCE, perMetric: {} });

function percent(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  if (!m) throw new Error(`${what}: expected a percentage like "10%", got "${text}"`);
  return Number(m[1]) / 100;
}

/** Parse one --max-regression value onto the tolerances so far; throws with a readable message. */
export function parseTolerance(text: string, previous: Tolerances): Tolerances {
  const next: Tolerances = { all: previous.all, perMetric: { ...previous.perMetric } };
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      next.all = percent(part, 'the tolerance');
      continue;
    }
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!(BASELINE_METRICS as readonly string[]).includes(name)) {
      throw new Error(`"${name}" is not a metric a baseline compares; use one of ${BASELINE_METRICS.join(', ')}`);
    }
    next.perMetric[name as BaselineMetric] = value === 'off' ? 'off' : percent(value, name);
  }
  return next;
}

/** The metrics compared, each with its tolerance. */
export function comparedMetrics(t: Tolerances): { metric: BaselineMetric; tolerance: number }[] {
  return BASELINE_METRICS.filter((m) => (DEFAULT_COMPARED.includes(m) || typeof t.perMetric[m] === 'number') && t.perMetric[m] !== 'off').map((metric) => {
    const own = t.perMetric[metric];
    return { metric, tolerance: typeof own === 'number' ? own : t.all };
  });
}

export function formatTolerances(t: Tolerances): string {
  const parts = comparedMetrics(t).map((c) => `${c.metric} ${c.metric === 'errorRate' ? '+' : ''}${Number((c.tolerance * 100).toFixed(2))}${c.metric === 'errorRate' ? ' pts' : '%'}`);
  return parts.join(', ');
}
