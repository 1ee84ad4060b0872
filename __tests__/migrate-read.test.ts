/** Reading migration folders with each tool's rules, without a database (the itg tier applies them to PostgreSQL). */
import { describe, expect, test } from '@jest/globals';
import { readMigrationSet } from '../src/migrate/detect.js';
import { endsWithSemicolon, parseGoose } from '../src/migrate/goose.js';
import { interpolate } from '../src/migrate/interpolate.js';
import { MigrationParseError } from '../src/migrate/types.js';
import { makeWorkspace } from './helpers/workspace.js';

const goose = (text: string, env: Record<string, string> = {}) => parseGoose('001_x.sql', text, '1', { env });
const refused = (run: () => unknown): MigrationParseError => {
  try {
    run();
  } catch (err) {
    if (err instanceof MigrationParseError) return err;
    throw err;
  }
  throw new Error('not refused');
};

describe('goose', () => {
  test('annotations in any case; only Up is sent; a StatementBegin block is one statement; statements are trimmed', () => {
    const m = goose(
      [
        '-- a comment before anything',
        '-- +goose up',
        'CREATE TABLE a (id int);',
        '-- between statements',
        'INSERT INTO a VALUES (1),',
        '  -- kept: the statement has started',
        '  (2);',
        '-- +goose statementbegin',
        'CREATE FUNCTION f() RETURNS int AS $$',
        'BEGIN RETURN 1; END;',
        '$$ LANGUAGE plpgsql;',
        '-- +goose StatementEnd',
        '-- +goose DOWN',
        'DROP TABLE a;',
      ].join('\n'),
    );
    expect(m).toEqual({
      file: '001_x.sql',
      version: '1',
      transaction: true,
      sections: [
        [
          { sql: 'CREATE TABLE a (id int);', line: 3 },
          { sql: 'INSERT INTO a VALUES (1),\n  -- kept: the statement has started\n  (2);', line: 5 },
          { sql: 'CREATE FUNCTION f() RETURNS int AS $$\nBEGIN RETURN 1; END;\n$$ LANGUAGE plpgsql;', line: 9 },
        ],
      ],
    });
  });

  test('a trailing comment after ";" still ends the statement; a ";" inside a trailing comment ends nothing', () => {
    expect(endsWithSemicolon('SELECT 1; -- note')).toBe(true);
    expect(endsWithSemicolon('SELECT 1 -- ; not the end')).toBe(false);
    expect(endsWithSemicolon('SELECT 1;--glued')).toBe(false); // goose splits on whitespace, as here
    const m = goose('-- +goose Up\nSELECT 1; -- note\nSELECT 2 -- not; the end\n, 3;\n');
    expect(m.sections[0]).toEqual([
      { sql: 'SELECT 1; -- note', line: 2 },
      { sql: 'SELECT 2 -- not; the end\n, 3;', line: 3 },
    ]);
  });

  test('NO TRANSACTION', () => {
    expect(goose('-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON a (id);\n').transaction).toBe(false);
  });

  test.each([
    ['SQL left without its ";" at the end of Up', '-- +goose Up\nCREATE TABLE a (id int);\nCREATE TABLE b (id int)\n\n-- +goose Down\nDROP TABLE b;\n', 3, 'unexpected unfinished SQL query: "CREATE TABLE b (id int)": missing semicolon?'],
    ['an unfinished statement at the end of the file', '-- +goose Up\nSELECT 1;\nSELECT 2\n', 3, 'unfinished SQL query'],
    ['two Up annotations', '-- +goose Up\nSELECT 1;\n-- +goose Up\nSELECT 2;\n', 3, "duplicate '-- +goose Up' annotations"],
    ['two Down annotations', '-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 2;\n-- +goose Down\n', 5, "must start with '-- +goose Up' annotation, and have at most one '-- +goose Down'"],
    ['an unknown annotation', '-- +goose Up\n-- +goose Sideways\nSELECT 1;\n', 2, '"Sideways" not supported: invalid annotation'],
    ['an annotation with leading whitespace', '-- +goose Up\n  -- +goose StatementBegin\n', 2, 'contains leading whitespace'],
    ['SQL before Up', 'SELECT 1;\n-- +goose Up\n', 1, "SQL before '-- +goose Up'"],
    ['StatementEnd without StatementBegin', '-- +goose Up\n-- +goose StatementEnd\n', 2, "'-- +goose StatementEnd' must be defined after '-- +goose StatementBegin'"],
    ['a Down with no Up before it', '-- +goose Down\nDROP TABLE a;\n', 1, "must start with '-- +goose Up' annotation"],
  ])('%s is refused, naming the file and the line', (_case, text, line, message) => {
    const err = refused(() => goose(text));
    expect(err.message).toContain(`001_x.sql:${line}: `);
    expect(err.message).toContain(message);
  });

  test('"+goose" itself is case-sensitive, as in goose: "-- +GOOSE Up" is a comment', () => {
    expect(refused(() => goose('-- +GOOSE Up\nSELECT 1;\n')).message).toContain("001_x.sql:2: SQL before '-- +goose Up'");
  });

  test.each([
    ['annotations but no Up', '-- +goose NO TRANSACTION\n', "must start with '-- +goose Up' annotation"],
    ['a StatementBegin never ended', '-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n', "missing '-- +goose StatementEnd' annotation"],
  ])('%s is refused, naming the file', (_case, text, message) => {
    expect(refused(() => goose(text)).message).toMatch(new RegExp(`^001_x\\.sql: .*${message.replace(/[()+]/g, '\\$&')}`));
  });

  test('ENVSUB substitutes where it is ON, as goose\'s interpolation does', () => {
    const env = { SCHEMA: 'app', EMPTY: '', NAME: 'orders' };
    const m = goose(
      [
        '-- +goose Up',
        'SELECT \'${SCHEMA}\';',
        '-- +goose ENVSUB ON',
        "SELECT '${SCHEMA}.$NAME', '${MISSING:-d1}', '${EMPTY:-d2}', '${EMPTY-d3}', '${MISSING-d4}', '${NAME:0:3}', '$$', '${SCHEMA?needed}';",
        '-- +goose ENVSUB OFF',
        "SELECT '${SCHEMA}';",
      ].join('\n'),
      env,
    );
    expect(m.sections[0].map((s) => s.sql)).toEqual(["SELECT '${SCHEMA}';", "SELECT 'app.orders', 'd1', 'd2', '', 'd4', 'ord', '$', 'app';", "SELECT '${SCHEMA}';"]);
  });

  test('an unset ${VAR?message} is an error naming VAR, the file and the line', () => {
    const err = refused(() => goose('-- +goose Up\n-- +goose ENVSUB ON\nCREATE SCHEMA ${TENANT?set TENANT to the tenant schema};\n'));
    expect(err.message).toBe('001_x.sql:3: variable substitution failed: $TENANT: set TENANT to the tenant schema: CREATE SCHEMA ${TENANT?set TENANT to the tenant schema};');
  });

  test('the interpolation refuses a "$" before a non-letter, keeps "$(" and a final "$"', () => {
    expect(() => interpolate('SELECT $1', {})).toThrow('Expected identifier to start with a letter, got 1');
    expect(interpolate('$(cmd) costs 5$', {})).toBe('$(cmd) costs 5$');
  });
});

