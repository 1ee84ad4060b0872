/**
 * `placement: docker`: the dependency runs as a container of this leg, named and labelled for
 * it, its port published on 127.0.0.1 on a free host port that docker picks (so two legs never
 * race for one), and it counts as up only when its protocol check passes.
 *
 * As in a Kubernetes pod, the network belongs to a small holder container (`<name>-net`, the
 * same image sleeping) that the dependency shares: the published port, the networks it joins
 * and so its addresses stay when a test restarts or stops the dependency itself, so everything
 * that points at them (the in-cluster EndpointSlice, the host port) stays right. The holder also
 * carries the data volume (in RAM with `storage: memory`), so a restarted database keeps its data.
 */
import { LABEL_PREFIX } from '../config/identity.js';
import type { Docker } from '../docker/docker.js';
import { CommandError } from '../exec/runner.js';
import type { LogSink } from '../core/log.js';
import type { Preset } from './presets.js';
import { NotReadyError, waitUntilReady } from './readiness.js';
import { allDone } from '../core/all-done.js';

/** Tells this leg's PostgreSQL from its Redis among the containers that carry its labels. */
export const roleLabel = `${LABEL_PREFIX}.role`;
/** The name of the image a container was made from by its id, for whoever reads its inspect output. */
const imageLabel = `${LABEL_PREFIX}.image`;

export interface StartedContainer {
  container: string;
  /** The container that holds the network: join it to other networks, read its addresses there. */
  network: string;
  hostPort: number;
  /** The URL the runner uses: through the published port, or under act the container's name. */
  url: string;
  readyMs: number;
}

export interface StartOptions {
  name: string;
  /** A network to join as well (act: the job container's). */
  network?: string;
  /** How the runner reaches the container, given its published host port. Default: 127.0.0.1 and that port. */
  via?: (hostPort: number) => { host: string; port: number };
  labels: Record<string, string>;
  /** The image's name, when `preset.image` is its id: kept as a label, never used to find the containers. */
  imageName?: string;
  readyTimeoutMs: number;
  /**
   * Where a dependency that keeps data (`preset.data`) keeps it. memory: in a RAM-backed volume of
   * the holder, which the dependency mounts too, so it outlives a restart of the dependency but
   * never touches the disk; measured here, PostgreSQL's cold start fell from 1.0-2.0 s to 0.6 s.
   * disk (when not given): where the image puts it, unless a snapshot is restored (then a volume
   * of the holder on disk).
   */
  storage?: 'memory' | 'disk';
  /**
   * Start on data restored from a snapshot, when one arrives: `fetch` runs beside the start of
   * the holder, which carries the data volume; the archive (a tar of the data folder) is then
   * unpacked into that volume by `tar` in the holder (as root, keeping the numeric owners it
   * records), `prepare` runs in the holder, and the dependency starts on it. Measured here on a
   * 48 MB data directory on disk, the warm run took 1.1-1.7 s this way against 2.2-2.3 s with
   * `docker cp` into the dependency. `fetch` gives undefined to start empty; it must not reject.
   */
  restore?: { fetch: Promise<Restore | undefined> };
  /**
   * A host port reserved for the leg, to publish on instead of one docker picks. Docker 20.10
   * moves a port it picked when the container joins a network with IPv6 (kind's), and the old
   * one then refuses every connection: a URL handed out before would go dead.
   */
  hostPort?: number;
  signal?: AbortSignal;
  log?: LogSink;
}

export interface Restore {
  archive: Buffer;
  /**
   * Runs once the data is unpacked, before the dependency starts, given the holder, which mounts
   * the data at the same path (PostgreSQL: this run's password, set by a single-user server).
   */
  prepare: (holder: string) => Promise<void>;
}

