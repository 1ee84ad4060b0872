/**
 * The host, checked at t = 0 before anything is downloaded or built (every download and build
 * waits for this step, which asks the engine one `docker info`):
 * - free disk under the engine's data root against what this run will write: too little is an
 *   error naming both numbers;
 * - with a cluster, the cgroup version its Kubernetes needs: a mismatch is an error naming both;
 * - with a cluster, the inotify limits kind needs for the clusters on this host: raised when this
 *   process may (root writes /proc/sys; else passwordless `sudo -n sysctl`), else a warning with
 *   the command to run.
 * Each finding goes into the job summary. The rules and their sources are in host/preflight.ts.
 */
import { contextBytes, contextFiles } from '../../docker/context-hash.js';
import { errorMessage } from '../../core/errors.js';
import {
  ALLOWANCE,
  cgroupProblem,
  diskNeed,
  formatBytes,
  freeBytes,
  inotifyShortfall,
  readInotify,
  sysctlCommand,
  writeSysctls,
} from '../../host/preflight.js';
import type { CommandRunner } from '../../exec/runner.js';
import { KIND_CLUSTER_LABEL } from '../../kube/kind.js';
import type { StepContext } from '../step-context.js';
import type { StepAction, StepTask } from './step.js';


export class PreflightError extends Error {}

interface EngineInfo {
  rootDir?: string;
  cgroupVersion?: string;
}

export const preflight: StepAction<'preflight'> = {
  kind: 'preflight',
  async run(_input, ctx, task) {
    const findings: string[] = [];
    const say = (m: string): void => {
      findings.push(m);
      task.log.write(`${m}\n`);
    };
    // every engine call shares one bound: they all wait behind the daemon's locks, and this step gates the rest
    const bounded = { task, signal: AbortSignal.any([task.signal, AbortSignal.timeout(ENGINE_TIMEOUT_MS)]) };
    // the engine's answers are asked for first: they come back while the build contexts are walked
    const asked = [engineInfo(ctx, bounded), ctx.cluster ? clustersOnHost(ctx, bounded) : Promise.resolve(0)] as const;
    const files = Object.fromEntries(Object.entries(ctx.config.images).map(([name, image]) => [name, contextFiles(image.context)]));
    const [info, clusters, { parts, imageIds }] = await Promise.all([...asked, diskParts(ctx, bounded, files)]);

    const need = diskNeed(parts);
    const remote = engineElsewhere(ctx);
    const free = info.rootDir && !remote ? freeBytes(info.rootDir) : undefined;
    const detail = Object.entries(need.parts).map(([k, v]) => `${k} ${formatBytes(v)}`).join(', ');
    if (free === undefined) {
      const why = remote ?? (info.rootDir ? `${info.rootDir} cannot be read from here` : 'the engine did not say where it keeps its data');
      say(`disk: not checked (${why}); this run needs about ${formatBytes(need.total)}`);
    }
    else if (free < need.total) {
      throw new PreflightError(`not enough disk under ${info.rootDir}: ${formatBytes(free)} (${free} bytes) free, this run needs about ${formatBytes(need.total)} (${need.total} bytes): ${detail}. Free space (docker system prune) or use a larger runner.`);
    } else say(`disk: ${formatBytes(free)} free under ${info.rootDir}, ${need.total === 0 ? 'nothing to download or build' : `about ${formatBytes(need.total)} needed (${detail})`}`);

    if (ctx.cluster) {
      const kubernetes = ctx.config.cluster?.kubernetes;
      const problem = cgroupProblem(kubernetes, info.cgroupVersion);
      if (problem) throw new PreflightError(problem);
      say(`cgroup: v${info.cgroupVersion ?? '?'} for Kubernetes ${kubernetes ?? '(version unknown: the node image does not say)'}`);
      const limits = await inotifyFinding(ctx.services.runner, clusters, task.signal);
      if (limits.warn) ctx.services.logger.warn(limits.message);
      say(limits.message);
    }
    return { findings, contextFiles: files, imageIds };
  },
};

/**
 * `docker info` (and `ps`, `image inspect`) wait behind the daemon's locks: seen here behind a
 * stuck `rm` of another leg's containers. The engine gets 10 s; past that, what it did not say
 * is not checked (and never counted against the run).
 */
const ENGINE_TIMEOUT_MS = 10_000;

interface Bounded {
  task: StepTask;
  signal: AbortSignal;
}

/** The call's answer, or `fallback` when the engine did not answer in time (a cancelled task still throws). */
export async function orElse<T>(b: Bounded, what: string, call: Promise<T>, fallback: T): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (b.task.signal.aborted || !b.signal.aborted) throw err;
    b.task.log.write(`${what} did not answer in ${ENGINE_TIMEOUT_MS / 1000} s: not checked\n`);
    return fallback;
  }
}

