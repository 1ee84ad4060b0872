/**
 * The files a change touched: between a pull request's base and head, a push's before and
 * after, or (on a laptop) a base ref and HEAD. When history is not deep enough to tell, the
 * answer is "unknown", and the caller runs every leg: the safe side is to run.
 */
import { readFileSync } from 'node:fs';
import type { CommandRunner } from '../exec/runner.js';

export type Changes = { known: true; files: string[]; range: string } | { known: false; reason: string };

const ZERO = /^0+$/;

interface PushEvent {
  before?: string;
  after?: string;
}
interface PullRequestEvent {
  pull_request?: { base?: { sha?: string }; head?: { sha?: string } };
}

/** The range to diff, from the workflow's event, or from a base ref given by hand. */
export function rangeFromEvent(eventName: string | undefined, eventPath: string | undefined): { base: string; head: string } | { reason: string } {
  if (!eventName || !eventPath) return { reason: 'no GitHub event to read the change from' };
  const event = JSON.parse(readFileSync(eventPath, 'utf8')) as PushEvent & PullRequestEvent;
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const base = event.pull_request?.base?.sha;
    const head = event.pull_request?.head?.sha;
    return base && head ? { base, head } : { reason: 'the pull_request event has no base and head' };
  }
  if (eventName === 'push') {
    if (!event.before || !event.after || ZERO.test(event.before)) return { reason: 'the push has no earlier commit to compare with (a new branch)' };
    return { base: event.before, head: event.after };
  }
  return { reason: `a ${eventName} event names no change` };
}

export async function changedFiles(runner: CommandRunner, cwd: string, range: { base: string; head: string }): Promise<Changes> {
  for (const ref of [range.base, range.head]) {
    const has = await runner.run('git', ['cat-file', '-e', `${ref}^{commit}`], { cwd, allowFailure: true });
    if (has.code !== 0) return { known: false, reason: `git history is not deep enough: ${ref} is not in this clone (fetch with fetch-depth: 0)` };
  }
  // three dots: what the head changed since it left the base, as a pull request shows it
  const diff = await runner.run('git', ['diff', '--name-only', '--no-renames', `${range.base}...${range.head}`], { cwd, allowFailure: true });
  if (diff.code !== 0) return { known: false, reason: `git diff ${range.base}...${range.head} failed: ${diff.stderr.trim()}` };
  return { known: true, files: diff.stdout.split('\n').filter(Boolean), range: `${range.base}...${range.head}` };
}
