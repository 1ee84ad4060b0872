import { expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runNode } from './helpers/run.js';

const VALIDATOR = join(ROOT, 'node_modules/@action-validator/cli/cli.mjs');
const WORKFLOWS = join(ROOT, '.github/workflows');

test.each(readdirSync(WORKFLOWS))('%s passes the workflow linter', async (file) => {
  const r = await runNode(VALIDATOR, [join(WORKFLOWS, file)]);
  expect(r.stdout + r.stderr).toBe('');
  expect(r.code).toBe(0);
});

test('the linter does fail on a broken workflow', async () => {
  const bad = join(tmpdir(), 'broken-workflow.yml');
  writeFileSync(bad, 'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    stepz: []\n');
  expect((await runNode(VALIDATOR, [bad])).code).not.toBe(0);
});

test.each(readdirSync(WORKFLOWS))('%s uses only this action or actions pinned by commit', (file) => {
  const uses = [...readFileSync(join(WORKFLOWS, file), 'utf8').matchAll(/uses:\s*(\S+)(.*)$/gm)];
  expect(uses.length).toBeGreaterThan(0);
  for (const [, ref, comment] of uses) {
    if (ref === './') continue;
    // a workflow of this repository runs from the same commit, so it is pinned by being here
    if (ref.startsWith('./.github/workflows/')) {
      expect(existsSync(join(ROOT, ref))).toBe(true);
      continue;
    }
    expect(ref).toMatch(/^[\w-]+\/[\w.-]+@[0-9a-f]{40}$/);
    expect(comment).toMatch(/# v\d/);
  }
});
