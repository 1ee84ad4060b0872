/** Runs the bundled action and CLI the way a runner and a user do: separate Node processes. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const NODE = process.execPath;

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export function runNode(script: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<Ran> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(NODE, [script, ...args], { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr });
    });
  });
}

export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Ran> {
  return runNode(join(ROOT, 'dist/cli/index.js'), args, opts);
}

/** The files a runner gives a step, and what the step wrote into them. */
export class RunnerFiles {
  readonly dir = mkdtempSync(join(tmpdir(), 'ds-e2e-runner-'));
  readonly output = join(this.dir, 'output');
  readonly env = join(this.dir, 'env');
  readonly state = join(this.dir, 'state');
  readonly path = join(this.dir, 'path');
  readonly summary = join(this.dir, 'summary');

  constructor() {
    for (const f of [this.output, this.env, this.state, this.path, this.summary]) writeFileSync(f, '');
  }

  processEnv(inputs: Record<string, string>, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GITHUB_OUTPUT: this.output,
      GITHUB_ENV: this.env,
      GITHUB_STATE: this.state,
      GITHUB_PATH: this.path,
      GITHUB_STEP_SUMMARY: this.summary,
      RUNNER_TEMP: this.dir,
      ...extra,
    };
    for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
    return env;
  }

  /** Parses the runner's `name<<delimiter` file format. */
  static parseFileCommand(text: string): Record<string, string> {
    const out: Record<string, string> = {};
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const m = /^([^<=]+)<<(.+)$/.exec(lines[i]);
      if (m) {
        const body: string[] = [];
        for (i++; i < lines.length && lines[i] !== m[2]; i++) body.push(lines[i]);
        out[m[1]] = body.join('\n');
      } else if (lines[i].includes('=')) {
        const eq = lines[i].indexOf('=');
        out[lines[i].slice(0, eq)] = lines[i].slice(eq + 1);
      }
    }
    return out;
  }

  outputs(): Record<string, string> {
    return RunnerFiles.parseFileCommand(readFileSync(this.output, 'utf8'));
  }
  exported(): Record<string, string> {
    return RunnerFiles.parseFileCommand(readFileSync(this.env, 'utf8'));
  }
  saved(): Record<string, string> {
    return RunnerFiles.parseFileCommand(readFileSync(this.state, 'utf8'));
  }

  /**
   * The env for the post step: the runner hands saved state back as STATE_<name>, and puts the
   * GITHUB_PATH entries of earlier steps in front of PATH, the last one added first.
   */
  postEnv(inputs: Record<string, string>, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const env = this.processEnv(inputs, extra);
    for (const [k, v] of Object.entries(this.saved())) env[`STATE_${k}`] = v;
    const added = readFileSync(this.path, 'utf8').split('\n').filter(Boolean).reverse();
    env.PATH = [...added, env.PATH].join(':');
    return env;
  }
}

/** Like a runner: the step's working folder is the workspace. */
export function runAction(step: 'main' | 'post', env: NodeJS.ProcessEnv, cwd = env.GITHUB_WORKSPACE ?? ROOT): Promise<Ran> {
  return runNode(join(ROOT, `dist/${step}/index.js`), [], { env, cwd });
}
