// The example service: /health answers once PostgreSQL answers; /count reads the migrated table.
import http from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.POSTGRES_URL });

http
  .createServer(async (req, res) => {
    try {
      if (req.url === '/health') {
        await pool.query('SELECT 1');
        res.end('ok');
      } else if (req.url === '/count') {
        const r = await pool.query('SELECT count(*)::int AS n FROM action_history');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(r.rows[0]));
      } else {
        res.statusCode = 404;
        res.end();
      }
    } catch (err) {
      res.statusCode = 503;
      res.end(String(err));
    }
  })
  .listen(8080);
