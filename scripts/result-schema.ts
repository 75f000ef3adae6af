// Generates schemas/result.schema.json, the JSON Schema of the result file (`--json`), from the
// RunResult type itself, so the two cannot disagree (`npm run schema`; a test checks for drift).
// Interfaces become closed objects (additionalProperties: false): a key the type does not
// describe fails validation. The schema's title and RunResult's schemaVersion const move together.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RESULT_SCHEMA_FILE = join(ROOT, 'schemas/result.schema.json');
export const RESULT_SCHEMA_ID = 'https://unpkg.com/wobbly-cli/schemas/result.schema.json';

export function resultJsonSchema(): Record<string, unknown> {
  const generated = createGenerator({
    path: join(ROOT, 'src/result/types.ts'),
    tsconfig: join(ROOT, 'tsconfig.json'),
    type: 'RunResult',
    skipTypeCheck: true, // `npm run build` type-checks; this only reads the types
  }).createSchema('RunResult') as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: RESULT_SCHEMA_ID,
    title: 'wobbly run result, schemaVersion 1',
    description: 'The JSON that `wobbly run --json FILE` writes (and `analyse --json`, `demo --json-dir`); generated from src/result/types.ts.',
    ...rest,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.stdout.write(JSON.stringify(resultJsonSchema(), null, 2) + '\n');
