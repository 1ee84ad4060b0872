/**
 * The action's start-up: from process start to its first external command (a `docker` call on
 * the no-cluster example), next to a bare `node -e ''` started the same way.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { RunnerFiles } from '../__tests__/helpers/run.js';
import { median, report } from './util.js';

/** Runs node on args; a failed run throws, so its times are never reported. */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done, fail) => {
    const started = Date.now();
    const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
    child.on('close', (code) => (code === 0 ? done(Date.now() - started) : fail(new Error(`node ${args.join(' ')} exited with ${code}`))));
  });
}

export async function benchStartup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  const stamp = join(dir, 'first-docker-call');
  const realDocker = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
  // a docker on PATH that notes when it was first called, then is the real docker
  writeFileSync(join(dir, 'docker'), `#!/bin/sh\n[ -s "${stamp}" ] || date +%s%3N > "${stamp}"\nexec ${realDocker} "$@"\n`);
  chmodSync(join(dir, 'docker'), 0o755);
  const times: number[] = [];
  const bare: number[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      writeFileSync(stamp, '');
      const runner = new RunnerFiles();
      const env = runner.processEnv(
        { config: 'examples/datastorage/integration.yaml', cache: 'false', matrix: `{"startup":${i}}` },
        { PATH: `${dir}:${process.env.PATH}`, GITHUB_WORKSPACE: resolve('.') },
      );
      try {
        const started = Date.now();
        await run(['dist/main/index.js'], env);
        const first = readFileSync(stamp, 'utf8').trim();
        if (!first) throw new Error('the action never called docker: no start-up to measure');
        times.push(Number(first) - started);
      } finally {
        // post removes what main made, whether it ended well or not
        await run(['dist/post/index.js'], runner.postEnv({}, { PATH: env.PATH, GITHUB_WORKSPACE: env.GITHUB_WORKSPACE })).catch(() => {});
        rmSync(runner.dir, { recursive: true, force: true });
      }
      bare.push(await run(['-e', ''], env));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const t = median(times);
  report('action start-up', { to_first_command_ms: t, bare_node_ms: median(bare), 'startup/bare': t / median(bare) }, { ok: t < 300, text: '< 300 ms' });
}
