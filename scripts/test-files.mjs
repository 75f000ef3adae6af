// Every test file for `npm test` (unit and end-to-end, one `node --test` run, three files at a
// time), the longest first: starting the long live files early keeps the last minute from being
// one long file alone while the short ones fill the gaps. Four at a time took 234 s instead of 266 s,
// but the accuracy tests then failed for want of CPU (a 1.5 s stall measured 1,622 ms, C 8.9 for 10).
// Order measured on the 2-core machine (three files at a time, seconds): ci 86, html-report 54, hostile 53, readme-examples 50,
// fastapi-accuracy 40, fastapi-gating 40, shards 39, doctor 33, fastapi-pools 31, stall 25, then
// 24 s and less. A file not listed runs after these, in name order.
import { readdirSync } from 'node:fs';

const LONGEST_FIRST = [
  'ci.e2e', 'html-report', 'hostile.e2e', 'readme-examples.e2e', 'fastapi-accuracy.e2e', 'shards.e2e', 'doctor.e2e',
  'fastapi-pools.e2e', 'stall.e2e', 'package.e2e', 'run-data.e2e', 'demo.e2e', 'oneliner.e2e', 'compare.e2e', 'fastapi-gating.e2e',
  'live-view', 'deploy', 'server-lifecycle.e2e', 'shard-cli.e2e', 'report-kinds.e2e', 'fastapi-limit.e2e', 'load.e2e',
  'fastapi-streams-workers.e2e', 'cli-errors', 'head-of-line.e2e', 'tls.e2e',
];
const files = readdirSync('dist/test').filter((f) => f.endsWith('.test.js')).sort();
const rank = (f) => {
  const i = LONGEST_FIRST.indexOf(f.replace(/\.test\.js$/, ''));
  return i < 0 ? LONGEST_FIRST.length : i;
};
process.stdout.write(files.sort((a, b) => rank(a) - rank(b)).map((f) => `dist/test/${f}`).join(' ') + '\n');
