/**
 * A recording CommandRunner for the unit tier: every call's argv, input and environment are
 * kept. The container engine and the cluster tools are answered from canned rules by argv
 * prefix (the longest matching prefix wins); a non-zero answer rejects with the same
 * CommandError the real runner throws, unless allowFailure. `sh` (a user's `migrateCommand`)
 * is run for real by the real runner, since it exists here; any other command is refused, so
 * that nothing (`sudo sysctl`, say) changes this host by way of a unit test.
 */
import { PG_DATA_MOUNT } from '../../src/deps/presets.js';
import { CommandError, ProcessRunner, type CommandRunner, type RunOptions, type RunResult } from '../../src/exec/runner.js';

/** What the unit tier answers from rules, and what it runs for real. */
const CANNED = new Set(['docker', 'podman', 'kind', 'kubectl', 'helm']);
const REAL = new Set(['sh']);

export interface RecordedCall {
  argv: string[];
  input?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export type Answer = Partial<RunResult> | ((call: RecordedCall) => Partial<RunResult>);

export class FakeRunner implements CommandRunner {
  readonly calls: RecordedCall[] = [];
  private readonly rules: { prefix: string[]; answer: Answer }[] = [];
  private readonly real = new ProcessRunner();

  /** Answers every call whose argv starts with `prefix` (for the engine and cluster tools only). */
  on(prefix: string[], answer: Answer): this {
    if (!CANNED.has(prefix[0])) throw new Error(`${prefix[0]} is not answered for: only ${[...CANNED].join(', ')} are`);
    this.rules.push({ prefix, answer });
    return this;
  }

  async run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    opts.signal?.throwIfAborted();
    const call: RecordedCall = { argv: [cmd, ...args], input: opts.input?.toString(), env: opts.env, cwd: opts.cwd };
    this.calls.push(call);
    if (REAL.has(cmd)) return this.real.run(cmd, args, opts);
    if (!CANNED.has(cmd)) throw new Error(`the recording runner neither answers nor runs ${cmd}: add it to CANNED or REAL`);
    opts.log?.write(`$ ${call.argv.join(' ')}\n`);
    const rule = this.rules
      .filter((r) => r.prefix.every((p, i) => call.argv[i] === p))
      .sort((a, b) => b.prefix.length - a.prefix.length)[0];
    const given = typeof rule?.answer === 'function' ? rule.answer(call) : (rule?.answer ?? {});
    const result: RunResult = { code: 0, stdout: '', stderr: '', ...given };
    if (result.code !== 0 && !opts.allowFailure) {
      throw new CommandError(`${cmd} ${args[0] ?? ''} exited with code ${result.code}:\n${result.stderr.trim()}`, result.code, result.stdout, result.stderr);
    }
    return result;
  }

  /** Each call as one line, `cmd arg arg …`, for exact comparisons. */
  lines(): string[] {
    return this.calls.map((c) => c.argv.join(' '));
  }
}

/** The flag Docker.create gives a RAM-backed volume at PostgreSQL's data mount. */
export const MEMORY_MOUNT_FLAG = `--mount type=volume,dst=${PG_DATA_MOUNT},volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=o=mode=1777`;

/**
 * Refuses the `start` of the dependency `name` (not of its holder), so a start ends, at once,
 * once its containers are made and its data is in place; the port lookup beside it is answered.
 */
export function refuseStart(runner: FakeRunner, engine: 'docker' | 'podman', name: string): FakeRunner {
  return runner.on([engine, 'port'], { stdout: '127.0.0.1:1\n' }).on([engine, 'start', name], { code: 1, stderr: 'start refused by the test' });
}
