/** What a migrated database holds, as the warm-start tests and the warm bench compare it, and one query on its own connection. */
import pg from 'pg';

/** One statement on a connection of its own; a server that restarts meanwhile must not crash the process. */
export async function query<T extends pg.QueryResultRow = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The public schema's tables and columns, indexes and functions, and goose's ledger. */
export async function schema(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async (sql: string) => (await client.query(sql)).rows;
    return {
      tables: await q(`SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`),
      indexes: await q(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`),
      functions: await q(`SELECT proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE nspname = 'public' ORDER BY 1`),
      ledger: await q('SELECT version_id::int AS v, is_applied FROM goose_db_version ORDER BY id'),
    };
  } finally {
    await client.end();
  }
}
