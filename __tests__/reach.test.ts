/** Where the job runs: on the host, on the host's network, or in a container on a bridge that must join the leg's network. */
import { describe, expect, test } from '@jest/globals';
import { computeIdentity } from '../src/config/identity.js';
import { Docker } from '../src/docker/docker.js';
import { detectReach, ownContainerId } from '../src/setup/reach.js';
import { FakeRunner } from './helpers/fake-runner.js';

const ID = 'f'.repeat(12) + '0123456789abcdef'.repeat(3) + '0123';
// /proc/self/mountinfo lines as docker and podman lay them out (root field: the file in the engine's store)
const DOCKER = [
  '1290 1207 0:95 / / rw,relatime master:354 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/X',
  `1302 1290 254:0 /var/lib/docker/containers/${ID}/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/vda rw`,
  `1303 1290 254:0 /var/lib/docker/containers/${ID}/hostname /etc/hostname rw,relatime - ext4 /dev/vda rw`,
].join('\n');
const PODMAN = `1401 1290 0:44 /containers/storage/overlay-containers/${ID}/userdata/hostname /etc/hostname rw - tmpfs tmpfs rw`;
const HOST = '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n25 22 0:5 / /dev rw - devtmpfs udev rw';

const identity = computeIdentity({ name: 'api', configFile: '/repo/e2e.yaml', tempRoot: '/tmp' });
const logger = () => {
  const said: string[] = [];
  return { said, info: (m: string) => said.push(`info: ${m}`), warn: (m: string) => said.push(`warn: ${m}`) };
};

describe('ownContainerId', () => {
  test("reads the container's id from its bind-mounted files, for docker and podman; none on a host", () => {
    expect(ownContainerId(DOCKER)).toBe(ID);
    expect(ownContainerId(PODMAN)).toBe(ID);
    expect(ownContainerId(HOST)).toBeUndefined();
  });
});

describe('detectReach', () => {
  test('a container on a bridge (a GitHub container job, act with services) joins the leg\'s network, ACT or not', async () => {
    const runner = new FakeRunner().on(['docker', 'inspect'], { stdout: 'github_network_5f2c\n' });
    const log = logger();
    const reach = await detectReach({ GITHUB_ACTIONS: 'true' }, new Docker(runner), identity, log, DOCKER);
    expect(reach).toEqual({ kind: 'container', job: ID, network: identity.container('net') });
    expect(runner.lines()).toEqual([
      `docker inspect --type container --format {{.HostConfig.NetworkMode}} ${ID}`,
      expect.stringMatching(new RegExp(`^docker network create .*${identity.container('net')}$`)),
      `docker network connect ${identity.container('net')} ${ID}`,
    ]);
  });

  test("a container on the host's network (act's default) reaches 127.0.0.1, and nothing warns", async () => {
    const runner = new FakeRunner().on(['docker', 'inspect'], { stdout: 'host\n' });
    const log = logger();
    expect(await detectReach({ ACT: 'true' }, new Docker(runner), identity, log, DOCKER)).toEqual({ kind: 'host' });
    expect(log.said).toEqual([]);
  });

  test('on a host, docker is not even asked', async () => {
    const runner = new FakeRunner();
    expect(await detectReach({}, new Docker(runner), identity, logger(), HOST)).toEqual({ kind: 'host' });
    expect(runner.lines()).toEqual([]);
  });
});

describe('detectReach, on networks a container cannot leave', () => {
  test("none, or rootless podman's user-mode network: 127.0.0.1 with a warning, and nothing is joined", async () => {
    for (const mode of ['none', 'slirp4netns', 'pasta']) {
      const runner = new FakeRunner().on(['docker', 'inspect'], { stdout: `${mode}\n` });
      const log = logger();
      expect(await detectReach({}, new Docker(runner), identity, log, DOCKER)).toEqual({ kind: 'host' });
      expect(runner.lines().filter((l) => l.includes('network'))).toEqual([]);
      expect(log.said).toEqual([expect.stringContaining(`on network "${mode}"`)]);
    }
  });
});
