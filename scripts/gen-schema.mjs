// Writes schema/e2e.schema.json from the zod schema in src/config/schema.ts, so editors can
// validate environment files. Needs Node 24's type stripping (npm scripts use Node 24).
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

export const SCHEMA_FILE = 'schema/e2e.schema.json';

export async function schemaJson() {
  const { envFileSchema } = await import(pathToFileURL('src/config/schema.ts').href);
  const schema = z.toJSONSchema(envFileSchema, { io: 'input', target: 'draft-2020-12' });
  schema.$id = 'https://github.com/org/ds-e2e-setup/schema/e2e.schema.json';
  schema.title = 'ds-e2e-setup environment file';
  return `${JSON.stringify(schema, null, 2)}\n`;
}

export async function writeSchema() {
  mkdirSync('schema', { recursive: true });
  writeFileSync(SCHEMA_FILE, await schemaJson());
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await writeSchema();
