// `wobbly diff A.json B.json`: two saved results side by side.
import { basename } from 'node:path';
import { renderDiff } from '../report/diff.js';
import { readResult } from '../result/read.js';
import { EXIT } from './exit-codes.js';
import type { Io } from './io.js';

export async function diffCommand(a: string, b: string, io: Io): Promise<number> {
  const [ra, rb] = [await readResult(a), await readResult(b)];
  const names: [string, string] = basename(a) === basename(b) ? [a, b] : [basename(a), basename(b)];
  io.out(renderDiff(ra, rb, { color: io.color, names }));
  return EXIT.ok;
}
