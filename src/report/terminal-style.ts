// The terminal's building blocks, shared by every terminal text (run report, baseline, diff):
// ANSI colour when asked for, and borderless aligned tables.
import Table from 'cli-table3';

export function paint(on: boolean, code: number, text: string): string {
  return on ? `\u001b[${code}m${text}\u001b[0m` : text;
}

export function table(head: string[], rows: (string | number)[][], align?: ('left' | 'right')[]): string {
  const t = new Table({
    head,
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
    chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: ' ' },
    colAligns: align ?? head.map(() => 'left' as const),
  });
  for (const r of rows) t.push(r.map(String));
  return t.toString();
}
