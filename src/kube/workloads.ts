/**
 * Waiting for the workloads `deploy.wait` names (and the action's own PostgreSQL and Redis):
 * every one at once, each by the way kubectl can follow its kind, and each beside a watcher that
 * ends the wait once one of its pods is stuck in a state that waiting will not cure (an image
 * that cannot be had, a container that keeps crashing, a Job that failed), instead of after the
 * whole timeout. The first failure ends the other waits too, and is the one reported.
 */
import { waitMode } from '../config/schema.js';
import { errorMessage } from '../core/errors.js';
import type { Call } from '../core/log.js';
import { poll } from '../core/poll.js';
import type { Kubectl } from './kubectl.js';

const WATCH_INTERVAL_MS = 2000;

/**
 * Waiting reasons that kubelet keeps reporting until someone changes the pod (pkg/kubelet/images
 * and kuberuntime), each with how many polls in a row (2 s apart) it must last before the wait
 * gives up. An image that can never be had is final at once; a pull error may be a registry's
 * hiccup; a missing Secret key may be one an operator writes a little later.
 */
const STUCK_POLLS: Record<string, number> = {
  ErrImageNeverPull: 3,
  InvalidImageName: 3,
  ErrImagePull: 15,
  ImagePullBackOff: 15,
  CreateContainerConfigError: 30,
};
/**
 * A crash loop is stuck once the container has restarted this often: the first crashes of a
 * service that waits for another (started in the same deploy) are normal, and cured by a restart.
 */
const CRASH_RESTARTS = 3;

interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string } };
  lastState?: { terminated?: { exitCode?: number; reason?: string } };
}
export interface PodList {
  items: { metadata: { name: string }; status?: { initContainerStatuses?: ContainerStatus[]; containerStatuses?: ContainerStatus[] } }[];
}

/** A container stuck for good, said the way a person reads it, with how many polls it must last; or undefined. */
export function stuckReason(pods: PodList): { reason: string; polls: number } | undefined {
  for (const pod of pods.items) {
    for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      const waiting = c.state?.waiting;
      if (!waiting?.reason) continue;
      const crashLoop = waiting.reason === 'CrashLoopBackOff' && (c.restartCount ?? 0) >= CRASH_RESTARTS;
      const polls = crashLoop ? 1 : STUCK_POLLS[waiting.reason];
      if (polls === undefined) continue;
      const exit = c.lastState?.terminated?.exitCode;
      const last = exit === undefined ? '' : ` (last exit code ${exit}${crashLoop ? `, ${c.restartCount} restarts` : ''})`;
      return { reason: `pod ${pod.metadata.name}, container ${c.name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}${last}`, polls };
    }
  }
  return undefined;
}

/** A Job's Failed condition (its backoffLimit or deadline reached), said the way a person reads it. */
export function jobFailure(job: unknown): string | undefined {
  const conditions = (job as { status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] } }).status?.conditions ?? [];
  const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  return failed && `the Job failed: ${failed.reason ?? 'Failed'}${failed.message ? `: ${failed.message}` : ''}`;
}

/** A workload's label selector as kubectl takes it (matchLabels; matchExpressions are left to the timeout). */
function selectorOf(workload: unknown): string | undefined {
  const labels = (workload as { spec?: { selector?: { matchLabels?: Record<string, string> } } }).spec?.selector?.matchLabels ?? {};
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return pairs.length > 0 ? pairs.join(',') : undefined;
}

/** Settles only when the signal fires, by throwing its reason. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** Throws once the target is stuck for good (see STUCK_POLLS); runs until aborted otherwise. */
async function watchStuck(kubectl: Kubectl, namespace: string, target: string, signal: AbortSignal): Promise<never> {
  const [kind, name] = target.split('/');
  // the polls stay out of the task log: it would get a line every two seconds
  const quiet = { signal, quietStdout: true };
  let seen: { reason: string; times: number } | undefined;
  const reason = await poll(
    `${target}: watching its pods`,
    async () => {
      const workload = await kubectl.getObject(kind, name, namespace, quiet);
      const failedJob = waitMode(target) === 'complete' ? jobFailure(workload) : undefined;
      if (failedJob) return failedJob;
      const selector = selectorOf(workload);
      if (!selector) return untilAborted(signal); // nothing to watch: the wait's own timeout decides
      const pods = JSON.parse((await kubectl.run(['get', 'pods', '--namespace', namespace, '--selector', selector, '--output', 'json'], quiet)).stdout) as PodList;
      const now = stuckReason(pods);
      seen = now ? { reason: now.reason, times: now.reason === seen?.reason ? seen.times + 1 : 1 } : undefined;
      if (now && seen && seen.times >= now.polls) return seen.reason;
      throw new Error(now ? `${now.reason}, seen ${seen?.times} time(s)` : 'no pod stuck');
    },
    { intervalMs: WATCH_INTERVAL_MS, signal },
  );
  throw new Error(`${target} will not become ready: ${reason}`);
}

/** One workload, by the way its kind is followed, ended early by the watcher when it is stuck. */
export async function waitForWorkload(kubectl: Kubectl, namespace: string, target: string, timeoutSeconds: number, call: Call): Promise<void> {
  const stop = new AbortController();
  const signal = call.signal ? AbortSignal.any([call.signal, stop.signal]) : stop.signal;
  const sub = { ...call, signal };
  const done =
    waitMode(target) === 'complete'
      ? kubectl.waitComplete(namespace, target, timeoutSeconds, sub)
      : kubectl.rolloutStatus(namespace, target, timeoutSeconds, sub);
  const stuck = watchStuck(kubectl, namespace, target, signal);
  try {
    await Promise.race([done, stuck]);
  } finally {
    // whichever settled first decided; the other is stopped, and its abort is no news
    stop.abort(new Error(`${target}: the wait is over`));
    await Promise.allSettled([done, stuck]);
  }
}

/**
 * Every target at once: N waits cost the slowest one, not their sum. The first to fail stops the
 * others (a workload that waits for a broken one would otherwise keep the step for its whole
 * timeout), and its error, not theirs, is the one thrown.
 */
export async function waitForWorkloads(kubectl: Kubectl, namespace: string, targets: string[], timeoutSeconds: number, call: Call): Promise<void> {
  const stop = new AbortController();
  const signal = call.signal ? AbortSignal.any([call.signal, stop.signal]) : stop.signal;
  let first: unknown;
  await Promise.allSettled(
    targets.map((t) =>
      waitForWorkload(kubectl, namespace, t, timeoutSeconds, { ...call, signal }).catch((err: unknown) => {
        if (first === undefined) {
          first = err;
          call.log?.write(`${t}: ${errorMessage(err)}\n`);
          stop.abort(new Error(`stopped: ${t} failed`));
        }
      }),
    ),
  );
  if (first !== undefined) throw first;
}
