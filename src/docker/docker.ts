/**
 * A typed wrapper over the docker (or podman) CLI. Every call goes through the one command
 * runner, with arguments as an array. Labels are how this leg's objects are found again.
 */
import type { Call } from '../core/log.js';
import type { CommandRunner } from '../exec/runner.js';

export type Engine = 'docker' | 'podman';

export interface ContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  env?: Record<string, string>;
  /** Container ports to publish on 127.0.0.1, each on a free host port that docker picks… */
  publish?: number[];
  /** …unless given here, by container port: a fixed host port stays when the container joins another network. */
  hostPorts?: Record<number, number>;
  /** A network to join, or `container:<name>` to share that container's network namespace. */
  network?: string;
  /** Other names the container answers to on `network`. */
  aliases?: string[];
  entrypoint?: string;
  /** Paths that get an anonymous volume each (removed with the container: `rm --volumes`). */
  volumes?: string[];
  /**
   * Paths that get an anonymous volume each whose data lives in RAM (the local driver mounting a
   * tmpfs, mode 1777 so any user of the image can make its folder there). Unlike `--tmpfs`, a
   * volume is shared through `volumesFrom`; it is removed with the container like any other.
   */
  memoryVolumes?: string[];
  /** A container whose volumes this one mounts too, at the same paths. */
  volumesFrom?: string;
  /** Arguments after the image: its command. */
  command?: string[];
}

export class Docker {
  constructor(
    private readonly runner: CommandRunner,
    readonly engine: Engine = 'docker',
  ) {}

  /**
   * Whether `memoryVolumes` can be made: they are made with docker's `--mount …,volume-opt=…`,
   * which podman's `--mount` took only from 2022 (containers/podman#13387), and no podman can be
   * tried here, so with podman they are not offered.
   */
  get memoryVolumes(): boolean {
    return this.engine === 'docker';
  }

  private async out(args: string[], call: Call = {}, quiet = false): Promise<string> {
    const r = await this.runner.run(this.engine, args, { ...call, quietStdout: quiet });
    return r.stdout.trim();
  }

  /** Any command, resolved with its exit code instead of throwing: for probes. */
  tryRun(args: string[], call: Call = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    return this.runner.run(this.engine, args, { ...call, allowFailure: true });
  }

  async imageExists(ref: string, call: Call = {}): Promise<boolean> {
    return (await this.imageId(ref, call)) !== undefined;
  }

  /** The image's id (its config's digest), or undefined when the host does not have it. */
  async imageId(ref: string, call: Call = {}): Promise<string | undefined> {
    const r = await this.tryRun(['image', 'inspect', '--format', '{{.Id}}', ref], { signal: call.signal });
    return r.code === 0 ? r.stdout.trim() || undefined : undefined;
  }

  async tag(source: string, target: string, call: Call = {}): Promise<void> {
    await this.runner.run(this.engine, ['tag', source, target], call);
  }

  pull(ref: string, call: Call = {}): Promise<string> {
    return this.out(['pull', ref], call);
  }

  async save(ref: string, file: string, call: Call = {}): Promise<void> {
    await this.runner.run(this.engine, ['save', '--output', file, ref], call);
  }

  private versions?: Promise<{ client: string; serverApi: string }>;

  /**
   * Saves one platform of an image (`linux/amd64`) where the engine can, and says how it saved:
   * - `platform`: `docker save --platform`, which needs the client of Docker 28 (older clients
   *   refuse the flag) and Engine API 1.48 on the daemon;
   * - `whole`: a plain save, which is that one platform where images are stored one platform
   *   each (docker's classic store, podman);
   * - `index`: a plain save from Docker's containerd image store before Docker 28, which writes
   *   the whole index, other platforms' absent content included (kind#3795): such an archive
   *   must be imported for the one platform, not with kind's --all-platforms.
   */
  async savePlatform(ref: string, file: string, platform: string, call: Call = {}): Promise<'platform' | 'whole' | 'index'> {
    let mode: 'platform' | 'whole' | 'index' = 'whole';
    if (this.engine === 'docker') {
      const { client, serverApi } = await this.engineVersions(call);
      if (Number(client.split('.')[0]) >= 28 && apiAtLeast(serverApi, 1, 48)) mode = 'platform';
      else if (await this.containerdStore(call)) mode = 'index';
    }
    await this.runner.run(this.engine, ['save', ...(mode === 'platform' ? ['--platform', platform] : []), '--output', file, ref], call);
    return mode;
  }

