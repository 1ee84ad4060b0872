/** The baselines' readiness check for PostgreSQL: a new connection and `SELECT 1`, polled until it answers. */
import pg from 'pg';
import { poll } from '../src/core/poll.js';

export async function pollSelect1(what: string, url: string, intervalMs: number): Promise<void> {
  await poll(what, async () => {
    const c = new pg.Client({ connectionString: url });
    c.on('error', () => {});
    try {
      await c.connect();
      await c.query('SELECT 1');
    } finally {
      await c.end().catch(() => {});
    }
  }, { intervalMs, timeoutMs: 60_000 });
}
