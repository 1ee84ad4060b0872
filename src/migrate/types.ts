/** What every migration tool's reader produces, and the errors that name a file and a line. */

import type { MigrationTool } from '../config/schema.js';

export type { MigrationTool };

export interface Statement {
  /** Exactly what is sent to PostgreSQL. */
  sql: string;
  /** 1-based line in the file where it starts. */
  line: number;
}

export interface Migration {
  file: string;
  /** The version the tool's ledger records: goose and golang-migrate a 64-bit number, dbmate the digits as written. */
  version: string;
  /** One transaction per file (per section for dbmate), unless the file opts out. */
  transaction: boolean;
  /** dbmate: each section is applied and recorded on its own. */
  sections: Statement[][];
}

export interface MigrationSet {
  tool: MigrationTool;
  dir: string;
  /** The tool's ledger table; a schema-qualified `schema.table` is allowed. */
  table: string;
  migrations: Migration[];
}

/** A refused file, naming it and the line. */
export class MigrationParseError extends Error {
  override name = 'MigrationParseError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${message}`, options);
  }
}