  /** The client's version and the daemon's Engine API version, asked once. */
  engineVersions(call: Call = {}): Promise<{ client: string; serverApi: string }> {
    this.versions ??= this.tryRun(['version', '--format', '{{.Client.Version}} {{.Server.APIVersion}}'], { signal: call.signal }).then((r) => {
      const [client = '', serverApi = ''] = r.stdout.trim().split(/\s+/);
      return { client, serverApi };
    });
    return this.versions;
  }

  /** Whether the daemon stores images in containerd (`docker info`: DriverStatus "driver-type" io.containerd.snapshotter.v1). */
  private async containerdStore(call: Call): Promise<boolean> {
    const r = await this.tryRun(['info', '--format', '{{json .DriverStatus}}'], { signal: call.signal });
    return r.stdout.includes('io.containerd.snapshotter.v1');
  }

  /** Loads an archive; returns the tags it held ("Loaded image: name:tag"). */
  async load(file: string, call: Call = {}): Promise<string[]> {
    const r = await this.runner.run(this.engine, ['load', '--input', file], call);
    return [...r.stdout.matchAll(/^Loaded image:\s*(\S+)/gm)].map((m) => m[1]);
  }

  /** `args` starts with `build` (or `buildx build`); output streams into the log. */
  async build(args: string[], call: Call & { env?: Record<string, string> }): Promise<void> {
    await this.runner.run(this.engine, args, call);
  }

