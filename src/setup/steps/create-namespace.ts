/** The environment's namespace, labelled as the action's own. */
import { namespaceObject } from '../../kube/manifests.js';
import { clusterOf, type StepAction } from './step.js';

export const createNamespace: StepAction<'create-namespace'> = {
  kind: 'create-namespace',
  async run(_input, ctx, task) {
    const c = clusterOf(ctx);
    await c.kubectl.apply([namespaceObject(ctx.config.namespace)], ctx.config.namespace, { signal: task.signal, log: task.log });
    return { namespace: ctx.config.namespace };
  },
};
