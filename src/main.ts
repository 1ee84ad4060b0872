/** The action's main step: inputs -> config -> plan -> engine -> outputs, env and state. */
import * as core from '@actions/core';
import { parseInputs } from './config/inputs.js';
import { ProcessRunner } from './exec/runner.js';
import { Secrets } from './exec/secrets.js';
import { actionEvents, actionLogger, publishOutputs, writeSummary } from './report/action.js';
import { describeFailure } from './report/timings.js';
import { prepare } from './setup/prepare.js';
import { up } from './setup/up.js';

async function run(): Promise<void> {
  try {
    const inputs = parseInputs((name) => core.getInput(name));
    const { config, identity, state } = prepare(inputs);
    // Saved before anything starts, so that post can clean up whatever happens next.
    core.saveState('leg', JSON.stringify(state));
    const secrets = new Secrets();
    secrets.onAdd((value) => core.setSecret(value));
    const services = {
      runner: new ProcessRunner(secrets),
      secrets,
      logger: actionLogger,
      addPath: (dir: string) => core.addPath(dir),
    };
    const { result, outputs, env, cache } = await up(config, identity, inputs, services, { events: actionEvents });
    publishOutputs(outputs, env, result);
    await writeSummary({ env: config.name, result, outputs, cache }, secrets.mask);
    if (!result.ok) {
      core.saveState('failed', 'true');
      core.setFailed(describeFailure(result));
    }
  } catch (err) {
    core.saveState('failed', 'true');
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}

await run();