  /**
   * A container made but not started (another can be made to share it, or files put in, before
   * it starts); returns its id. The environment is passed by name so values never sit in argv.
   */
  async create(spec: ContainerSpec, call: Call = {}): Promise<string> {
    const args = ['create', '--name', spec.name];
    for (const [k, v] of Object.entries(spec.labels)) args.push('--label', `${k}=${v}`);
    for (const p of spec.publish ?? []) args.push('--publish', `127.0.0.1:${spec.hostPorts?.[p] ?? ''}:${p}`);
    if (spec.network) args.push('--network', spec.network);
    for (const a of spec.aliases ?? []) args.push('--network-alias', a);
    if (spec.entrypoint) args.push('--entrypoint', spec.entrypoint);
    for (const v of spec.volumes ?? []) args.push('--volume', v);
    if (spec.memoryVolumes?.length && !this.memoryVolumes) throw new Error(`${this.engine} cannot make the RAM-backed volumes of ${spec.name} here`);
    for (const v of spec.memoryVolumes ?? []) args.push('--mount', `type=volume,dst=${v},volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=o=mode=1777`);
    if (spec.volumesFrom) args.push('--volumes-from', spec.volumesFrom);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(spec.env ?? {})) {
      args.push('--env', k);
      env[k] = v;
    }
    args.push(spec.image, ...(spec.command ?? []));
    const r = await this.runner.run(this.engine, args, { ...call, env });
    return r.stdout.trim();
  }

  async start(container: string, call: Call = {}): Promise<void> {
    await this.runner.run(this.engine, ['start', container], call);
  }

  /** A file of the container, to a path on the host. */
  async copyOut(container: string, file: string, to: string, call: Call = {}): Promise<void> {
    await this.runner.run(this.engine, ['cp', `${container}:${file}`, to], call);
  }

  /** A file of the host, into the container at `to`. */
  async copyIn(file: string, container: string, to: string, call: Call = {}): Promise<void> {
    await this.runner.run(this.engine, ['cp', file, `${container}:${to}`], call);
  }

  /** A container's HostConfig.NetworkMode (`host`, `bridge`, `default`, a network's name, `container:<id>`), or undefined when the daemon does not know it. */
  async networkMode(container: string, call: Call = {}): Promise<string | undefined> {
    const r = await this.tryRun(['inspect', '--type', 'container', '--format', '{{.HostConfig.NetworkMode}}', container], { signal: call.signal });
    return r.code === 0 ? r.stdout.trim() || undefined : undefined;
  }

  /** A command in a running container, arguments as an array; stdin when given. */
  exec(container: string, args: string[], call: Call & { input?: string | Buffer; user?: string; allowFailure?: boolean } = {}) {
    const user = call.user ? ['--user', call.user] : [];
    return this.runner.run(this.engine, ['exec', ...(call.input !== undefined ? ['--interactive'] : []), ...user, container, ...args], {
      signal: call.signal,
      log: call.log,
      input: call.input,
      allowFailure: call.allowFailure,
    });
  }

  /** The host port that a published container port landed on. */
  async hostPort(container: string, port: number, call: Call = {}): Promise<number> {
    const text = await this.out(['port', container, `${port}/tcp`], call);
    const m = /127\.0\.0\.1:(\d+)/.exec(text) ?? /:(\d+)\s*$/m.exec(text);
    if (!m) throw new Error(`container ${container} publishes no host port for ${port}: "${text}"`);
    return Number(m[1]);
  }

  async isRunning(container: string, call: Call = {}): Promise<boolean> {
    const r = await this.tryRun(['inspect', '--format', '{{.State.Running}}', container], { signal: call.signal });
    return r.stdout.trim() === 'true';
  }

  async createNetwork(name: string, labels: Record<string, string>, call: Call = {}): Promise<void> {
    const args = ['network', 'create', ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]), name];
    const r = await this.runner.run(this.engine, args, { ...call, allowFailure: true });
    if (r.code !== 0 && !/already exists/i.test(r.stderr)) throw new Error(`could not create network ${name}: ${r.stderr.trim()}`);
  }

  /** Joins a container to a network; already joined is fine. */
  async connectNetwork(network: string, container: string, call: Call = {}): Promise<void> {
    const r = await this.runner.run(this.engine, ['network', 'connect', network, container], { ...call, allowFailure: true });
    if (r.code !== 0 && !/already exists/i.test(r.stderr)) throw new Error(`could not connect ${container} to network ${network}: ${r.stderr.trim()}`);
  }

  /** The container's address on a network, of the given family. */
  async addressOn(container: string, network: string, family: 'ipv4' | 'ipv6' = 'ipv4', call: Call = {}): Promise<string> {
    const field = family === 'ipv6' ? '.GlobalIPv6Address' : '.IPAddress';
    const format = `{{with index .NetworkSettings.Networks "${network}"}}{{${field}}}{{end}}`;
    const address = await this.out(['inspect', '--format', format, container], call);
    const valid = family === 'ipv6' ? /^[0-9a-f:]+$/i.test(address) && address.includes(':') : /^\d+\.\d+\.\d+\.\d+$/.test(address);
    if (!valid) throw new Error(`container ${container} has no ${family === 'ipv6' ? 'IPv6' : 'IPv4'} address on network ${network}`);
    return address;
  }

  async logs(container: string, tail?: number, call: Call = {}): Promise<string> {
    const args = ['logs', ...(tail ? ['--tail', String(tail)] : []), container];
    const r = await this.runner.run(this.engine, args, { signal: call.signal, allowFailure: true, quietStdout: true });
    return `${r.stdout}${r.stderr}`;
  }

  async inspect(object: string, call: Call = {}): Promise<string> {
    const r = await this.runner.run(this.engine, ['inspect', object], { signal: call.signal, allowFailure: true, quietStdout: true });
    return r.stdout;
  }

  /** Names of the containers (running or not) that carry every one of these labels. */
  async containers(labels: Record<string, string>, call: Call = {}): Promise<string[]> {
    return lines(await this.out(['ps', '--all', '--format', '{{.Names}}', ...labelFilters(labels)], call, true));
  }

  async networks(labels: Record<string, string>, call: Call = {}): Promise<string[]> {
    return lines(await this.out(['network', 'ls', '--format', '{{.Name}}', ...labelFilters(labels)], call, true));
  }

  async volumes(labels: Record<string, string>, call: Call = {}): Promise<string[]> {
    return lines(await this.out(['volume', 'ls', '--format', '{{.Name}}', ...labelFilters(labels)], call, true));
  }

  /** Removes containers with their anonymous volumes; what is already gone is fine. */
  async removeContainers(names: string[], call: Call = {}): Promise<void> {
    if (names.length === 0) return;
    await this.runner.run(this.engine, ['rm', '--force', '--volumes', ...names], { ...call, allowFailure: true });
  }

  /** Detaches whatever is still attached (act's job container), then removes the networks. */
  async removeNetworks(names: string[], call: Call = {}): Promise<void> {
    for (const name of names) {
      const attached = await this.tryRun(['network', 'inspect', '--format', '{{range $id, $c := .Containers}}{{$id}} {{end}}', name], call);
      for (const id of attached.stdout.split(/\s+/).filter(Boolean)) {
        await this.tryRun(['network', 'disconnect', '--force', name, id], call);
      }
    }
    if (names.length === 0) return;
    await this.runner.run(this.engine, ['network', 'rm', ...names], { ...call, allowFailure: true });
  }

  async removeVolumes(names: string[], call: Call = {}): Promise<void> {
    if (names.length === 0) return;
    await this.runner.run(this.engine, ['volume', 'rm', '--force', ...names], { ...call, allowFailure: true });
  }
}

function apiAtLeast(version: string, major: number, minor: number): boolean {
  const [a, b] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

function labelFilters(labels: Record<string, string>): string[] {
  return Object.entries(labels).flatMap(([k, v]) => ['--filter', `label=${k}=${v}`]);
}

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}
