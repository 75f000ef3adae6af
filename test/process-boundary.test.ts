// Only the CLI layer and the OS adapters touch `process` (the environment, the exit code, the
// standard streams, signals): every other module gets what it needs passed in, so each stage
// runs the same in a test, a worker thread or a saved run's re-analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ROOT } from './helpers.js';

/** Where `process` is allowed: the CLI, the server lifecycle (incl. the reaper), the demo's entry point. */
const ALLOWED = [/^src\/cli\//, /^src\/server\//, /^src\/demo\/main\.ts$/];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Each use of the global `process` (or an import of node:process): "file:line". */
function processUses(file: string, text = readFileSync(file, 'utf8')): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const uses: string[] = [];
  const at = (n: ts.Node) => `${relative(ROOT, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && n.text === 'process') {
      const p = n.parent;
      const isMemberName = (ts.isPropertyAccessExpression(p) && p.name === n) || (ts.isPropertyAssignment(p) && p.name === n) || (ts.isPropertySignature(p) && p.name === n) || (ts.isPropertyDeclaration(p) && p.name === n);
      // NodeJS.Process and friends in type positions are types, not the process.
      const inType = ts.isQualifiedName(p) || ts.isTypeReferenceNode(p);
      if (!isMemberName && !inType) uses.push(at(n));
    }
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && /^(node:)?process$/.test(n.moduleSpecifier.text)) uses.push(at(n));
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return uses;
}

test('process is used only in src/cli/, src/server/ and the demo entry point', () => {
  const files = sources(join(ROOT, 'src')).filter((f) => !ALLOWED.some((re) => re.test(relative(ROOT, f))));
  assert.ok(files.length > 50, `expected the whole source tree, found ${files.length} files`);
  assert.deepEqual(files.flatMap((f) => processUses(f)), []);
});

test('the check sees a use of process, and not a member or a type named so', () => {
  const uses = (code: string) => processUses(join(ROOT, 'src/x.ts'), code);
  assert.deepEqual(uses('const x = process.env.X;'), ['src/x.ts:1']);
  assert.deepEqual(uses("import { env } from 'node:process';"), ['src/x.ts:1']);
  assert.deepEqual(uses('const p = worker.process.pid;\nconst o = { process: 1 };\nlet e: NodeJS.Process | undefined;'), []);
});
