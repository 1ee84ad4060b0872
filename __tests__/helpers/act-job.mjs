// Runs inside the act-like job container: plays the runner for the bundled action (main, then
// post with the saved state), and between them checks from inside this container that the
// outputs the action handed over are reachable. Prints one JSON line with what it saw.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = process.env.GITHUB_WORKSPACE;
const require = createRequire(join(root, 'package.json'));
const files = Object.fromEntries(['output', 'env', 'state', 'path', 'summary'].map((f) => [f, `/tmp/runner-${f}`]));
for (const f of Object.values(files)) writeFileSync(f, '');
const env = { ...process.env, GITHUB_OUTPUT: files.output, GITHUB_ENV: files.env, GITHUB_STATE: files.state, GITHUB_PATH: files.path, GITHUB_STEP_SUMMARY: files.summary, RUNNER_TEMP: '/tmp' };

const parse = (file) => {
  const out = {};
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]);
    if (!m) continue;
    const body = [];
    for (i++; lines[i] !== m[2]; i++) body.push(lines[i]);
    out[m[1]] = body.join('\n');
  }
  return out;
};

const main = spawnSync('node', [join(root, 'dist/main/index.js')], { env, encoding: 'utf8' });
const outputs = parse(files.output);
const seen = { mainCode: main.status, mainTail: main.stdout.split('\n').slice(-15).join('\n'), warnings: main.stdout.split('\n').filter((l) => l.startsWith('::warning')), outputs };
try {
  const pg = require('pg');
  const client = new pg.Client({ connectionString: outputs['postgres-url'] });
  await client.connect();
  seen.tables = (await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.tablename);
  await client.end();
  const { createClient } = require('redis');
  const redis = createClient({ url: outputs['redis-url'] });
  await redis.connect();
  seen.ping = await redis.ping();
  await redis.quit();
} catch (e) {
  seen.error = String(e);
}
const state = parse(files.state);
const post = spawnSync('node', [join(root, 'dist/post/index.js')], { env: { ...env, ...Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v])) }, encoding: 'utf8' });
seen.postCode = post.status;
seen.state = state.leg ? JSON.parse(state.leg) : undefined;
process.stdout.write(`${JSON.stringify(seen)}\n`);
