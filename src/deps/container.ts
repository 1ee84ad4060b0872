/**
 * `placement: docker`: the dependency runs as a container of this leg, named and labelled for
 * it, its port published on 127.0.0.1 on a free host port that docker picks (so two legs never
 * race for one), and it counts as up only when its protocol check passes.
 */
import { LABEL_PREFIX } from '../config/identity.js';
import type { Docker } from '../docker/docker.js';
import type { LogSink } from '../core/log.js';
import type { Preset } from './presets.js';
import { NotReadyError, waitUntilReady } from './readiness.js';

/** Tells this leg's PostgreSQL from its Redis among the containers that carry its labels. */
export const roleLabel = `${LABEL_PREFIX}.role`;

export interface StartedContainer {
  container: string;
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
  readyTimeoutMs: number;
  signal?: AbortSignal;
  log?: LogSink;
}

export async function startContainer(docker: Docker, preset: Preset, opts: StartOptions): Promise<StartedContainer> {
  const call = { signal: opts.signal, log: opts.log };
  // A container of this very leg left by an earlier attempt is replaced, never reused.
  await docker.removeContainers(await docker.containers({ ...opts.labels, [roleLabel]: preset.role }, call), call);
  await docker.run(
    {
      name: opts.name,
      image: preset.image,
      labels: { ...opts.labels, [roleLabel]: preset.role },
      env: preset.env,
      publish: [preset.port],
      network: opts.network,
    },
    call,
  );
  const hostPort = await docker.hostPort(opts.name, preset.port, call);
  const at = opts.via?.(hostPort) ?? { host: '127.0.0.1', port: hostPort };
  opts.log?.write(`${preset.role}: ${opts.name} published on 127.0.0.1:${hostPort}; reached at ${at.host}:${at.port}\n`);
  try {
    const readyMs = await waitUntilReady(`${preset.role} (${opts.name})`, () => preset.probe(at.host, at.port), {
      timeoutMs: opts.readyTimeoutMs,
      signal: opts.signal,
      alive: () => docker.isRunning(opts.name),
    });
    opts.log?.write(`${preset.role}: ready after ${readyMs} ms\n`);
    return { container: opts.name, hostPort, url: preset.url(at.host, at.port), readyMs };
  } catch (err) {
    if (!(err instanceof NotReadyError)) throw err;
    const tail = (await docker.logs(opts.name, 20)).trimEnd();
    throw new NotReadyError(`${err.message}\n--- last lines of ${opts.name} ---\n${tail || '(no output)'}`, { cause: err });
  }
}

