import { describe, expect, test } from '@jest/globals';
import { MigrationParseError, parseMigration, readMigrations } from '../src/migrate/goose.js';
import { makeWorkspace } from './helpers/workspace.js';

describe('goose-style migrations', () => {
  test('only the Up part, split at line-ending semicolons; StatementBegin/End kept whole', () => {
    const m = parseMigration(
      '001_x.sql',
      [
        '-- a comment before anything',
        '-- +goose Up',
        'CREATE TABLE a (id int);',
        '-- between statements',
        'INSERT INTO a VALUES (1),',
        '  (2);',
        '-- +goose StatementBegin',
        'CREATE FUNCTION f() RETURNS int AS $$',
        'BEGIN RETURN 1; END;',
        '$$ LANGUAGE plpgsql;',
        '-- +goose StatementEnd',
        '-- +goose Down',
        'DROP TABLE a;',
      ].join('\n'),
      '001',
    );
    expect(m.version).toBe(1n);
    expect(m.transaction).toBe(true);
    expect(m.statements).toEqual([
      { sql: 'CREATE TABLE a (id int);', line: 3 },
      { sql: 'INSERT INTO a VALUES (1),\n  (2);', line: 5 },
      { sql: 'CREATE FUNCTION f() RETURNS int AS $$\nBEGIN RETURN 1; END;\n$$ LANGUAGE plpgsql;', line: 8 },
    ]);
  });

  test('NO TRANSACTION is honoured', () => {
    expect(parseMigration('2_y.sql', '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON a (id);\n').transaction).toBe(false);
  });

  test('a plain .sql file is applied whole', () => {
    const m = parseMigration('seed.sql', 'CREATE TABLE s (id int);\nINSERT INTO s VALUES (1);\n');
    expect(m.statements).toEqual([{ sql: 'CREATE TABLE s (id int);\nINSERT INTO s VALUES (1);', line: 1 }]);
  });

  test.each([
    ['-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n', 'StatementBegin is never ended'],
    ['-- +goose Up\n-- +goose StatementEnd\n', 'StatementEnd without StatementBegin'],
    ['-- +goose Down\nDROP TABLE a;\n', 'no "-- +goose Up" section'],
    ['-- +goose Upp\nSELECT 1;\n', 'unknown annotation "-- +goose upp"'],
  ])('a malformed file is refused by name: %#', (text, message) => {
    expect(() => parseMigration('009_bad.sql', text)).toThrow(MigrationParseError);
    expect(() => parseMigration('009_bad.sql', text)).toThrow(`009_bad.sql`);
    expect(() => parseMigration('009_bad.sql', text)).toThrow(message);
  });

  test('a folder is read in version order, numerically, plain files last', () => {
    const ws = makeWorkspace({
      'm/10_ten.sql': '-- +goose Up\nSELECT 10;\n',
      'm/2_two.sql': '-- +goose Up\nSELECT 2;\n',
      'm/00001_one.sql': '-- +goose Up\nSELECT 1;\n',
      'm/seed.sql': 'SELECT 99;\n',
      'm/README.md': 'not a migration',
    });
    expect(readMigrations(`${ws.dir}/m`).map((m) => m.file)).toEqual(['00001_one.sql', '2_two.sql', '10_ten.sql', 'seed.sql']);
    ws.write('m/002_again.sql', '-- +goose Up\nSELECT 2;\n');
    expect(() => readMigrations(`${ws.dir}/m`)).toThrow('have the same version 2');
    ws.remove();
  });
});