export async function startContainer(docker: Docker, preset: Preset, opts: StartOptions): Promise<StartedContainer> {
  const call = { signal: opts.signal, log: opts.log };
  const labels = { ...opts.labels, [roleLabel]: preset.role };
  const createLabels = opts.imageName ? { ...labels, [imageLabel]: opts.imageName } : labels;
  const holder = `${opts.name}-net`;
  const data = preset.data;
  const memory = data && opts.storage === 'memory' ? [data.mount] : undefined;
  const disk = data && !memory && opts.restore ? [data.mount] : undefined;
  const holderSpec = {
    name: holder,
    image: preset.image,
    labels: createLabels,
    publish: [preset.port],
    hostPorts: opts.hostPort === undefined ? undefined : { [preset.port]: opts.hostPort },
    network: opts.network,
    // under act the job reaches the dependency by its own name
    aliases: opts.network ? [opts.name] : undefined,
    entrypoint: 'sleep',
    command: ['2147483647'],
    volumes: disk,
    memoryVolumes: memory,
  };
  const holderMade = (async () => {
    try {
      await docker.create(holderSpec, call);
    } catch (err) {
      // A container of this very leg left by an earlier attempt is replaced, never reused. Looked
      // for only when the name is taken: a docker call less on every cold start.
      if (!(err instanceof CommandError && /already in use/.test(err.stderr))) throw err;
      await docker.removeContainers(await docker.containers(labels, call), call);
      await docker.create(holderSpec, call);
    }
  })();
  const fetched = opts.restore?.fetch ?? Promise.resolve(undefined);
  // Created, not run: the dependency can be made (it only needs the holder to exist) while the
  // holder starts, which is most of the time two `docker run`s take (about 50 ms saved here).
  // It gives back where its data is placed: on disk the image keeps its own place, unless a
  // snapshot arrived for the holder's volume; only that case waits for the download.
  const dependencyMade = Promise.all([holderMade, disk ? fetched : undefined]).then(async ([, restore]) => {
    const placed = memory || restore ? data : undefined;
    await docker.create(
      {
        name: opts.name,
        image: preset.image,
        labels: createLabels,
        env: { ...preset.env, ...placed?.env },
        network: `container:${holder}`,
        volumesFrom: placed ? holder : undefined,
      },
      call,
    );
    return placed;
  });
  const [, restore, placed] = await allDone([holderMade.then(() => docker.start(holder, call)), fetched, dependencyMade]);
  if (placed && restore) {
    const unpacking = Date.now();
    await docker.exec(holder, ['tar', '--numeric-owner', '-x', '-C', placed.mount], { ...call, user: '0', input: restore.archive });
    const preparing = Date.now();
    await restore.prepare(holder);
    // what unpacking and the password cost (the download ran beside the holder's start), for whoever weighs a snapshot against the cold path
    opts.log?.write(`${preset.role}: snapshot unpacked in ${preparing - unpacking} ms, prepared in ${Date.now() - preparing} ms\n`);
  }
  const [hostPort] = await allDone([docker.hostPort(holder, preset.port, call), docker.start(opts.name, call)]);
  const at = opts.via?.(hostPort) ?? { host: '127.0.0.1', port: hostPort };
  opts.log?.write(`${preset.role}: ${opts.name} published on 127.0.0.1:${hostPort}; reached at ${at.host}:${at.port}\n`);
  try {
    const readyMs = await waitUntilReady(`${preset.role} (${opts.name})`, () => preset.probe(at.host, at.port), {
      timeoutMs: opts.readyTimeoutMs,
      signal: opts.signal,
      alive: () => docker.isRunning(opts.name),
    });
    opts.log?.write(`${preset.role}: ready after ${readyMs} ms\n`);
    return { container: opts.name, network: holder, hostPort, url: preset.url(at.host, at.port), readyMs };
  } catch (err) {
    if (!(err instanceof NotReadyError)) throw err;
    const tail = (await docker.logs(opts.name, 20)).trimEnd();
    throw new NotReadyError(`${err.message}\n--- last lines of ${opts.name} ---\n${tail || '(no output)'}`, { cause: err });
  }
}
