// Shared by the kind and kubectl stand-ins: argument parsing that refuses flags the real tools
// lack, a record of every call (arguments, start, end, exit code) in $STANDIN_LOG, and docker.
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';

const started = Date.now();

export function record(tool, args, code, extra = {}) {
  if (!process.env.STANDIN_LOG) return;
  appendFileSync(process.env.STANDIN_LOG, `${JSON.stringify({ tool, args, start: started, end: Date.now(), code, ...extra })}\n`);
}

/** Exits like the real tools: the message on stderr, a non-zero code, and a record of it. */
export function fail(tool, args, message, code = 1) {
  process.stderr.write(`${message}\n`);
  record(tool, args, code);
  process.exit(code);
}

/**
 * Parses `--flag value`, `--flag=value` and booleans against what the real subcommand accepts.
 * Unknown flags are refused with the real tools' wording.
 */
export function parse(tool, all, args, spec) {
  const flags = {};
  const positionals = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-')) {
      positionals.push(a);
      continue;
    }
    const [name, inline] = a.replace(/^--?/, '').split(/=(.*)/s);
    if (!(name in spec)) fail(tool, all, `${tool === 'kind' ? 'ERROR' : 'error'}: unknown flag: --${name}`);
    if (spec[name] === 'bool') flags[name] = inline ?? 'true';
    else if (spec[name] === 'list') (flags[name] ??= []).push(inline ?? args[++i]); // repeatable: every value kept
    else flags[name] = inline ?? args[++i];
  }
  return { flags, positionals };
}

export function docker(args, input, env = process.env) {
  return execFileSync('docker', args, { encoding: 'utf8', input, env, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
