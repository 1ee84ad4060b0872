/** Which pod states end a wait at once: the ones kubelet keeps reporting until someone changes the pod. */
import { describe, expect, test } from '@jest/globals';
import { stuckReason, type PodList } from '../src/kube/workloads.js';

const pod = (name: string, waiting?: { reason: string; message?: string }, exitCode?: number, init = false): PodList['items'][number] => {
  const status = { name: 'app', state: waiting ? { waiting } : { running: {} }, ...(exitCode === undefined ? {} : { lastState: { terminated: { exitCode } } }) };
  return { metadata: { name }, status: init ? { initContainerStatuses: [{ ...status, name: 'init' }] } : { containerStatuses: [status] } };
};

describe('stuckReason', () => {
  test('a crash loop names the pod, the container and the last exit code', () => {
    expect(stuckReason({ items: [pod('api-1', undefined), pod('api-2', { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container' }, 3)] })).toBe(
      'pod api-2, container app: CrashLoopBackOff: back-off 10s restarting failed container (last exit code 3)',
    );
  });

  test('an image that cannot be had, in a container or an init container', () => {
    expect(stuckReason({ items: [pod('api-1', { reason: 'ErrImageNeverPull', message: 'Container image "x:1" is not present with pull policy of Never' })] })).toContain('ErrImageNeverPull');
    expect(stuckReason({ items: [pod('api-1', { reason: 'ImagePullBackOff' }, undefined, true)] })).toBe('pod api-1, container init: ImagePullBackOff');
  });

  test('waiting for a normal reason (creating, initialising) is not stuck', () => {
    expect(stuckReason({ items: [pod('api-1', { reason: 'ContainerCreating' }), pod('api-2', { reason: 'PodInitializing' }), pod('api-3')] })).toBeUndefined();
    expect(stuckReason({ items: [{ metadata: { name: 'pending' } }] })).toBeUndefined();
  });
});
