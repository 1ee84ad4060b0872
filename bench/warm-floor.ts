/**
 * About the least a warm start can take on this host, measured beside the warm bench's runs: a
 * bare `node` start, then one `docker run` of the image on a data directory that is already in
 * place, its published port looked up, polled with `SELECT 1` every 10 ms. A warm run must also
 * fetch its snapshot from the cache, put it in place and give the role a new password, which the
 * floor leaves out; it counts a port lookup and a create that a warm run overlaps with other
 * work (tens of ms), and its data is on disk.
 */
import { spawnSync } from 'node:child_process';
import { postgresPreset } from '../src/deps/presets.js';
import { docker, hostPort, median, pollReady } from './util.js';

/** Where the data lives: a named volume on disk, which outlives the container, so it is in place before a start. */
const MOUNT = '/var/lib/postgresql/bench-floor';

/**
 * The median of three floor starts, in ms; the data directory is made before them, untimed.
 * Each start makes the container and publishes its port, as a run on a new runner must; the data
 * is on disk for every storage, since a tmpfs holds nothing before its container starts.
 */
export async function warmFloor(image: string): Promise<number> {
  const name = `bench-floor-${process.pid}`;
  const volume = `${name}-data`;
  const start = () => docker(['run', '--detach', '--name', name, '--publish', '127.0.0.1::5432', '--mount', `type=volume,src=${volume},dst=${MOUNT}`, '--env', 'POSTGRES_PASSWORD=floor', '--env', `PGDATA=${MOUNT}/pgdata`, image]);
  const preset = postgresPreset({ image, user: 'postgres', database: 'postgres', password: 'floor' });
  const ready = async () => pollReady(preset, await hostPort(name, 5432), 10);
  // a clean stop, so that the next start finds a shut-down cluster, as a snapshot is
  const stopAndRemove = async () => {
    await docker(['stop', name]);
    await docker(['rm', name]);
  };
  try {
    // a new volume is root's; the image's postgres user must be able to make PGDATA in it
    await docker(['run', '--rm', '--user', '0', '--mount', `type=volume,src=${volume},dst=${MOUNT}`, '--entrypoint', 'chmod', image, '1777', MOUNT]);
    await start();
    await ready(); // initdb runs here, once
    await stopAndRemove();
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' }); // a process starts, as the action's does
      await start();
      await ready();
      times.push(performance.now() - started);
      await stopAndRemove();
    }
    return median(times);
  } finally {
    spawnSync('docker', ['rm', '--force', name], { stdio: 'ignore' }); // absent is fine
    spawnSync('docker', ['volume', 'rm', '--force', volume], { stdio: 'ignore' });
  }
}
