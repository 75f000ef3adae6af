// `wobbly merge a.raw b.raw …`: the shards of one run (each saved with `wobbly run --shard I/N
// --raw FILE`) merged into the run of the whole, analysed and judged as one run, reported like
// `wobbly run` (terminal, --json, --raw). A `--json` result alone cannot be merged: it keeps
// percentiles, not histograms, and no samples; the message says to save the shards with --raw.
import { resultOf } from '../pipeline.js';
import { readRunData } from '../run-data/file.js';
import { InputError } from '../input-error.js';
import { mergeShards, type ShardFile } from '../shard/merge.js';
import type { MergedShard } from '../run-data/types.js';
import { formatMs } from '../format.js';
import type { Io } from './io.js';
import { exitCodeOf, writeAndShow, writeRunData } from './run-command.js';
import { checkOutputs } from './outputs.js';

export interface MergeFlags {
  json?: string;
  raw?: string;
  html?: string;
  quiet?: boolean;
}

async function readShard(file: string): Promise<ShardFile> {
  try {
    return { file, data: await readRunData(file) };
  } catch (err) {
    if (err instanceof InputError && /format: expected/.test(err.message)) {
      throw new InputError(`${file}: a JSON result, not run data: it keeps percentiles, not histograms or samples, so it cannot be merged losslessly; run each shard with --raw FILE and merge those files`);
    }
    throw err;
  }
}

/** One line per shard: where its clock lay, how late it started, its clock offset. */
export function shardLine(s: MergedShard): string {
  const skew = s.startSkewMs === null ? 'no --start-at' : `started ${formatMs(s.startSkewMs)} after --start-at`;
  const offset = s.clockOffset ? `clock offset to the target ${s.clockOffset.offsetMs} ms ± ${s.clockOffset.uncertaintyMs} ms` : 'clock offset not measured';
  return `  shard ${s.index}/${s.count} ${s.file}: +${formatMs(s.shiftMs)} on the merged clock, ${skew}, ${offset}`;
}

export async function mergeCommand(files: string[], flags: MergeFlags, io: Io): Promise<number> {
  const problems: string[] = [];
  const parts: ShardFile[] = [];
  for (const f of files) {
    try {
      parts.push(await readShard(f));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(err.message);
    }
  }
  if (problems.length) throw new InputError(problems.join('\n'));
  await checkOutputs(flags); // a bad output path is exit 2 before the work
  const data = mergeShards(parts); // InputError → exit 2
  const result = resultOf(data);
  if (flags.raw !== undefined) await writeRunData(flags.raw, data, io.out);
  if (!flags.quiet) io.err(`wobbly: merged ${parts.length} shards:\n${data.mergedFrom!.map(shardLine).join('\n')}\n`);
  await writeAndShow(result, flags, io);
  return exitCodeOf(result);
}
