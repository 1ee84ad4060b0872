/**
 * Waiting for the workloads `deploy.wait` names (and the action's own PostgreSQL and Redis):
 * every one at once, each by the way kubectl can follow its kind, and each beside a watcher that
 * ends the wait as soon as one of its pods is stuck in a state no waiting cures (a crash loop, an
 * image that cannot be pulled), instead of after the whole timeout.
 */
import { waitMode } from '../config/schema.js';
import { allDone } from '../core/all-done.js';
import { errorMessage } from '../core/errors.js';
import type { Call } from '../core/log.js';
import { poll } from '../core/poll.js';
import type { Kubectl } from './kubectl.js';

/**
 * Waiting reasons kubelet keeps reporting until someone changes the pod (pkg/kubelet/images and
 * kuberuntime: ErrImagePull, ImagePullBackOff, ErrImageNeverPull, InvalidImageName;
 * CreateContainerConfigError for a missing Secret or ConfigMap key; CrashLoopBackOff).
 */
const STUCK = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'ErrImageNeverPull', 'InvalidImageName', 'CreateContainerConfigError']);

/** A stuck reason must be seen this many polls in a row: one ErrImagePull may be a registry's hiccup. */
const STUCK_POLLS = 3;
const WATCH_INTERVAL_MS = 2000;

interface ContainerStatus {
  name: string;
  state?: { waiting?: { reason?: string; message?: string } };
  lastState?: { terminated?: { exitCode?: number; reason?: string } };
}
export interface PodList {
  items: { metadata: { name: string }; status?: { initContainerStatuses?: ContainerStatus[]; containerStatuses?: ContainerStatus[] } }[];
}

/** The first pod container stuck for good, said the way a person reads it, or undefined. */
export function stuckReason(pods: PodList): string | undefined {
  for (const pod of pods.items) {
    for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      const waiting = c.state?.waiting;
      if (!waiting?.reason || !STUCK.has(waiting.reason)) continue;
      const exit = c.lastState?.terminated?.exitCode;
      const last = exit === undefined ? '' : ` (last exit code ${exit})`;
      return `pod ${pod.metadata.name}, container ${c.name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}${last}`;
    }
  }
  return undefined;
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

/** Throws once the target's pods have been stuck for STUCK_POLLS polls in a row; runs until aborted otherwise. */
async function watchStuck(kubectl: Kubectl, namespace: string, target: string, signal: AbortSignal): Promise<never> {
  const [kind, name] = target.split('/');
  // the polls stay out of the task log: it would get a line every two seconds
  const quiet = { signal, quietStdout: true };
  let seen: { reason: string; times: number } | undefined;
  const reason = await poll(
    `${target}: watching its pods`,
    async () => {
      const selector = selectorOf(await kubectl.getObject(kind, name, namespace, quiet));
      if (!selector) return untilAborted(signal); // nothing to watch: the wait's own timeout decides
      const pods = JSON.parse((await kubectl.run(['get', 'pods', '--namespace', namespace, '--selector', selector, '--output', 'json'], quiet)).stdout) as PodList;
      const now = stuckReason(pods);
      seen = now && now === seen?.reason ? { reason: now, times: seen.times + 1 } : now ? { reason: now, times: 1 } : undefined;
      if (seen && seen.times >= STUCK_POLLS) return seen.reason;
      throw new Error(now ? `${now}, seen ${seen?.times} time(s)` : 'no pod stuck');
    },
    { intervalMs: WATCH_INTERVAL_MS, signal },
  );
  throw new Error(`${target} will not become ready: ${reason}`);
}

/** One workload, by the way its kind is followed, ended early by the watcher when a pod is stuck. */
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
    stop.abort(new Error(`${target}: the wait is over`));
    const ended = await Promise.allSettled([done, stuck]);
    for (const r of ended) if (r.status === 'rejected' && !signal.aborted) call.log?.write(`${target}: ${errorMessage(r.reason)}\n`);
  }
}

/** Every target at once: N waits cost the slowest one, not their sum. */
export async function waitForWorkloads(kubectl: Kubectl, namespace: string, targets: string[], timeoutSeconds: number, call: Call): Promise<void> {
  await allDone(targets.map((t) => waitForWorkload(kubectl, namespace, t, timeoutSeconds, call)));
}
