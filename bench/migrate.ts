/**
 * Applying a generated goose folder (200 files, 2,000 statements, some of them StatementBegin
 * blocks) to a real PostgreSQL, beside psql applying the same Up SQL as one script per file (each
 * wrapped in BEGIN/COMMIT, as goose runs a file), alternated, three runs each, each on a fresh
 * database. With psql installed on the host, both reach the server over TCP through the
 * published port; without it, psql runs inside the container over its socket, with a
 * `docker exec` added to its time (the report says which).
 * Target: ours <= 1.3 x psql, sending exactly the statements psql runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startContainer } from '../src/deps/container.js';
import { postgresPreset } from '../src/deps/presets.js';
import { Docker } from '../src/docker/docker.js';
import { ProcessRunner } from '../src/exec/runner.js';
import { applyMigrations } from '../src/migrate/apply.js';
import { readMigrationSet } from '../src/migrate/detect.js';
import { median, report, timeIt } from './util.js';

const FILES = 200;
const PER_FILE = 10;

/** A goose file of PER_FILE statements (a table, inserts, an index, every fifth file a function in a StatementBegin block), with its Up SQL for psql and its statements, so the two can be compared. */
function comparableFile(i: number): { goose: string; up: string; statements: string[] } {
  const t = `t${i}`;
  const up: string[] = [`CREATE TABLE ${t} (id bigint PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now());`];
  const blocks: string[] = [...up];
  const block = i % 5 === 0;
  const inserts = PER_FILE - 2 - (block ? 1 : 0);
  for (let k = 0; k < inserts; k++) {
    const s = `INSERT INTO ${t} (id, name) VALUES (${k}, 'row ${k}');`;
    up.push(s);
    blocks.push(s);
  }
  const index = `CREATE INDEX ${t}_name ON ${t} (name);`;
  up.push(index);
  blocks.push(index);
  if (block) {
    const fn = `CREATE FUNCTION ${t}_count() RETURNS bigint AS $$\nBEGIN\n  RETURN (SELECT count(*) FROM ${t});\nEND;\n$$ LANGUAGE plpgsql;`;
    up.push(fn);
    blocks.push(`-- +goose StatementBegin\n${fn}\n-- +goose StatementEnd`);
  }
  return { goose: `-- +goose Up\n${blocks.join('\n')}\n\n-- +goose Down\nDROP TABLE ${t};\n`, up: `BEGIN;\n${up.join('\n')}\nCOMMIT;\n`, statements: up };
}

export async function benchMigrate(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-migrate-'));
  const gooseDir = join(dir, 'goose');
  const psqlDir = join(dir, 'psql');
  execFileSync('mkdir', ['-p', gooseDir, psqlDir]);
  const statements: string[] = [];
  for (let i = 1; i <= FILES; i++) {
    const f = comparableFile(i);
    const name = `${String(i).padStart(5, '0')}_step.sql`;
    writeFileSync(join(gooseDir, name), f.goose);
    writeFileSync(join(psqlDir, name), f.up);
    statements.push(...f.statements);
  }
  const set = readMigrationSet({ path: gooseDir });
  const sent = set.migrations.flatMap((m) => m.sections[0].map((s) => s.sql.trim().replace(/;$/, '')));
  const same = sent.length === statements.length && sent.every((s, i) => s === statements[i].replace(/;$/, ''));
  const hostPsql = spawnSync('psql', ['--version']).status === 0;
  const docker = new Docker(new ProcessRunner());
  const name = `bench-migrate-${process.pid}`;
  const labels = { 'io.github.ds-e2e-setup.leg': name };
  const preset = postgresPreset({ image: 'ds-e2e-test/postgres:15', user: 'app', database: 'app', password: 'pw-bench-migrate' });
  const admin = (await startContainer(docker, preset, { name, labels, readyTimeoutMs: 60_000 })).url;
  try {
    if (!hostPsql) execFileSync('docker', ['cp', psqlDir, `${name}:/tmp/psql`]);
    const scripts = set.migrations.map((m) => ['-f', hostPsql ? join(psqlDir, m.file) : `/tmp/psql/${m.file}`]).flat();
    const at = new URL(admin);
    let n = 0;
    const fresh = async (): Promise<string> => {
      const db = `b${++n}`;
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`CREATE DATABASE ${db}`);
      await c.end();
      return db;
    };
    const ours: number[] = [];
    const psql: number[] = [];
    for (let run = 0; run < 3; run++) {
      const a = await fresh();
      const url = new URL(admin);
      url.pathname = `/${a}`;
      ours.push((await timeIt(() => applyMigrations(url.toString(), set))).ms);
      const b = await fresh();
      const args = ['--quiet', '-v', 'ON_ERROR_STOP=1', '-U', 'app', '-d', b, ...scripts];
      psql.push(
        (
          await timeIt(async () =>
            hostPsql
              ? execFileSync('psql', ['--host', '127.0.0.1', '--port', at.port, ...args], { stdio: 'pipe', env: { ...process.env, PGPASSWORD: decodeURIComponent(at.password) } })
              : execFileSync('docker', ['exec', name, 'psql', ...args], { stdio: 'pipe' }),
          )
        ).ms,
      );
    }
    const o = median(ours);
    const p = median(psql);
    report('migrate goose folder', { files: FILES, statements: sent.length, ours_ms: o, psql_ms: p, 'ours/psql': o / p, psql: hostPsql ? 'host, TCP' : 'docker exec' }, { ok: o <= 1.3 * p && same, text: 'ours <= 1.3 x psql, the same statements' });
  } finally {
    await docker.removeContainers(await docker.containers(labels));
    rmSync(dir, { recursive: true, force: true });
  }
}
