/**
 * Snapshots of a migrated PostgreSQL, for `placement: docker`: the data directory as a base
 * backup of the running server (`pg_basebackup`, as the image's superuser over its socket, which
 * the image's pg_hba trusts for replication), then made clean inside the container before it is
 * packed: a single-user `postgres` on the copy finishes its recovery, takes the role's password
 * away (`PASSWORD NULL`, then `VACUUM FULL pg_authid`: no byte of the old verifier is left in the
 * archive) and shuts down cleanly, with WAL
 * recycling off so no spare segment is kept. A restored snapshot then starts without recovery
 * (170 ms to ready here against 245-275 ms for the raw backup). On a later run it is unpacked
 * into a volume that a new container starts on, and before the server starts the role gets this
 * run's password, so only this run's URL opens it.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Call } from '../core/log.js';
import type { Docker } from '../docker/docker.js';
import { PG_DATA_FOLDER as FOLDER, PG_DATA_MOUNT, PGDATA } from './presets.js';

/** Where the copy is made and packed: beside the data when it is in RAM (written in a blink), else in the container's /tmp. */
export const captureFolder = (storage: 'memory' | 'disk'): string => (storage === 'memory' ? `${PG_DATA_MOUNT}/capture` : '/tmp/ds-e2e-capture');

/**
 * A base backup of the running server, made and packed in `work` in the container, as a tar of
 * one folder (the data folder, unpacked under the data mount), written to `file` on the host.
 */
export async function captureSnapshot(docker: Docker, container: string, user: string, database: string, file: string, work: string, call: Call = {}): Promise<void> {
  const packed = `${work}.tar`;
  const copy = `${work}/${FOLDER}`;
  // as the image's postgres user, so the files keep the owner the server needs
  const as = { ...call, user: 'postgres' };
  try {
    await docker.exec(container, ['rm', '-rf', work, packed], as);
    await docker.exec(container, ['pg_basebackup', '--username', user, '--pgdata', copy, '--wal-method', 'fetch', '--checkpoint', 'fast'], as);
    // VACUUM FULL rewrites pg_authid without the old row version, and with full_page_writes off the
    // WAL holds no image of the page it was on: no byte of the old verifier is left. wal_recycle
    // (PostgreSQL 12+) off drops the segment a checkpoint would keep for reuse.
    const clean = `ALTER ROLE "${user}" PASSWORD NULL;\nVACUUM FULL pg_authid;\n`;
    let failed = await singleUser(docker, container, copy, database, clean, ['full_page_writes=off', 'wal_recycle=off'], call);
    if (failed?.includes('unrecognized configuration parameter "wal_recycle"')) failed = await singleUser(docker, container, copy, database, clean, ['full_page_writes=off'], call); // before PostgreSQL 12
    if (failed) throw new Error(`the snapshot's copy could not be made clean: ${failed}`);
    await docker.exec(container, ['rm', '-f', `${copy}/backup_label.old`, `${copy}/backup_manifest`], as);
    // numeric owners: the image's postgres uid, whatever the host calls it
    await docker.exec(container, ['tar', '--numeric-owner', '-c', '-f', packed, '-C', work, FOLDER], as);
    mkdirSync(dirname(file), { recursive: true });
    rmSync(file, { force: true });
    await docker.copyOut(container, packed, file, call);
  } finally {
    await docker.exec(container, ['rm', '-rf', work, packed], { ...as, allowFailure: true }).catch(() => undefined);
  }
}

/**
 * Gives the role this run's password before the restored server starts: a single-user
 * `postgres` on the unpacked data, run in the network holder (which mounts it), so the server
 * comes up already holding it and the readiness probe can use this run's URL at once. The
 * password travels on stdin, never in argv; it is URL-safe, so it needs no quoting.
 */
export async function setPassword(docker: Docker, holder: string, user: string, database: string, password: string, call: Call = {}): Promise<void> {
  const failed = await singleUser(docker, holder, PGDATA, database, `ALTER ROLE "${user}" PASSWORD '${password}';\n`, [], call);
  if (failed) throw new Error(`the restored PostgreSQL did not take this run's password: ${failed}`);
}

/**
 * Runs `sql` (on stdin) in a single-user `postgres` on the data folder `pgdata`, as the image's
 * postgres user, with `settings` given as `-c` options. Single-user mode exits 0 even when a
 * statement fails, so its output is read too: the line that says what failed, else undefined.
 */
async function singleUser(docker: Docker, container: string, pgdata: string, database: string, sql: string, settings: string[], call: Call): Promise<string | undefined> {
  const args = ['postgres', '--single', '-D', pgdata, '-c', 'listen_addresses=', ...settings.flatMap((s) => ['-c', s]), database];
  const r = await docker.exec(container, args, { ...call, user: 'postgres', input: sql, allowFailure: true });
  const failed = /\b(ERROR|FATAL|PANIC):\s.*$/m.exec(`${r.stdout}\n${r.stderr}`);
  if (r.code === 0 && !failed) return undefined;
  return failed?.[0] ?? r.stderr.trim().split('\n').pop() ?? `exited with code ${r.code}`;
}
