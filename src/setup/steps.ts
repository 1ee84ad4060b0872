/** Binds each planned step to the module that performs it. */
import type { Identity } from '../config/identity.js';
import type { Config } from '../config/normalize.js';
import type { TaskContext } from '../engine/types.js';
import type { Step } from '../plan/plan.js';
import type { Outputs, Services, SetupOptions } from './context.js';

export interface StepContext {
  config: Config;
  identity: Identity;
  options: SetupOptions;
  services: Services;
  outputs: Outputs;
  /** Values for `${…}` placeholders, filled in as tasks finish (POSTGRES_HOST, IMAGE_X, …). */
  values: Record<string, string>;
}

export async function runStep(step: Step, _ctx: StepContext, _task: TaskContext): Promise<void> {
  switch (step.kind) {
    default:
      throw new Error(`step "${step.kind}" is not built yet`);
  }
}
