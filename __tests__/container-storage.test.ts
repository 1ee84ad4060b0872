/**
 * Where a dependency's data goes, decided by startContainer from `storage` and whether a
 * snapshot arrived, read off the docker calls it makes (a fake runner: the real daemon's side is
 * in deps.itg.test.ts and snapshot.itg.test.ts). The database's own `docker start` is refused,
 * so each start ends, at once, after its containers are made and its data is in place.
 */
import { describe, expect, test } from '@jest/globals';
import { startContainer, type Restore, type StartOptions } from '../src/deps/container.js';
import { PG_DATA_MOUNT, PGDATA, postgresPreset } from '../src/deps/presets.js';
import { Docker } from '../src/docker/docker.js';
import { FakeRunner, MEMORY_MOUNT_FLAG, refuseStart } from './helpers/fake-runner.js';

const NAME = 'leg-postgres';
const MEMORY_MOUNT = MEMORY_MOUNT_FLAG;

/** A fake runner whose calls can be held back, keeping the order in which they end: to see what waits for what. */
class SlowRunner extends FakeRunner {
  readonly ended: string[] = [];
  constructor(private readonly slow: (argv: string[]) => number) {
    super();
  }
  override async run(...args: Parameters<FakeRunner['run']>) {
    const line = [args[0], ...args[1]].join(' ');
    await new Promise((r) => setTimeout(r, this.slow([args[0], ...args[1]])));
    try {
      return await super.run(...args);
    } finally {
      this.ended.push(line);
    }
  }
}

function startWith(runner: FakeRunner, storage: StartOptions['storage'], restore?: Restore | 'miss') {
  refuseStart(runner, 'docker', NAME);
  const opts: StartOptions = {
    name: NAME,
    labels: { leg: 'leg' },
    readyTimeoutMs: 5000,
    storage,
    restore: restore && { fetch: Promise.resolve(restore === 'miss' ? undefined : restore) },
  };
  const preset = postgresPreset({ image: 'postgres:16', user: 'app', database: 'app', password: 'pw' });
  return startContainer(new Docker(runner), preset, opts);
}

async function start(storage: StartOptions['storage'], restore?: Restore | 'miss', runner = new FakeRunner()) {
  await expect(startWith(runner, storage, restore)).rejects.toThrow('start refused by the test');
  // each of the two containers is made exactly once; a missing line fails here, not silently below
  const line = (prefix: string) => {
    const found = runner.lines().filter((l) => l.startsWith(prefix));
    expect(found).toHaveLength(1);
    return found[0];
  };
  const dependency = runner.calls.find((c) => c.argv[1] === 'create' && c.argv.includes(NAME));
  return { holder: line(`docker create --name ${NAME}-net `), dependency: line(`docker create --name ${NAME} `), env: dependency?.env ?? {}, lines: runner.lines() };
}

const snapshot = (): Restore => ({ archive: Buffer.from('tar bytes'), prepare: async () => {} });

describe('where PostgreSQL keeps its data', () => {
  test('memory: a RAM-backed volume on the holder, mounted by the database, with PGDATA inside it', async () => {
    const r = await start('memory');
    expect(r.holder).toContain(MEMORY_MOUNT);
    expect(r.dependency).toContain(`--volumes-from ${NAME}-net`);
    expect(r.env.PGDATA).toBe(PGDATA);
  });

  test('disk, no snapshot wanted: no volume of ours, the image keeps its own PGDATA', async () => {
    const r = await start('disk');
    expect(r.holder).not.toContain('--mount');
    expect(r.holder).not.toContain('--volume');
    expect(r.dependency).not.toContain('--volumes-from');
    expect(r.env.PGDATA).toBeUndefined();
  });

  test('disk, a snapshot arrives: a volume on disk on the holder, unpacked there as root, PGDATA inside it', async () => {
    const r = await start('disk', snapshot());
    expect(r.holder).toContain(`--volume ${PG_DATA_MOUNT}`);
    expect(r.holder).not.toContain('--mount');
    expect(r.dependency).toContain(`--volumes-from ${NAME}-net`);
    expect(r.env.PGDATA).toBe(PGDATA);
    expect(r.lines).toContain(`docker exec --interactive --user 0 ${NAME}-net tar --numeric-owner -x -C ${PG_DATA_MOUNT}`);
  });

  test('disk, the snapshot missed: the holder\'s volume stays unused, and the database starts where the image keeps it', async () => {
    const r = await start('disk', 'miss');
    expect(r.holder).toContain(`--volume ${PG_DATA_MOUNT}`);
    expect(r.dependency).not.toContain('--volumes-from');
    expect(r.env.PGDATA).toBeUndefined();
    expect(r.lines.some((l) => l.includes(' tar '))).toBe(false);
  });

  test('memory, a snapshot arrives: unpacked into the RAM-backed volume, and prepared in the holder before the database starts', async () => {
    const runner = new FakeRunner();
    // each prepare notes the holder it was given and how many calls had been made by then
    const prepared: { holder: string; after: number }[] = [];
    const r = await start('memory', { archive: Buffer.from('x'), prepare: async (holder) => void prepared.push({ holder, after: runner.calls.length }) }, runner);
    expect(r.holder).toContain(MEMORY_MOUNT);
    const tar = r.lines.findIndex((l) => l.includes(' tar --numeric-owner -x '));
    const started = r.lines.indexOf(`docker start ${NAME}`);
    expect(tar).toBeGreaterThan(-1);
    expect(started).toBeGreaterThan(tar);
    expect(prepared).toEqual([{ holder: `${NAME}-net`, after: expect.any(Number) }]);
    // after the unpack, before the database's start
    expect(prepared[0].after).toBeGreaterThan(tar);
    expect(prepared[0].after).toBeLessThanOrEqual(started);
  });

  test('a holder that does not start fails the start only once the database\'s create has ended, so the cleanup that follows finds it', async () => {
    const runner = new SlowRunner((argv) => (argv[1] === 'create' && argv.includes(NAME) ? 150 : 0));
    runner.on(['docker', 'start', `${NAME}-net`], { code: 1, stderr: 'Error response from daemon: driver failed programming external connectivity' });
    await expect(startWith(runner, 'memory')).rejects.toThrow('driver failed programming external connectivity');
    expect(runner.ended).toContain(`docker start ${NAME}-net`);
    expect(runner.ended.some((l) => l.startsWith(`docker create --name ${NAME} `))).toBe(true);
    expect(runner.ended.indexOf(`docker start ${NAME}-net`)).toBeLessThan(runner.ended.findIndex((l) => l.startsWith(`docker create --name ${NAME} `)));
  });

  test('an engine that cannot make a RAM-backed volume is refused before any call, not sent a flag it lacks', async () => {
    const runner = new FakeRunner();
    await expect(new Docker(runner, 'podman').create({ name: NAME, image: 'postgres:16', labels: {}, memoryVolumes: [PG_DATA_MOUNT] })).rejects.toThrow(`podman cannot make the RAM-backed volumes of ${NAME} here`);
    expect(runner.calls).toEqual([]);
  });
});
