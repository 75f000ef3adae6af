// A run's data on disk (`wobbly run --raw FILE`, read by `wobbly analyse FILE`): gzip'd JSON with
// its format name and version, so a file from another tool or a newer wobbly is refused with a
// clear error (exit 2) rather than misread.
import { readFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { InputError } from '../input-error.js';
import { RUN_DATA_FORMAT, RUN_DATA_VERSION, type RunData } from './types.js';

export function encodeRunData(data: RunData): Buffer {
  return gzipSync(JSON.stringify(data));
}

/** The RunData in a file's bytes (gzip'd or plain JSON); InputError says what is wrong with it. */
export function decodeRunData(bytes: Buffer, file: string): RunData {
  let parsed: unknown;
  try {
    const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
    parsed = JSON.parse((gzipped ? gunzipSync(bytes) : bytes).toString('utf8'));
  } catch (err) {
    throw new InputError(`${file}: not a wobbly run file (${(err as Error).message}); expected the file written by \`wobbly run --raw\``);
  }
  const d = parsed as Partial<RunData> | null;
  if (!d || typeof d !== 'object' || d.format !== RUN_DATA_FORMAT) {
    throw new InputError(`${file}: not a wobbly run file (format: expected "${RUN_DATA_FORMAT}"); expected the file written by \`wobbly run --raw\``);
  }
  if (d.version !== RUN_DATA_VERSION) {
    throw new InputError(`${file}: run data version ${String(d.version)}, this wobbly reads version ${RUN_DATA_VERSION}; analyse it with the wobbly that wrote it (${d.tool?.version ?? 'unknown version'})`);
  }
  const problems: string[] = [];
  if (!d.scenario || typeof d.scenario !== 'object' || !Array.isArray(d.scenario.actors)) problems.push('scenario: expected the scenario with its actors');
  if (!Array.isArray(d.actors)) problems.push('actors: expected an array');
  if (typeof d.durationMs !== 'number' || !(d.durationMs >= 0)) problems.push('durationMs: expected a number ≥ 0');
  if (!d.self || typeof d.self !== 'object' || !Array.isArray(d.self.episodes)) problems.push('self: expected the loop-lag histogram and episodes');
  if (!d.calibration || typeof d.calibration !== 'object') problems.push('calibration: expected an object');
  if (Array.isArray(d.actors) && d.scenario && Array.isArray(d.scenario.actors)) {
    const names = new Set(d.scenario.actors.map((a) => a?.name));
    d.actors.forEach((a, i) => {
      if (!a || typeof a !== 'object' || !names.has(a.name)) problems.push(`actors[${i}]: expected an actor of the scenario`);
    });
  }
  if (problems.length) throw new InputError(`${file}: a damaged wobbly run file:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return d as RunData;
}

export async function readRunData(file: string): Promise<RunData> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new InputError(`${file}: cannot read the run file (${e.code ?? e.message})`);
  }
  return decodeRunData(bytes, file);
}
