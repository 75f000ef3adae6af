// The end-to-end test files for `npm test`, the longest first: two run at a time, so starting the
// long ones early keeps the last minutes from being one long file alone (measured one at a time
// on the 2-core machine: fastapi-gating 120 s, readme-examples 99 s, ci 114 s, then 39 s and less).
// The two baseline-gating files are not started together. A file not listed runs after these, in name order.
import { readdirSync } from 'node:fs';

const LONGEST_FIRST = ['fastapi-gating', 'readme-examples', 'ci', 'hostile', 'fastapi-accuracy', 'shards', 'doctor', 'fastapi-pools', 'demo'];
const files = readdirSync('dist/test').filter((f) => f.endsWith('.e2e.test.js')).sort();
const rank = (f) => {
  const i = LONGEST_FIRST.indexOf(f.replace(/\.e2e\.test\.js$/, ''));
  return i < 0 ? LONGEST_FIRST.length : i;
};
process.stdout.write(files.sort((a, b) => rank(a) - rank(b)).map((f) => `dist/test/${f}`).join(' ') + '\n');