/** Why the engine's disk is not this machine's to measure, if it is not: a remote engine, or act's job container. */
function engineElsewhere(ctx: StepContext): string | undefined {
  const host = process.env.DOCKER_HOST ?? process.env.CONTAINER_HOST;
  if (host && !host.startsWith('unix://')) return `the engine runs elsewhere (${host})`;
  if (ctx.reach.kind === 'container') return "this job runs in a container; the engine's disk is the host's";
  return undefined;
}

async function engineInfo(ctx: StepContext, b: Bounded): Promise<EngineInfo> {
  const r = await orElse(b, `${ctx.docker.engine} info`, ctx.docker.tryRun(['info', '--format', '{{json .}}'], { signal: b.signal }), undefined);
  if (!r || r.code !== 0) return {};
  try {
    const j = JSON.parse(r.stdout) as Record<string, unknown> & { store?: { graphRoot?: string }; host?: { cgroupVersion?: string } };
    // docker: moby api/types/system/info.go (DockerRootDir, CgroupVersion "1"|"2"); podman: store.graphRoot, host.cgroupVersion "v1"|"v2"
    if (ctx.docker.engine === 'podman') return { rootDir: j.store?.graphRoot, cgroupVersion: j.host?.cgroupVersion?.replace(/^v/, '') };
    return { rootDir: typeof j.DockerRootDir === 'string' ? j.DockerRootDir : undefined, cgroupVersion: typeof j.CgroupVersion === 'string' ? j.CgroupVersion : undefined };
  } catch {
    return {};
  }
}

/** What this run writes under the data root: what is already there costs nothing, and the ids of the images found. */
async function diskParts(ctx: StepContext, b: Bounded, files: Record<string, string[]>): Promise<{ parts: Record<string, number>; imageIds: Record<string, string> }> {
  const parts: Record<string, number> = {};
  const imageIds: Record<string, string> = {};
  const missing = async (ref: string): Promise<boolean> => {
    const id = await orElse(b, `image inspect ${ref}`, ctx.docker.imageId(ref, { signal: b.signal }), null);
    if (id === null) return false; // not answered in time: not counted, and looked for again by its pull
    if (id) imageIds[ref] = id;
    return !id;
  };
  const checks: Promise<void>[] = [];
  const node = ctx.config.cluster?.nodeImage;
  if (node) checks.push(missing(node).then((m) => void (m && (parts['node image'] = ALLOWANCE.nodeImage))));
  for (const dep of ['postgres', 'redis'] as const) {
    const image = ctx.config[dep]?.image;
    if (image) checks.push(missing(image).then((m) => void (m && (parts[`image ${image}`] = ALLOWANCE.dependencyImage))));
  }
  for (const [name, image] of Object.entries(ctx.config.images)) parts[`build ${name}`] = contextBytes(image.context, files[name] ?? []) + ALLOWANCE.buildLayers;
  await Promise.all(checks);
  return { parts, imageIds };
}

/** kind clusters on this host, this one included. */
async function clustersOnHost(ctx: StepContext, b: Bounded): Promise<number> {
  const args = ['ps', '--all', '--filter', `label=${KIND_CLUSTER_LABEL}`, '--format', `{{.Label "${KIND_CLUSTER_LABEL}"}}`];
  const r = await orElse(b, `${ctx.docker.engine} ps`, ctx.docker.tryRun(args, { signal: b.signal }), { code: 0, stdout: '', stderr: '' });
  const names = new Set(r.stdout.split('\n').map((l) => l.trim()).filter(Boolean));
  names.add(ctx.identity.clusterName);
  return names.size;
}

/**
 * The inotify finding for `clusters` clusters: enough, raised (root through /proc/sys, else
 * passwordless `sudo -n sysctl -w`), or, with `warn`, the command the user must run.
 */
export async function inotifyFinding(runner: CommandRunner, clusters: number, signal?: AbortSignal): Promise<{ message: string; warn: boolean }> {
  const short = inotifyShortfall(readInotify(), clusters);
  const list = Object.entries(short).map(([k, n]) => `${k}=${n}`).join(' ');
  const sysctl = sysctlCommand(short); // sudo sysctl -w …
  const command = sysctl.join(' ');
  if (Object.keys(short).length === 0) return { message: `inotify: enough for ${clusters} cluster(s)`, warn: false };
  if (process.getuid?.() === 0) {
    try {
      writeSysctls(short);
      return { message: `inotify: raised ${list} for ${clusters} cluster(s)`, warn: false };
    } catch (err) {
      return { message: `inotify: could not raise ${list} (${errorMessage(err)}); run: ${command}`, warn: true };
    }
  }
  const sudo = await runner.run('sudo', ['-n', ...sysctl.slice(1)], { signal, allowFailure: true }).catch(() => undefined);
  if (sudo?.code === 0) return { message: `inotify: raised ${list} for ${clusters} cluster(s) (sudo)`, warn: false };
  return { message: `inotify: ${list} are needed for ${clusters} cluster(s) and this process may not raise them; run: ${command}`, warn: true };
}
