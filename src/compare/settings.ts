// --vary NAME=v1,v2 … → every combination of settings (a matrix when repeated).

export type Settings = Record<string, string>;

export interface Vary {
  name: string;
  values: string[];
}

export function parseVary(text: string): Vary | string {
  const eq = text.indexOf('=');
  if (eq <= 0) return `expected NAME=v1,v2,…, got "${text}"`;
  const name = text.slice(0, eq).trim();
  const values = text.slice(eq + 1).split(',').map((v) => v.trim()).filter(Boolean);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `"${name}" is not a valid name (letters, digits, _)`;
  if (!values.length) return `no values for ${name}`;
  return { name, values };
}

export function combinations(varies: readonly Vary[]): Settings[] {
  let out: Settings[] = [{}];
  for (const v of varies) out = out.flatMap((s) => v.values.map((value) => ({ ...s, [v.name]: value })));
  return out;
}

export function settingsLabel(s: Settings): string {
  return Object.entries(s).map(([k, v]) => `${k}=${v}`).join(' ');
}

/** Order settings from "smallest" to "largest": numerically where values are numbers. */
export function compareSettings(a: Settings, b: Settings): number {
  for (const k of Object.keys(a)) {
    const x = a[k]!;
    const y = b[k] ?? '';
    const nx = Number(x);
    const ny = Number(y);
    const d = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Which varied names are client parameters (the load wobbly sends: connections, rate, amount…)
 * rather than server settings: a scenario param whose value changes the scenario but never its
 * server section. Names that are not params (environment variables) are server settings.
 */
export function clientParams(plans: readonly { settings: Settings; scenario: { params: Record<string, unknown>; server?: unknown } }[]): Set<string> {
  const out = new Set<string>();
  const names = new Set(plans.flatMap((p) => Object.keys(p.settings)));
  for (const name of names) {
    if (!plans.every((p) => name in p.scenario.params)) continue;
    // Plans that differ in this name only: the same server section means a client parameter.
    const byOthers = new Map<string, string>();
    let server = false;
    for (const p of plans) {
      const others = JSON.stringify(Object.entries(p.settings).filter(([k]) => k !== name).sort());
      const section = JSON.stringify(p.scenario.server ?? null);
      const seen = byOthers.get(others);
      if (seen !== undefined && seen !== section) server = true;
      byOthers.set(others, section);
    }
    if (!server) out.add(name);
  }
  return out;
}

/** The settings split into the client's and the server's. */
export function splitSettings(s: Settings, client: ReadonlySet<string>): { client: Settings; server: Settings } {
  const pick = (keep: boolean) => Object.fromEntries(Object.entries(s).filter(([k]) => client.has(k) === keep));
  return { client: pick(true), server: pick(false) };
}
