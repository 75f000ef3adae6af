// wobbly's own version, from its package.json (works from src/ and from dist/src/).
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

function findPackageJson(): string | undefined {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return ['../package.json', '../../package.json'].map((p) => join(here, p)).find((p) => existsSync(p));
}

export const VERSION: string = (() => {
  const file = findPackageJson();
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : '0.0.0';
})();
