/**
 * The one way external commands run. Arguments are an array (never a shell string), output is
 * kept in the task's log with secrets masked, and an abort kills the whole process group so
 * that children such as `docker build`'s helpers die too.
 */
import { spawn } from 'node:child_process';
import type { LogSink } from '../core/log.js';
import type { Secrets } from './secrets.js';

export interface RunOptions {
  cwd?: string;
  /** Added to the current environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  signal?: AbortSignal;
  log?: LogSink;
  /** Do not copy stdout into the log (large or binary output, e.g. `docker save`). */
  quietStdout?: boolean;
  /** Resolve with the exit code instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandRunner {
  run(cmd: string, args: readonly string[], opts?: RunOptions): Promise<RunResult>;
}

export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    message: string,
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

const KILL_GRACE_MS = 3000;

export class ProcessRunner implements CommandRunner {
  constructor(private readonly secrets?: Secrets) {}

  run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const mask = this.secrets?.mask ?? ((t: string) => t);
    const shown = mask([cmd, ...args].map(quoteForLog).join(' '));
    opts.log?.write(`$ ${shown}\n`);
    return new Promise<RunResult>((resolve, reject) => {
      if (opts.signal?.aborted) return reject(opts.signal.reason);
      const env = { ...process.env };
      for (const [k, v] of Object.entries(opts.env ?? {})) {
        if (v === undefined) delete env[k];
        else env[k] = v;
      }
      const child = spawn(cmd, args, { cwd: opts.cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let killTimer: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        killGroup(child.pid, 'SIGTERM');
        killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (b: Buffer) => {
        out.push(b);
        if (!opts.quietStdout) opts.log?.write(b.toString());
      });
      child.stderr.on('data', (b: Buffer) => {
        err.push(b);
        opts.log?.write(b.toString());
      });
      child.stdin.on('error', () => {}); // the process may exit before reading its input
      child.stdin.end(opts.input);
      child.on('error', (e: NodeJS.ErrnoException) => {
        opts.signal?.removeEventListener('abort', onAbort);
        const why = e.code === 'ENOENT' ? `"${cmd}" was not found on PATH` : e.message;
        opts.log?.write(`${why}\n`);
        reject(new CommandError(why, null, '', ''));
      });
      child.on('close', (code, sig) => {
        clearTimeout(killTimer);
        opts.signal?.removeEventListener('abort', onAbort);
        const result = { code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
        if (opts.signal?.aborted) return reject(opts.signal.reason);
        if (result.code === 0 || opts.allowFailure) return resolve(result);
        const tail = mask((result.stderr.trim() || result.stdout.trim()).split('\n').slice(-10).join('\n'));
        const how = sig ? `was killed by ${sig}` : `exited with code ${result.code}`;
        reject(new CommandError(`${shortName(cmd, args)} ${how}${tail ? `:\n${tail}` : ''}`, code, result.stdout, result.stderr));
      });
    });
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function shortName(cmd: string, args: readonly string[]): string {
  // `docker build` reads better than `docker`; a script or a path does not belong in the name
  const sub = args.find((a) => !a.startsWith('-'));
  return sub && /^[a-z][a-z0-9-]*$/.test(sub) ? `${cmd} ${sub}` : cmd;
}

function quoteForLog(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
