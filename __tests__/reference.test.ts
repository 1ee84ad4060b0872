/** docs/configuration.md is generated from the schema; a stale copy fails (here and in CI). */
import { expect, test } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runNode } from './helpers/run.js';

const check = (cwd: string) => runNode(join(cwd, 'scripts/gen-reference.mjs'), ['--check'], { cwd });

test('the committed configuration reference matches the schema', async () => {
  const r = await check(ROOT);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  // every top-level key of the schema has a row
  const reference = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
  const schema = JSON.parse(readFileSync(join(ROOT, 'schema/e2e.schema.json'), 'utf8')) as { properties: Record<string, unknown> };
  for (const key of Object.keys(schema.properties)) expect(reference).toContain(`| \`${key}\` |`);
});

test('a schema change without a rebuilt reference fails the check, naming the file', async () => {
  const copy = mkdtempSync(join(tmpdir(), 'reference-'));
  for (const dir of ['scripts', 'src', 'docs']) cpSync(join(ROOT, dir), join(copy, dir), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  const schema = join(copy, 'src/config/schema.ts');
  writeFileSync(schema, readFileSync(schema, 'utf8').replace("'The service. Names, labels and the default namespace derive from it.'", "'The service, renamed.'"));
  const r = await check(copy);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('docs/configuration.md is stale');
});
