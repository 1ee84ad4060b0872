/** The step registry: one action per step kind, and a missing one does not compile. */
import { expect, test } from '@jest/globals';
import type { StepKind } from '../src/plan/plan.js';
import { STEP_ACTIONS } from '../src/setup/steps/index.js';
import type { StepAction } from '../src/setup/steps/step.js';

test('each step kind has its action, registered under its own kind', () => {
  for (const [kind, action] of Object.entries(STEP_ACTIONS)) expect(action.kind).toBe(kind);
});

test('a registry without one step kind\'s action is a type error (checked by npm run typecheck)', () => {
  const { ready: _dropped, ...withoutOne } = STEP_ACTIONS;
  // @ts-expect-error Property 'ready' is missing: the compiler refuses an incomplete registry
  const incomplete: { [K in StepKind]: StepAction<K> } = withoutOne;
  expect(Object.keys(incomplete)).not.toContain('ready');
});
