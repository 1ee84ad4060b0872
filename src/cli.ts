#!/usr/bin/env node
/** The local front end: `ds-e2e-setup validate|plan|up|down -c FILE`. Thin, like main.ts. */
import { chmodSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseInputs, parseMatrixInputs } from './config/inputs.js';
import { defaultWorkspace } from './config/load.js';
import { runPlanMatrix } from './matrix/run.js';
import { formatMs } from './core/format.js';
import type { EngineEvents } from './engine/types.js';
import { ProcessRunner } from './exec/runner.js';
import { Secrets } from './exec/secrets.js';
import { describePlan } from './plan/describe.js';
import { planTasks } from './plan/plan.js';
import { savingLine } from './report/summary.js';
import { describeFailure } from './report/timings.js';
import { down } from './setup/down.js';
import { prepare } from './setup/prepare.js';
import { up } from './setup/up.js';

const USAGE = `usage: ds-e2e-setup <command> -c FILE [options]

commands:
  validate   check the environment file; start nothing
  plan       print the task graph and its estimated critical path; run nothing
  up         stand the environment up and print its endpoints
  down       remove exactly what \`up\` made
  plan-matrix  choose the legs a change affects (no -c): prints the matrix JSON

options:
  -c, --config FILE        the environment file (required)
  --matrix JSON            this leg's matrix values, as the action's \`matrix\` input
  --kubernetes-version V   override cluster.kubernetes
  --node-image REF         override the node image (a full reference)
  --timeout-minutes N      abort \`up\` after N minutes
  --no-cache               do not use the cache
  --configs GLOB           with \`plan-matrix\`: the environment files (default .github/e2e/*.yaml)
  --base REF               with \`plan-matrix\`: compare HEAD with REF (e.g. origin/main)
  --axes JSON              with \`plan-matrix\`: axes to expand each leg over, e.g. '{"kubernetes":["v1.33.1"]}'
  --dotenv FILE            with \`up\`: also write the variables to FILE, dotenv format
                           (not --env-file: Node 20 reads that flag itself)
`;

const log = (m: string): void => void process.stderr.write(`${m}\n`);
const events: EngineEvents = {
  started: (task) => log(`▶ ${task}`),
  finished: (task, status, ms, text) => {
    log(`${status === 'succeeded' ? '✔' : status === 'failed' ? '✖' : '○'} ${task} ${status} in ${formatMs(ms)}`);
    if (status === 'failed' && text.trim()) log(text.trimEnd().replace(/^/gm, '    '));
  },
};

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      matrix: { type: 'string' },
      'kubernetes-version': { type: 'string' },
      'node-image': { type: 'string' },
      'timeout-minutes': { type: 'string' },
      'no-cache': { type: 'boolean' },
      dotenv: { type: 'string' },
      configs: { type: 'string' },
      base: { type: 'string' },
      axes: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  if (!['validate', 'plan', 'up', 'down', 'plan-matrix'].includes(command)) {
    log(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  if (command === 'plan-matrix') {
    const m = parseMatrixInputs((name) => ({ configs: values.configs, base: values.base, axes: values.axes })[name] ?? '');
    const plan = await runPlanMatrix({ ...m, workspace: defaultWorkspace() }, new ProcessRunner());
    for (const notice of plan.notices) log(`notice: ${notice}`);
    for (const [file, why] of Object.entries(plan.reasons)) log(`${file}: ${why}`);
    process.stdout.write(`${JSON.stringify(plan.matrix)}\n`);
    return 0;
  }
  const flags: Record<string, string | undefined> = {
    config: values.config,
    matrix: values.matrix,
    'kubernetes-version': values['kubernetes-version'],
    'node-image': values['node-image'],
    'timeout-minutes': values['timeout-minutes'],
    cache: values['no-cache'] ? 'false' : 'true',
    cleanup: 'always',
  };
  // Outside a runner, the tool-cache and downloads live in the user's cache folder.
  process.env.RUNNER_TOOL_CACHE ||= join(homedir(), '.cache', 'ds-e2e-setup', 'tools');
  process.env.RUNNER_TEMP ||= join(tmpdir(), 'ds-e2e-setup-runner');
  const inputs = parseInputs((name) => flags[name] ?? process.env[`DS_E2E_${name.toUpperCase().replace(/-/g, '_')}`] ?? '');
  const prepared = prepare(inputs);
  const { config, state, migrations } = prepared;

  if (command === 'validate') {
    const files = migrations && `; migrations: ${migrations.tool}, ${migrations.migrations.length} file${migrations.migrations.length === 1 ? '' : 's'}`;
    for (const w of config.warnings) log(`warning: ${w}`);
    process.stdout.write(`${inputs.config}: valid environment "${config.name}"${files ?? ''}\n`);
    return 0;
  }
  if (command === 'plan') {
    process.stdout.write(`${describePlan(planTasks(config))}\n`);
    return 0;
  }
  const secrets = new Secrets();
  const services = { runner: new ProcessRunner(secrets), secrets, logger: { info: log, warn: (m: string) => log(`warning: ${m}`) }, addPath: addToPath };
  if (command === 'down') {
    await down(state, services, { failed: false, diagnostics: false });
    return 0;
  }
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort(new Error('interrupted')));
  // Libraries (@actions/tool-cache, @actions/cache) print to stdout; during `up` that goes to
  // stderr, so stdout holds only the variables and `up > .env` works.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  const { result, outputs, env } = await up(prepared, inputs, services, { events, signal: stop.signal }).finally(() => {
    process.stdout.write = write;
  });
  if (!result.ok) {
    log(`\n${describeFailure(result)}\ndiagnostics: ${outputs.diagnosticsDir}\nremove what was made with: ds-e2e-setup down -c ${inputs.config}`);
    return 1;
  }
  log(savingLine(result));
  const lines = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  if (values.dotenv) {
    writeFileSync(values.dotenv, `${lines.join('\n')}\n`, { mode: 0o600 });
    chmodSync(values.dotenv, 0o600); // a file that existed keeps its old mode otherwise
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function addToPath(dir: string): void {
  process.env.PATH = `${dir}:${process.env.PATH ?? ''}`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    log(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
