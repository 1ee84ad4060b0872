import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, realpathSync } from 'node:fs';
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
