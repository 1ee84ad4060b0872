import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ROOT, RunnerFiles, runAction } from './helpers/run.js';

/** Checks a Mermaid gantt block line by line against the grammar the summary uses. */
function checkGantt(block: string[]): void {
  expect(block[0]).toBe('gantt');
  const rules = [/^ {2}title .+$/, /^ {2}dateFormat x$/, /^ {2}axisFormat \S+$/, /^ {2}section \S.*$/];
  const task = /^ {2}[A-Za-z0-9 _.-]+ :((crit|done|active)(, (crit|done|active))*, )?t\d+, (\d{13}), (\d{13})$/;
  for (const line of block.slice(1)) {
    const m = task.exec(line);
    if (m) expect(Number(m[6])).toBeGreaterThan(Number(m[5]));
    else expect(rules.some((r) => r.test(line))).toBe(true);
  }
  expect(block.filter((l) => task.test(l)).length).toBeGreaterThan(0);
}

test('the job summary of a recorded run: timeline table, a valid gantt, the saving line, and no secret', async () => {
  const runner = new RunnerFiles();
  const main = await runAction('main', runner.processEnv({ config: 'examples/datastorage/integration.yaml', cache: 'false' }, { GITHUB_WORKSPACE: ROOT }));
  await runAction('post', runner.postEnv({}));
  expect(main.code).toBe(0);
  const md = readFileSync(runner.summary, 'utf8');
  const password = new URL(runner.outputs()['postgres-url']).password;

  expect(md).toContain('## ds-e2e-setup: datastorage-it is up');
  expect(md).toContain('| task | start | duration | status | needs |');
  for (const task of ['pull:postgres', 'postgres', 'pull:redis', 'redis', 'migrate']) expect(md).toMatch(new RegExp(`^\\| (\\*\\*)?${task}(\\*\\*)? \\| \\+[\\d.]+ m?s \\| [\\d.]+ m?s \\| ✅ succeeded \\|`, 'm'));
  expect(md).toMatch(/^\*\*Wall time [\d.]+ m?s\*\* against [\d.]+ m?s one task after another: the graph saved -?\d+%\.$/m);
  expect(md).toMatch(/^Critical path \([\d.]+ m?s\): `preflight` → `pull:postgres` → `postgres` → `migrate`$/m);
  expect(md).toMatch(/^\*\*Preflight:\*\*\n\n- disk: [\d.]+ \w+ free under \S+, nothing to download or build$/m);
  const block = md.split('```mermaid\n')[1].split('\n```')[0].split('\n');
  checkGantt(block);
  expect(md).toContain('| postgres | `postgres://slm_user:***@127.0.0.1:');
  expect(md).not.toContain(password);
});
