/**
 * Which tool a migrations folder is written for, and the folder read with that tool's rules.
 * Detected from the files unless given: golang-migrate by its `N_name.up.sql` names, dbmate by a
 * `-- migrate:up` line, goose by `-- +goose` annotations (or a `N_name.go` file); a folder with
 * none of these is plain SQL. A folder that mixes styles is refused, naming one file of each.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DBMATE_UP_LINE, readDbmate } from './dbmate.js';
import { MIGRATE_FILE, readGolangMigrate } from './golang-migrate.js';
import { readGoose } from './goose.js';
import { readPlain } from './plain.js';
import { MigrationParseError, type MigrationSet, type MigrationTool } from './types.js';

/** Each tool's own default ledger table. */
export const DEFAULT_TABLES: Record<MigrationTool, string> = {
  goose: 'goose_db_version', // goose -table / GOOSE_TABLE default
  'golang-migrate': 'schema_migrations', // database/postgres: DefaultMigrationsTable
  dbmate: 'schema_migrations', // --migrations-table default
  sql: '',
};

const GOOSE_LINE = /^\s*--.*\+goose/m;

export function detectTool(dir: string): MigrationTool {
  const found = new Map<MigrationTool, string>();
  for (const f of readdirSync(dir).sort()) {
    if (MIGRATE_FILE.test(f)) {
      if (!found.has('golang-migrate')) found.set('golang-migrate', f);
      continue;
    }
    if (/^\d+_.*\.go$/.test(f) && !f.endsWith('_test.go')) {
      if (!found.has('goose')) found.set('goose', f);
      continue;
    }
    if (!f.toLowerCase().endsWith('.sql')) continue;
    const text = readFileSync(join(dir, f), 'utf8');
    const tool = DBMATE_UP_LINE.test(text) ? 'dbmate' : GOOSE_LINE.test(text) ? 'goose' : undefined;
    if (tool && !found.has(tool)) found.set(tool, f);
  }
  if (found.size > 1) {
    const which = [...found].map(([tool, file]) => `${file} (${tool})`).join(', ');
    throw new MigrationParseError(dir, undefined, `the folder mixes migration styles: ${which}; keep one tool's files per folder, or set postgres.migrations.tool`);
  }
  return found.keys().next().value ?? 'sql';
}

export interface MigrationsConfig {
  path: string;
  tool?: MigrationTool;
  table?: string;
}

/** The folder read with its tool's rules; the first refused file stops it, named with its line. */
export function readMigrationSet(m: MigrationsConfig, env: Record<string, string | undefined> = process.env): MigrationSet {
  const tool = m.tool ?? detectTool(m.path);
  const migrations =
    tool === 'goose' ? readGoose(m.path, { env }) : tool === 'golang-migrate' ? readGolangMigrate(m.path) : tool === 'dbmate' ? readDbmate(m.path) : readPlain(m.path);
  return { tool, dir: m.path, table: m.table ?? DEFAULT_TABLES[tool], migrations };
}
