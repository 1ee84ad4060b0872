/**
 * dbmate migrations, read as dbmate v2.35.0 reads them (pkg/dbmate/db.go and migration.go):
 * file names match `^(\d+).*\.sql$`, the version is the leading digits as written, files run in
 * file-name order. Each section starts at `-- migrate:up` (options on that line, such as
 * `transaction:false`) and needs a `-- migrate:down` after it; only blank and comment lines may
 * come before the first. The up block, from its directive line to the down directive, is sent
 * whole, in one Exec, and recorded with its version in the same transaction.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MigrationParseError, type Migration, type Statement } from './types.js';

export const DBMATE_FILE = /^(\d+).*\.sql$/;
const UP = /^--\s*migrate:up(\s*$|\s+\S+)/gm;
const DOWN = /^--\s*migrate:down(\s*$|\s+\S+)/gm;
export const DBMATE_UP_LINE = /^--\s*migrate:up(\s*$|\s+\S+)/m;

const lineAt = (text: string, index: number): number => text.slice(0, index).split('\n').length;

function options(directiveLine: string): Record<string, string> {
  const rest = directiveLine.replace(/^--\s*migrate:(up|down)/, '').trim();
  const out: Record<string, string> = {};
  for (const pair of rest ? rest.split(/\s+/) : []) {
    const kv = pair.split(':');
    if (kv.length === 2) out[kv[0]] = kv[1];
  }
  return out;
}

export function parseDbmate(file: string, text: string, version: string): Migration {
  const ups = [...text.matchAll(UP)].map((m) => m.index);
  if (ups.length === 0) throw new MigrationParseError(file, undefined, "dbmate requires each migration to define an up block with '-- migrate:up'");
  const before = text.slice(0, ups[0]).split('\n');
  const stray = before.findIndex((l) => !/^\s*$/.test(l) && !/^\s*--/.test(l));
  if (stray >= 0) throw new MigrationParseError(file, stray + 1, "dbmate does not support statements preceding the '-- migrate:up' block");
  let transaction = true;
  const sections: Statement[][] = ups.map((start, i) => {
    const end = ups[i + 1] ?? text.length;
    const section = text.slice(start, end);
    const downs = [...section.matchAll(DOWN)].map((m) => m.index);
    if (downs.length === 0) throw new MigrationParseError(file, lineAt(text, start), "dbmate requires each migration to define a down block with '-- migrate:down'");
    if (downs.length > 1) throw new MigrationParseError(file, lineAt(text, start + downs[1]), "dbmate requires every '-- migrate:down' to be preceded by a '-- migrate:up'");
    const up = section.slice(0, downs[0]);
    if (options(up.split('\n')[0]).transaction === 'false') transaction = false;
    return [{ sql: up, line: lineAt(text, start) }];
  });
  return { file, version, transaction, sections };
}

export function readDbmate(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((f) => DBMATE_FILE.test(f))
    .sort()
    .map((f) => parseDbmate(f, readFileSync(join(dir, f), 'utf8'), (DBMATE_FILE.exec(f) as RegExpExecArray)[1]));
}