describe('folders', () => {
  const folder = (files: Record<string, string>) => makeWorkspace(Object.fromEntries(Object.entries(files).map(([f, t]) => [`m/${f}`, t])));

  test('goose: version order (64-bit), .sql only; a duplicate version, a .go migration and a bad name are refused', () => {
    const ws = folder({ '10_ten.sql': '-- +goose Up\nSELECT 10;\n', '2_two.sql': '-- +goose Up\nSELECT 2;\n', '9223372036854775807_last.sql': '-- +goose Up\nSELECT 3;\n', 'README.md': 'x' });
    const set = readMigrationSet({ path: `${ws.dir}/m` });
    expect([set.tool, set.table, set.migrations.map((m) => [m.file, m.version])]).toEqual([
      'goose',
      'goose_db_version',
      [['2_two.sql', '2'], ['10_ten.sql', '10'], ['9223372036854775807_last.sql', '9223372036854775807']],
    ]);
    ws.write('m/002_again.sql', '-- +goose Up\nSELECT 2;\n');
    expect(() => readMigrationSet({ path: `${ws.dir}/m` })).toThrow(/^(002_again|2_two)\.sql: duplicate version 2: (2_two|002_again)\.sql has it too$/);
    ws.remove();
    const go = folder({ '1_a.sql': '-- +goose Up\nSELECT 1;\n', '2_backfill.go': 'package migrations\n' });
    expect(() => readMigrationSet({ path: `${go.dir}/m` })).toThrow(/^2_backfill\.go: a Go migration runs only inside the service's own binary.*postgres\.migrateCommand/);
    go.remove();
    const bad = folder({ 'init.sql': '-- +goose Up\nSELECT 1;\n' });
    expect(() => readMigrationSet({ path: `${bad.dir}/m`, tool: 'goose' })).toThrow("init.sql: no filename separator '_' found");
    bad.remove();
  });

  test('golang-migrate: up files by version, sent whole; down files and others skipped; the ledger is schema_migrations', () => {
    const ws = folder({ '2_b.up.sql': 'CREATE TABLE b (id int);\nCREATE TABLE c (id int);\n', '2_b.down.sql': 'DROP TABLE b;', '1_a.up.sql': 'CREATE TABLE a (id int);', 'notes.txt': 'x' });
    const set = readMigrationSet({ path: `${ws.dir}/m` });
    expect(set.tool).toBe('golang-migrate');
    expect(set.table).toBe('schema_migrations');
    expect(set.migrations.map((m) => [m.file, m.version, m.sections[0][0].sql])).toEqual([
      ['1_a.up.sql', '1', 'CREATE TABLE a (id int);'],
      ['2_b.up.sql', '2', 'CREATE TABLE b (id int);\nCREATE TABLE c (id int);\n'],
    ]);
    ws.remove();
  });

  test('dbmate: the up block whole with its directive; transaction:false; versions as written; a missing down is refused', () => {
    const ws = folder({
      '20240101000000_users.sql': '-- migrate:up\ncreate table users (id int);\n\n-- migrate:down\ndrop table users;\n',
      '20240102000000_index.sql': '-- migrate:up transaction:false\ncreate index concurrently i on users (id);\n-- migrate:down\n',
    });
    const set = readMigrationSet({ path: `${ws.dir}/m` });
    expect(set.tool).toBe('dbmate');
    expect(set.migrations.map((m) => [m.version, m.transaction, m.sections[0][0].sql])).toEqual([
      ['20240101000000', true, '-- migrate:up\ncreate table users (id int);\n\n'],
      ['20240102000000', false, '-- migrate:up transaction:false\ncreate index concurrently i on users (id);\n'],
    ]);
    ws.write('m/20240103000000_no_down.sql', '-- migrate:up\nselect 1;\n');
    expect(() => readMigrationSet({ path: `${ws.dir}/m` })).toThrow("20240103000000_no_down.sql:1: dbmate requires each migration to define a down block with '-- migrate:down'");
    ws.write('m/20240103000000_no_down.sql', 'select 1;\n-- migrate:up\nselect 1;\n-- migrate:down\n');
    expect(() => readMigrationSet({ path: `${ws.dir}/m` })).toThrow("20240103000000_no_down.sql:1: dbmate does not support statements preceding the '-- migrate:up' block");
    ws.remove();
  });

  test('a folder that mixes styles is refused, naming one file of each; a tool can be set', () => {
    const ws = folder({ '1_a.sql': '-- +goose Up\nSELECT 1;\n', '2_b.up.sql': 'SELECT 2;', '3_c.sql': '-- migrate:up\nSELECT 3;\n-- migrate:down\n' });
    expect(() => readMigrationSet({ path: `${ws.dir}/m` })).toThrow('the folder mixes migration styles: 1_a.sql (goose), 2_b.up.sql (golang-migrate), 3_c.sql (dbmate)');
    ws.remove();
    const plain = folder({ '2_seed.sql': 'INSERT INTO a VALUES (1);', '1_schema.sql': 'CREATE TABLE a (id int);', 'z.sql': 'SELECT 1;' });
    const set = readMigrationSet({ path: `${plain.dir}/m` });
    expect([set.tool, set.table, set.migrations.map((m) => m.file)]).toEqual(['sql', '', ['1_schema.sql', '2_seed.sql', 'z.sql']]);
    plain.remove();
    const numbered = folder({ '2_seed.sql': 'INSERT INTO a VALUES (1);', '1_schema.sql': 'CREATE TABLE a (id int);' });
    // set explicitly, goose reads the same plain files and refuses them, as goose would
    expect(() => readMigrationSet({ path: `${numbered.dir}/m`, tool: 'goose' })).toThrow("1_schema.sql:1: SQL before '-- +goose Up'");
    numbered.remove();
  });
});
