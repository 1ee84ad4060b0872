/**
 * The PostgreSQL and Redis presets, kept to the official images' contracts so that any image
 * with the same contract (a private mirror, a local build) can be named instead:
 * PostgreSQL takes POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB and listens on 5432;
 * Redis runs its image's own command and listens on 6379.
 * Readiness is a real protocol check: a query for PostgreSQL, PING for Redis.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/normalize.js';
import { urlHost } from '../core/address.js';
import type { Dependency } from '../plan/plan.js';

// The protocol clients load on their first probe, not at start-up.
const pgClient = async () => (await import('pg')).default.Client;
const redisClient = async () => (await import('redis')).createClient;

export interface Address {
  host: string;
  port: number;
}

export interface Preset {
  role: Dependency;
  image: string;
  port: number;
  /** Passed to the container by name, never on the command line. */
  env: Record<string, string>;
  url(host: string, port: number): string;
  /** One readiness probe against host:port; throws when not ready. */
  probe(host: string, port: number): Promise<void>;
  /** The readiness probe a Deployment runs inside the container, when placed in the cluster. */
  probeCommand: string[];
  /**
   * Where the data lives when it must be placed: a folder (`mount`) that a volume of the engine's
   * (in RAM with storage: memory) or a snapshot fills, and the variables that point the image at
   * a folder inside it, which the image makes itself, so any user it runs as can.
   */
  data?: { mount: string; env: Record<string, string> };
  /** The `${…}` placeholder values that name the dependency at `at` (POSTGRES_HOST, REDIS_URL, …). */
  values(at: Address): Record<string, string>;
}

/** The preset for a dependency the config declares, running `image` (as it is named on this host). */
export function presetFor(dep: Dependency, config: Pick<Config, 'postgres'>, image: string, postgresPassword: string): Preset {
  if (dep === 'redis') return redisPreset(image);
  const p = config.postgres;
  if (!p) throw new Error('the environment declares no postgres');
  return postgresPreset({ image, user: p.user, database: p.database, password: postgresPassword });
}

/**
 * PostgreSQL's data, when placed: a mount of its own under the image's folder, and PGDATA one
 * folder below it, as the official image's docs ask of a mount point ("initdb requires a
 * subdirectory to be created within the mountpoint": docker-library/docs, postgres/content.md,
 * `PGDATA`). The entrypoint, or initdb, makes that folder as the user the image runs as.
 */
export const PG_DATA_MOUNT = '/var/lib/postgresql/ds-e2e';
export const PG_DATA_FOLDER = 'pgdata';
export const PGDATA = `${PG_DATA_MOUNT}/${PG_DATA_FOLDER}`;

export interface PostgresSettings {
  image: string;
  user: string;
  database: string;
  password: string;
}

/** A fresh password per run: URL-safe, so it can sit in a connection URL unescaped. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export function postgresPreset(s: PostgresSettings): Preset {
  const url = (host: string, port: number): string =>
    `postgres://${encodeURIComponent(s.user)}:${encodeURIComponent(s.password)}@${urlHost(host)}:${port}/${encodeURIComponent(s.database)}`;
  return {
    role: 'postgres',
    image: s.image,
    port: 5432,
    env: { POSTGRES_USER: s.user, POSTGRES_PASSWORD: s.password, POSTGRES_DB: s.database },
    data: { mount: PG_DATA_MOUNT, env: { PGDATA } },
    url,
    // --host: the image's first-start init server listens on the socket only (listen_addresses=''),
    // so a TCP probe passes only once the real server is up, not during initialisation
    probeCommand: ['pg_isready', '--host', '127.0.0.1', '--username', s.user, '--dbname', s.database],
    values: (at) => ({
      POSTGRES_HOST: at.host,
      POSTGRES_PORT: String(at.port),
      POSTGRES_USER: s.user,
      POSTGRES_DB: s.database,
      POSTGRES_PASSWORD: s.password,
      POSTGRES_URL: url(at.host, at.port),
    }),
    async probe(host, port) {
      const Client = await pgClient();
      const client = new Client({ connectionString: url(host, port), connectionTimeoutMillis: 2000 });
      client.on('error', () => {}); // a server that restarts mid-probe must not crash the process
      try {
        await client.connect();
        await client.query('SELECT 1');
      } finally {
        await client.end().catch(() => {});
      }
    },
  };
}

export function redisPreset(image: string): Preset {
  const url = (host: string, port: number): string => `redis://${urlHost(host)}:${port}`;
  return {
    role: 'redis',
    image,
    port: 6379,
    env: {},
    url,
    probeCommand: ['redis-cli', 'ping'],
    values: (at) => ({ REDIS_HOST: at.host, REDIS_PORT: String(at.port), REDIS_URL: url(at.host, at.port) }),
    async probe(host, port) {
      const createClient = await redisClient();
      const client = createClient({ url: url(host, port), socket: { connectTimeout: 2000, reconnectStrategy: false } });
      client.on('error', () => {});
      try {
        await client.connect();
        const answer = await client.ping();
        if (answer !== 'PONG') throw new Error(`PING answered ${answer}`);
      } finally {
        if (client.isOpen) await client.quit().catch(() => {});
      }
    },
  };
}
