/** The action's main step: inputs -> config -> plan -> engine -> outputs, env and state. */
import * as core from '@actions/core';
import { parseInputs, parseMatrixInputs } from './config/inputs.js';
import { defaultWorkspace } from './config/load.js';
import { runPlanMatrix } from './matrix/run.js';
import { ProcessRunner } from './exec/runner.js';
import { Secrets } from './exec/secrets.js';
import { actionEvents, actionLogger, publishOutputs, writeSummary } from './report/action.js';
import { describeFailure } from './report/timings.js';
import { prepare } from './setup/prepare.js';
import { up } from './setup/up.js';

/** mode: plan-matrix. Reads every environment file and the change; outputs the legs to run. */
async function planMatrixMode(): Promise<void> {
  const inputs = parseMatrixInputs((name) => core.getInput(name));
  const plan = await runPlanMatrix(
    { ...inputs, workspace: defaultWorkspace(), eventName: process.env.GITHUB_EVENT_NAME, eventPath: process.env.GITHUB_EVENT_PATH },
    new ProcessRunner(),
  );
  for (const notice of plan.notices) core.notice(notice);
  for (const [file, why] of Object.entries(plan.reasons)) core.info(`${file}: ${why}`);
  core.setOutput('matrix', JSON.stringify(plan.matrix));
  core.setOutput('any', String(plan.any));
}

async function run(): Promise<void> {
  const mode = core.getInput('mode') || 'setup';
  if (mode === 'plan-matrix') {
    return planMatrixMode().catch((err: unknown) => core.setFailed(err instanceof Error ? err.message : String(err)));
  }
  if (mode !== 'setup') return core.setFailed(`input "mode": expected "setup" or "plan-matrix", got "${mode}"`);
  try {
    const inputs = parseInputs((name) => core.getInput(name));
    const prepared = prepare(inputs);
    const { config, state } = prepared;
    // Saved before anything starts, so that post can clean up whatever happens next.
    core.saveState('leg', JSON.stringify(state));
    const secrets = new Secrets();
    secrets.onAdd((value) => {
      core.setSecret(value);
      // post runs in a new process: it needs the values to mask the diagnostics it writes
      core.saveState('secrets', JSON.stringify(secrets.list()));
    });
    const services = {
      runner: new ProcessRunner(secrets),
      secrets,
      logger: actionLogger,
      addPath: (dir: string) => core.addPath(dir),
    };
    // A cancelled job signals this process: abort the graph, so its commands' process groups die
    // and the summary and diagnostics are still written.
    const stop = new AbortController();
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => stop.abort(new Error(`cancelled (${sig})`)));
    const { result, outputs, env, cache } = await up(prepared, inputs, services, { events: actionEvents, signal: stop.signal });
    publishOutputs(outputs, env, result);
    await writeSummary({ env: config.name, result, outputs, cache }, secrets.mask);
    if (!result.ok) {
      core.saveState('failed', 'true');
      core.saveState('diagnosed', 'true'); // up wrote the evidence on failure: post need not gather it again
      core.setFailed(describeFailure(result));
    }
  } catch (err) {
    core.saveState('failed', 'true');
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}

await run();
