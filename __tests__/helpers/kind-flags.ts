/**
 * kind v0.32.0's command line, from its own cobra definitions (kubernetes-sigs/kind at tag
 * v0.32.0, commit cda67ef8588f6bfdac5358233f2471cb2149ecaf), for checking every kind command
 * line our tests record. `value` flags take an argument; `bool` flags do not.
 */
export type FlagKind = 'value' | 'bool';

export interface KindCommand {
  /** Where the command is defined in kind's sources. */
  source: string;
  /** How many positional arguments cobra accepts. */
  args: [min: number, max: number];
  flags: Record<string, FlagKind>;
}

/** pkg/cmd/kind/root.go: PersistentFlags, on every command. */
export const KIND_GLOBAL_FLAGS: Record<string, FlagKind> = { verbosity: 'value', v: 'value', quiet: 'bool', q: 'bool', help: 'bool', h: 'bool' };

export const KIND_COMMANDS: Record<string, KindCommand> = {
  version: { source: 'pkg/cmd/kind/version/version.go', args: [0, Infinity], flags: {} },
  'get clusters': { source: 'pkg/cmd/kind/get/clusters/clusters.go', args: [0, 0], flags: {} },
  'get kubeconfig': { source: 'pkg/cmd/kind/get/kubeconfig/kubeconfig.go', args: [0, 0], flags: { name: 'value', n: 'value', internal: 'bool' } },
  'create cluster': {
    source: 'pkg/cmd/kind/create/cluster/createcluster.go',
    args: [0, 0],
    flags: { name: 'value', n: 'value', config: 'value', image: 'value', retain: 'bool', wait: 'value', kubeconfig: 'value' },
  },
  'delete cluster': { source: 'pkg/cmd/kind/delete/cluster/deletecluster.go', args: [0, 0], flags: { name: 'value', n: 'value', kubeconfig: 'value' } },
  'load docker-image': { source: 'pkg/cmd/kind/load/docker-image/docker-image.go', args: [1, Infinity], flags: { name: 'value', n: 'value', nodes: 'value' } },
  'load image-archive': { source: 'pkg/cmd/kind/load/image-archive/image-archive.go', args: [1, Infinity], flags: { name: 'value', n: 'value', nodes: 'value' } },
  'export logs': { source: 'pkg/cmd/kind/export/logs/logs.go', args: [0, 1], flags: { name: 'value', n: 'value' } },
};

/** Undefined when kind v0.32.0 would parse `args`; else why not. */
export function kindParseError(args: string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const name = [`${words[0]} ${words[1]}`, words[0]].find((n) => n in KIND_COMMANDS);
  if (!name) return `unknown command "${words.slice(0, 2).join(' ')}"`;
  const command = KIND_COMMANDS[name];
  const flags = { ...KIND_GLOBAL_FLAGS, ...command.flags };
  const rest = args.slice(args.indexOf(name.split(' ').pop() ?? '') + 1);
  const positionals: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('-')) {
      positionals.push(a);
      continue;
    }
    const [flag, inline] = a.replace(/^--?/, '').split(/=(.*)/s);
    const kind = flags[flag];
    if (!kind) return `unknown flag: ${a} (${command.source})`;
    if (kind === 'value' && inline === undefined && (i + 1 >= rest.length || rest[i + 1].startsWith('-'))) return `flag needs an argument: ${a}`;
    if (kind === 'value' && inline === undefined) i++;
  }
  const [min, max] = command.args;
  if (positionals.length < min || positionals.length > max) return `"kind ${name}" takes ${min}..${max} arguments, got ${positionals.length}`;
  return undefined;
}
