/** `plan-matrix`: find the environment files, learn the change, choose the legs. */
import type { CommandRunner } from '../exec/runner.js';
import { changedFiles, rangeFromEvent, type Changes } from './changes.js';
import { findConfigs, planMatrix, type Axes, type MatrixPlan } from './select.js';

export interface MatrixRequest {
  workspace: string;
  /** Glob of environment files, relative to the workspace. */
  configs: string;
  axes: Axes;
  /** A base ref given by hand (the CLI's --base); else the workflow's event decides. */
  base?: string;
  eventName?: string;
  eventPath?: string;
}

export async function runPlanMatrix(req: MatrixRequest, runner: CommandRunner): Promise<MatrixPlan> {
  const configs = findConfigs(req.workspace, req.configs);
  if (configs.length === 0) throw new Error(`input "configs": no environment file matches ${req.configs}`);
  const range = req.base ? { base: req.base, head: 'HEAD' } : rangeFromEvent(req.eventName, req.eventPath);
  const changes: Changes = 'reason' in range ? { known: false, reason: range.reason } : await changedFiles(runner, req.workspace, range);
  return planMatrix(req.workspace, configs, changes, req.axes);
}
