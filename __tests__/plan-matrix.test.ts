import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunnerFiles, runAction, runCli } from './helpers/run.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';

/** A repository with three services: a (paths + a migrations folder), b (paths), c (no paths: always runs). */
const FILES: Record<string, string> = {
  '.github/e2e/a.yaml': 'name: svc-a\npaths: [services/a/**, shared/**]\npostgres:\n  migrations: db/a\n',
  '.github/e2e/b.yaml': 'name: svc-b\npaths: [services/b/**, shared/**]\nimages:\n  b: { context: services/b }\n',
  '.github/e2e/c.yaml': 'name: svc-c\nredis: {}\n',
  '.github/e2e/README.md': 'not an environment file',
  'services/a/main.go': 'package a\n',
  'services/b/Dockerfile': 'FROM scratch\n',
  'services/b/main.go': 'package b\n',
  'db/a/001_init.sql': '-- +goose Up\nCREATE TABLE a (id int);\n',
  'shared/lib.go': 'package shared\n',
  'docs/guide.md': '# guide\n',
};

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();

function commitChange(ws: Workspace, path: string, text: string): { base: string; head: string } {
  const base = git(ws.dir, 'rev-parse', 'HEAD');
  ws.write(path, text);
  git(ws.dir, 'add', '-A');
  git(ws.dir, 'commit', '-qm', `change ${path}`);
  return { base, head: git(ws.dir, 'rev-parse', 'HEAD') };
}

/** Runs the action in plan-matrix mode on a pull_request event, as a runner would. */
async function planOnPullRequest(ws: Workspace, range: { base: string; head: string }, axes?: string) {
  const event = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { base: { sha: range.base }, head: { sha: range.head } } }));
  const runner = new RunnerFiles();
  const inputs: Record<string, string> = { mode: 'plan-matrix', ...(axes ? { axes } : {}) };
  const r = await runAction('main', runner.processEnv(inputs, { GITHUB_WORKSPACE: ws.dir, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event }));
  expect(r.stdout).not.toContain('::error::');
  expect(r.code).toBe(0);
  const out = runner.outputs();
  return { matrix: JSON.parse(out.matrix) as { include: Record<string, unknown>[] }, any: out.any, stdout: r.stdout };
}

const configsOf = (m: { include: Record<string, unknown>[] }) => [...new Set(m.include.map((l) => l.config))].sort();

describe('plan-matrix on a real git repository', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = makeWorkspace(FILES);
    git(ws.dir, 'init', '-q');
    git(ws.dir, 'add', '-A');
    git(ws.dir, 'commit', '-qm', 'start');
  });
  afterAll(() => ws.remove());

  test('a change to one service\'s code picks that leg (and the one without paths:)', async () => {
    const r = await planOnPullRequest(ws, commitChange(ws, 'services/a/main.go', 'package a // changed\n'));
    expect(configsOf(r.matrix)).toEqual(['.github/e2e/a.yaml', '.github/e2e/c.yaml']);
    expect(r.any).toBe('true');
    expect(r.stdout).toContain('.github/e2e/b.yaml: not affected');
  });

  test('a shared file in two services\' paths: picks both', async () => {
    const r = await planOnPullRequest(ws, commitChange(ws, 'shared/lib.go', 'package shared // v2\n'));
    expect(configsOf(r.matrix)).toEqual(['.github/e2e/a.yaml', '.github/e2e/b.yaml', '.github/e2e/c.yaml']);
  });

  test('a migration referenced by one file picks that leg, even outside its paths:', async () => {
    const r = await planOnPullRequest(ws, commitChange(ws, 'db/a/002_more.sql', '-- +goose Up\nCREATE TABLE b (id int);\n'));
    expect(configsOf(r.matrix)).toEqual(['.github/e2e/a.yaml', '.github/e2e/c.yaml']);
    expect(r.stdout).toContain('db/a/002_more.sql is referenced by the environment file (db/a/)');
  });

  test('a change to the environment file itself picks its leg', async () => {
    const r = await planOnPullRequest(ws, commitChange(ws, '.github/e2e/b.yaml', `${FILES['.github/e2e/b.yaml']}# tweak\n`));
    expect(configsOf(r.matrix)).toEqual(['.github/e2e/b.yaml', '.github/e2e/c.yaml']);
  });

  test('a change to nothing relevant gives any=false and an empty include, once no file lacks paths:', async () => {
    ws.write('.github/e2e/c.yaml', 'name: svc-c\npaths: [services/c/**]\nredis: {}\n');
    git(ws.dir, 'commit', '-qam', 'c gets paths');
    const r = await planOnPullRequest(ws, commitChange(ws, 'docs/guide.md', '# guide, v2\n'));
    expect(r.matrix).toEqual({ include: [] });
    expect(r.any).toBe('false');
  });

  test('the JSON holds each leg\'s config path and axis values, ready for fromJSON', async () => {
    const r = await planOnPullRequest(ws, commitChange(ws, 'services/b/main.go', 'package b // v2\n'), '{kubernetes: [v1.33.1, v1.34.0], placement: [docker]}');
    expect(r.matrix).toEqual({
      include: [
        { config: '.github/e2e/b.yaml', name: 'svc-b', kubernetes: 'v1.33.1', placement: 'docker' },
        { config: '.github/e2e/b.yaml', name: 'svc-b', kubernetes: 'v1.34.0', placement: 'docker' },
      ],
    });
  });

  test('the same logic on a laptop: plan-matrix --base', async () => {
    const before = git(ws.dir, 'rev-parse', 'HEAD');
    commitChange(ws, 'services/a/main.go', 'package a // v3\n');
    const r = await runCli(['plan-matrix', '--base', before], { cwd: ws.dir });
    expect(r.code).toBe(0);
    expect(configsOf(JSON.parse(r.stdout))).toEqual(['.github/e2e/a.yaml']);
  });

  test('a shallow clone runs every leg, with a notice that says why', async () => {
    const parent = git(ws.dir, 'rev-parse', 'HEAD~1');
    const head = git(ws.dir, 'rev-parse', 'HEAD');
    const shallow = mkdtempSync(join(tmpdir(), 'shallow-'));
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${ws.dir}`, shallow]);
    const r = await planOnPullRequest({ dir: shallow, write: () => '', remove: () => {} }, { base: parent, head });
    expect(configsOf(r.matrix)).toEqual(['.github/e2e/a.yaml', '.github/e2e/b.yaml', '.github/e2e/c.yaml']);
    expect(r.stdout).toContain(`::notice::every leg runs: git history is not deep enough: ${parent} is not in this clone`);
  });

  test('a bad environment file is refused by name, not skipped', async () => {
    ws.write('.github/e2e/d.yaml', 'name: Bad_Name\n');
    const r = await runCli(['plan-matrix', '--base', 'HEAD'], { cwd: ws.dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('.github/e2e/d.yaml');
    expect(r.stderr).toContain('name:');
  });
});
