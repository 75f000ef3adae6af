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
