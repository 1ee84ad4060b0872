import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskLog } from '../src/engine/task-log.js';
import { CommandError, ProcessRunner } from '../src/exec/runner.js';
import { Secrets } from '../src/exec/secrets.js';

describe('command runner', () => {
  test('passes arguments as an array: nothing is interpreted by a shell', async () => {
    const r = await new ProcessRunner().run('printf', ['%s|', 'a b', '$(whoami)', '; rm -rf /', '*']);
    expect(r.stdout).toBe('a b|$(whoami)|; rm -rf /|*|');
  });

  test('sets env, cwd and stdin', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'runner-')));
    const r = await new ProcessRunner().run('sh', ['-c', 'echo "$GREETING"; pwd; cat'], {
      env: { GREETING: 'hello' },
      cwd: dir,
      input: 'from stdin',
    });
    expect(r.stdout).toBe(`hello\n${dir}\nfrom stdin`);
  });

  test('an env value of undefined removes the variable', async () => {
    process.env.RUNNER_TEST_VAR = 'present';
    const r = await new ProcessRunner().run('sh', ['-c', 'echo "[${RUNNER_TEST_VAR:-absent}]"'], { env: { RUNNER_TEST_VAR: undefined } });
    delete process.env.RUNNER_TEST_VAR;
    expect(r.stdout.trim()).toBe('[absent]');
  });

  test('output goes into the task log with registered secrets masked, including the command line', async () => {
    const secrets = new Secrets();
    secrets.add('s3cr3t-value');
    const log = new TaskLog(secrets.mask);
    await new ProcessRunner(secrets).run('sh', ['-c', 'echo "pw=$1"; echo "err $1" >&2', 'sh', 's3cr3t-value'], { log });
    expect(log.text()).toContain('pw=***');
    expect(log.text()).toContain('err ***');
    expect(log.text()).not.toContain('s3cr3t-value');
  });

  test('a failure says which command, the exit code and the tail of its output, masked', async () => {
    const secrets = new Secrets();
    secrets.add('hidden-token');
    const err = await new ProcessRunner(secrets)
      .run('sh', ['-c', 'echo "bad hidden-token" >&2; exit 3'])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).code).toBe(3);
    expect((err as Error).message).toBe('sh exited with code 3:\nbad ***');
  });

  test('a missing executable is named', async () => {
    await expect(new ProcessRunner().run('no-such-tool-here', [])).rejects.toThrow('"no-such-tool-here" was not found on PATH');
  });

  test('allowFailure resolves with the exit code', async () => {
    const r = await new ProcessRunner().run('sh', ['-c', 'exit 7'], { allowFailure: true });
    expect(r.code).toBe(7);
  });

  test('an abort kills the whole process group', async () => {
    const stop = new AbortController();
    const runner = new ProcessRunner();
    const started = Date.now();
    const pending = runner.run('sh', ['-c', 'sleep 30 & echo $!; wait'], { signal: stop.signal });
    await new Promise((r) => setTimeout(r, 200));
    const grandchild = await runner.run('pgrep', ['-f', '^sleep 30$']);
    stop.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(3000);
    // gone, or a zombie waiting for init to reap it: either way no longer running
    const after = await runner.run('ps', ['-o', 'stat=', '-p', grandchild.stdout.trim().split('\n')[0]], { allowFailure: true });
    expect(after.stdout.trim()).toMatch(/^(Z.*)?$/);
  });
});

/**
 * Why the project runs commands through its own runner and not @actions/exec (v3, which the
 * toolkit's cache and tool-cache use internally): the graph runs tasks side by side and must
 * cancel them, and must keep each task's output to itself until the task ends.
 */
describe('what @actions/exec could not do here', () => {
  const script = (pidfile: string) => `sleep 3 & echo $! > ${pidfile}; wait`;
  /** Running, not a zombie: a killed orphan waits for a reaper that a container may not have. */
  const alive = (pid: number): boolean => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };

  test('cancel: its exec() takes no signal and cannot be stopped; ours kills the process group at once', async () => {
    const { exec } = await import('@actions/exec');
    const dir = mkdtempSync(join(tmpdir(), 'exec-'));
    const theirs = new AbortController();
    const t0 = Date.now();
    setTimeout(() => theirs.abort(new Error('cancelled')), 100);
    // ExecOptions has no `signal`: passing one changes nothing, the command runs to its end
    const code = await exec('sh', ['-c', script(join(dir, 'theirs'))], { silent: true, signal: theirs.signal } as Parameters<typeof exec>[2]);
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2900);

    const ours = new AbortController();
    const t1 = Date.now();
    setTimeout(() => ours.abort(new Error('cancelled')), 100);
    await expect(new ProcessRunner().run('sh', ['-c', script(join(dir, 'ours'))], { signal: ours.signal })).rejects.toThrow('cancelled');
    expect(Date.now() - t1).toBeLessThan(1500);
    const grandchild = Number(readFileSync(join(dir, 'ours'), 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(grandchild)).toBe(false); // the background `sleep` went with its group
  }, 10000);

  test("logs: its exec() writes the command and its output to the process's stdout as they come; ours keep them in the task's log", async () => {
    const { exec } = await import('@actions/exec');
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      written.push(chunk.toString());
      return true;
    }) as typeof process.stdout.write;
    try {
      await exec('echo', ['from task A']);
    } finally {
      process.stdout.write = write;
    }
    expect(written.join('')).toContain('[command]/usr/bin/echo from task A');
    expect(written.join('')).toContain('from task A\n');

    const log = new TaskLog();
    const seen: string[] = [];
    process.stdout.write = ((chunk: string | Uint8Array) => {
      seen.push(chunk.toString());
      return true;
    }) as typeof process.stdout.write;
    try {
      await new ProcessRunner().run('echo', ['from task B'], { log });
    } finally {
      process.stdout.write = write;
    }
    expect(seen).toEqual([]);
    expect(log.text()).toContain('from task B');
  });
});
