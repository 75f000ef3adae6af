// Golden files: wording is checked against text rendered once from fixed fixtures and reviewed.
// UPDATE_GOLDEN=1 rewrites them (then read the diff before committing).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from './helpers.js';

export function assertGolden(name: string, actual: string): void {
  const file = join(ROOT, 'test/golden', name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  assert.ok(existsSync(file), `${file} is missing: render it with UPDATE_GOLDEN=1 and review it`);
  assert.equal(actual, readFileSync(file, 'utf8'), `differs from ${file}`);
}
