/** The release script against a real local git repository: tags moved, refused, and the notes. */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runNode } from './helpers/run.js';

const SCRIPT = join(ROOT, 'scripts/release.mjs');
let repo: string;

const git = (...args: string[]): string =>
  execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  }).trim();

function commit(version: string, message: string, tag?: string): string {
  writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'x', version }));
  writeFileSync(join(repo, 'change.txt'), message);
  git('add', '-A');
  git('commit', '-q', '-m', message);
  if (tag) git('tag', '-a', tag, '-m', tag);
  return git('rev-parse', 'HEAD');
}

const release = (...args: string[]) => runNode(SCRIPT, args, { cwd: repo });
const pointsAt = (tag: string): string => git('rev-parse', `${tag}^{commit}`);

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'release-'));
  git('init', '-q', '-b', 'main');
});
afterEach(() => rmSync(repo, { recursive: true, force: true }));

describe('release.mjs', () => {
  test('v1.0.0 then v1.1.0: v1 and v1.1 end on v1.1.0, v1.0 stays on v1.0.0', async () => {
    const first = commit('1.0.0', 'first release', 'v1.0.0');
    expect((await release('move', 'v1.0.0')).stdout.trim()).toBe('v1 v1.0');
    expect([pointsAt('v1'), pointsAt('v1.0')]).toEqual([first, first]);
    const second = commit('1.1.0', 'a compatible feature', 'v1.1.0');
    const r = await release('move', 'v1.1.0');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('v1 v1.1');
    expect([pointsAt('v1'), pointsAt('v1.1'), pointsAt('v1.0')]).toEqual([second, second, first]);
  });

  test('a fix to an older line does not move the major back', async () => {
    commit('1.0.0', 'first', 'v1.0.0');
    const newer = commit('1.1.0', 'feature', 'v1.1.0');
    await release('move', 'v1.1.0');
    git('checkout', '-q', 'v1.0.0');
    const fix = commit('1.0.1', 'fix for 1.0', 'v1.0.1');
    expect((await release('move', 'v1.0.1')).stdout.trim()).toBe('v1.0');
    expect([pointsAt('v1'), pointsAt('v1.0')]).toEqual([newer, fix]);
  });

  test('refuses v2.0.0 while package.json says 1.x, and moves nothing', async () => {
    const one = commit('1.1.0', 'feature', 'v1.1.0');
    await release('move', 'v1.1.0');
    commit('1.2.0', 'still one', 'v2.0.0');
    const r = await release('move', 'v2.0.0');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('tag "v2.0.0": its major (2) differs from package.json\'s version 1.2.0');
    expect(git('tag', '--list', 'v2')).toBe('');
    expect(pointsAt('v1')).toBe(one);
    expect((await release('check', 'v2.0.0')).code).toBe(1);
  });

  test('refuses a tag that is not vX.Y.Z', async () => {
    commit('1.0.0', 'first', 'v1.0');
    const r = await release('check', 'v1.0');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('tag "v1.0": expected vX.Y.Z');
  });

  test('the notes list the commits since the previous release', async () => {
    commit('1.0.0', 'first release', 'v1.0.0');
    commit('1.0.0', 'fix the probe');
    commit('1.1.0', 'add kustomize', 'v1.1.0');
    const r = await release('notes', 'v1.1.0');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^## v1\.1\.0\n\nChanges since v1\.0\.0:\n\n- add kustomize \([0-9a-f]+\)\n- fix the probe \([0-9a-f]+\)\n$/);
  });
});
