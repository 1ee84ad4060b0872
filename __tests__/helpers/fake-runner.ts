/**
 * A recording CommandRunner for the unit tier: every call's argv, input and environment are
 * kept, and answers are canned by argv prefix (the longest matching prefix wins). A non-zero
 * answer rejects with the same CommandError the real runner throws, unless allowFailure.
 */
import { CommandError, type CommandRunner, type RunOptions, type RunResult } from '../../src/exec/runner.js';

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

  /** Answers every call whose argv starts with `prefix`. */
  on(prefix: string[], answer: Answer): this {
    this.rules.push({ prefix, answer });
    return this;
  }

  async run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    opts.signal?.throwIfAborted();
    const call: RecordedCall = { argv: [cmd, ...args], input: opts.input?.toString(), env: opts.env, cwd: opts.cwd };
    this.calls.push(call);
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
