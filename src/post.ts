/** The action's post step (always runs): diagnostics, then remove exactly what main made. */
import * as core from '@actions/core';
import { ProcessRunner } from './exec/runner.js';
import { Secrets } from './exec/secrets.js';
import { actionLogger } from './report/action.js';
import type { LegState } from './setup/context.js';
import { down } from './setup/down.js';

async function run(): Promise<void> {
  const saved = core.getState('leg');
  if (!saved) {
    core.info('nothing to clean up: the main step started nothing');
    return;
  }
  try {
    const state = JSON.parse(saved) as LegState;
    const secrets = new Secrets();
    for (const value of JSON.parse(core.getState('secrets') || '[]') as string[]) {
      core.setSecret(value);
      secrets.add(value);
    }
    const services = { runner: new ProcessRunner(secrets), secrets, logger: actionLogger, addPath: core.addPath };
    // The post step cannot see whether the tests after main failed, so it keeps the evidence,
    // unless main already wrote it when the setup failed.
    await down(state, services, { failed: core.getState('failed') === 'true', diagnostics: core.getState('diagnosed') !== 'true' });
  } catch (err) {
    core.setFailed(`cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

await run();
