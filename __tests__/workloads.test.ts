/** Which pod states end a wait early, and after how long: the ones waiting will not cure. */
import { describe, expect, test } from '@jest/globals';
import { jobFailure, stuckReason, type PodList } from '../src/kube/workloads.js';

type Waiting = { reason: string; message?: string };
const pod = (name: string, waiting?: Waiting, extra: { exitCode?: number; restarts?: number; init?: boolean } = {}): PodList['items'][number] => {
  const status = {
    name: 'app',
    restartCount: extra.restarts ?? 0,
    state: waiting ? { waiting } : { running: {} },
    ...(extra.exitCode === undefined ? {} : { lastState: { terminated: { exitCode: extra.exitCode } } }),
  };
  return { metadata: { name }, status: extra.init ? { initContainerStatuses: [{ ...status, name: 'init' }] } : { containerStatuses: [status] } };
};

describe('stuckReason', () => {
  test('a crash loop is stuck once the container has restarted three times, naming the pod, the container and the last exit code', () => {
    const crash = { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' };
    expect(stuckReason({ items: [pod('api-1', crash, { exitCode: 3, restarts: 2 })] })).toBeUndefined();
    expect(stuckReason({ items: [pod('api-1'), pod('api-2', crash, { exitCode: 3, restarts: 3 })] })).toEqual({
      reason: 'pod api-2, container app: CrashLoopBackOff: back-off 40s restarting failed container (last exit code 3, 3 restarts)',
      polls: 1,
    });
  });

  test('an image that can never be had is stuck within seconds; a pull error and a missing config key are given longer', () => {
    expect(stuckReason({ items: [pod('api-1', { reason: 'ErrImageNeverPull', message: 'Container image "x:1" is not present with pull policy of Never' })] })).toMatchObject({ polls: 3 });
    expect(stuckReason({ items: [pod('api-1', { reason: 'ImagePullBackOff' }, { init: true })] })).toEqual({ reason: 'pod api-1, container init: ImagePullBackOff', polls: 15 });
    expect(stuckReason({ items: [pod('api-1', { reason: 'CreateContainerConfigError', message: 'secret "db" not found' })] })).toMatchObject({ polls: 30 });
  });

  test('waiting for a normal reason (creating, initialising) is not stuck', () => {
    expect(stuckReason({ items: [pod('api-1', { reason: 'ContainerCreating' }), pod('api-2', { reason: 'PodInitializing' }), pod('api-3')] })).toBeUndefined();
    expect(stuckReason({ items: [{ metadata: { name: 'pending' } }] })).toBeUndefined();
  });
});

describe('jobFailure', () => {
  test("a Job's Failed condition, with its reason; none while it runs or once it completed", () => {
    const job = (conditions: unknown[]) => ({ status: { conditions } });
    expect(jobFailure(job([{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }]))).toBe(
      'the Job failed: BackoffLimitExceeded: Job has reached the specified backoff limit',
    );
    expect(jobFailure(job([{ type: 'Complete', status: 'True' }]))).toBeUndefined();
    expect(jobFailure({})).toBeUndefined();
  });
});
