// FastAPI end-to-end plumbing: the Debian Python stack must be there (in CI it is installed by
// .ci/run); a missing stack is a failure with the fix, never a silent skip.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

export const PYTHON = '/usr/bin/python3';
export const FASTAPI_DIR = join(ROOT, 'test/targets/fastapi');
export const FASTAPI_FIXTURES = join(ROOT, 'test/fixtures/fastapi');

export function requirePythonStack(): void {
  try {
    execFileSync(PYTHON, ['-c', 'import fastapi, uvicorn, anyio'], { stdio: 'pipe' });
    execFileSync(PYTHON, ['-m', 'gunicorn', '--version'], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(
      `the FastAPI end-to-end tests need Debian's python3-fastapi, python3-uvicorn and gunicorn for ${PYTHON}: ` +
        `run \`bash scripts/install-python-stack.sh\` (${(err as Error).message.split('\n')[0]})`,
    );
  }
}
