// Writing result files. An output path is checked before the run (checkOutputPath: nothing is sent
// when a file cannot be written), and written atomically: a temporary file beside it, then a
// rename, so a reader (or a Ctrl-C) never sees half a result. Only a regular file (or nothing) is
// ever replaced: a symlink, a FIFO, a device or a directory at the path is refused, since renaming
// over it would replace the link or the device node instead of writing where it points.
import { access, constants, lstat, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, basename, join, resolve } from 'node:path';
import { InputError } from '../input-error.js';

/** "-": the text goes to stdout instead of a file. */
export const STDOUT = '-';

/** Why this path cannot take an output file; undefined when it can. */
export async function outputPathProblem(path: string): Promise<string | undefined> {
  if (path === '') return 'expected a file path (or - for stdout), got ""';
  if (path === STDOUT) return undefined;
  const existing = await lstat(path).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : err));
  if (existing instanceof Error) return `cannot use ${path} (${(existing as NodeJS.ErrnoException).code ?? existing.message})`;
  if (existing) {
    if (existing.isSymbolicLink()) return `${path} is a symbolic link; wobbly replaces only a regular file (give the link's target, or another path)`;
    if (existing.isDirectory()) return `${path} is a directory; give a file path`;
    if (!existing.isFile()) return `${path} is not a regular file (a FIFO, device or socket); wobbly replaces only a regular file (use - for stdout)`;
  }
  const dir = dirname(resolve(path));
  const parent = await stat(dir).catch(() => undefined);
  if (!parent) return `the directory ${dir} does not exist`;
  if (!parent.isDirectory()) return `${dir} is not a directory`;
  if (await access(dir, constants.W_OK).then(() => false, () => true)) return `cannot write in ${dir} (permission denied)`;
  return undefined;
}

/** Throws when the path cannot take the file (checked again at write time: things change). */
async function assertWritable(path: string): Promise<void> {
  const problem = await outputPathProblem(path);
  if (problem) throw new OutputPathError(problem);
}

/** Bad input (exit 2): the path of an output that cannot be written. */
export class OutputPathError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'OutputPathError';
  }
}

export async function writeFileAtomic(path: string, text: string | Uint8Array): Promise<void> {
  await assertWritable(path);
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { encoding: 'utf8', flag: 'wx', mode: 0o644 }); // wx: never through a planted file
    await assertWritable(path);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** An output file, or stdout for "-". */
export async function writeOutput(path: string, text: string, stdout: (text: string) => void): Promise<void> {
  if (path === STDOUT) stdout(text);
  else await writeFileAtomic(path, text);
}
