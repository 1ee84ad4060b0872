import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { envFileSchema } from '../src/config/schema.js';
import { ROOT } from './helpers/run.js';

test('schema/e2e.schema.json is generated from the current schema (run `npm run schema`)', () => {
  const committed = JSON.parse(readFileSync(join(ROOT, 'schema/e2e.schema.json'), 'utf8'));
  const fresh = z.toJSONSchema(envFileSchema, { io: 'input', target: 'draft-2020-12' });
  delete committed.$id;
  delete committed.title;
  expect(committed).toEqual(JSON.parse(JSON.stringify(fresh)));
});

test('the JSON Schema refuses unknown keys and knows every documented key', () => {
  const s = JSON.parse(readFileSync(join(ROOT, 'schema/e2e.schema.json'), 'utf8'));
  expect(s.additionalProperties).toBe(false);
  expect(Object.keys(s.properties).sort()).toEqual(['cluster', 'deploy', 'images', 'name', 'namespace', 'paths', 'postgres', 'redis']);
  expect(s.required).toEqual(['name']);
});
