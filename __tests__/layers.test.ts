/**
 * The import rules in .dependency-cruiser.cjs hold on src/, and they do bite: a copy of src/ with
 * one injected cycle (core -> engine -> core) is refused, naming the cycle and the broken layer.
 */
import { expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/run.js';

const depcruise = (cwd: string) =>
  spawnSync(join(ROOT, 'node_modules/.bin/depcruise'), ['src', '--config', join(ROOT, '.dependency-cruiser.cjs')], { cwd, encoding: 'utf8' });

test('src/ keeps every import rule and has no cycle', () => {
  const r = depcruise(ROOT);
  expect(r.stdout).toContain('no dependency violations found');
  expect(r.status).toBe(0);
});

test('an injected cycle is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'));
  try {
    cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
    cpSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
    appendFileSync(join(dir, 'src/core/format.ts'), "import '../engine/engine.js';\n");
    const r = depcruise(dir);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/error no-circular: src\/core\/format\.ts →\s+src\/engine\/engine\.ts →\s+src\/core\/format\.ts/);
    expect(r.stdout).toContain('error core-is-dependency-free: src/core/format.ts → src/engine/engine.ts');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
