/** Rules the cluster path keeps that a real cluster would enforce and our stand-ins cannot. */
import { describe, expect, test } from '@jest/globals';
import { ConfigError } from '../src/config/errors.js';
import { presetFor } from '../src/deps/presets.js';
import { kindConfig } from '../src/kube/kind-config.js';
import { MAX_EXPOSED, NODE_PORTS, staticBand } from '../src/kube/node-ports.js';
import { prepare } from '../src/setup/prepare.js';
import { KIND_RELEASES } from '../src/tools/releases.js';
import { makeWorkspace } from './helpers/workspace.js';

describe('NodePorts', () => {
  test('come from the static band the API server keeps for ports asked for by number (30000-30085)', () => {
    expect(staticBand()).toEqual({ first: 30000, last: 30085 });
    const ours = [NODE_PORTS.postgres, NODE_PORTS.redis, NODE_PORTS.expose, NODE_PORTS.expose + MAX_EXPOSED - 1];
    for (const p of ours) expect(p >= 30000 && p <= 30085).toBe(true);
    // a range of 16 ports or fewer has no band; a large one is capped at 128
    expect(staticBand({ first: 30000, last: 30015 })).toEqual({ first: 30000, last: 30015 });
    expect(staticBand({ first: 20000, last: 39999 })).toEqual({ first: 20000, last: 20127 });
  });
});

describe('the in-cluster PostgreSQL probe', () => {
  test('asks over TCP (--host), which the image\'s socket-only init server does not answer', () => {
    const p = presetFor('postgres', { postgres: { image: 'postgres:16', placement: 'cluster', user: 'app', database: 'db', storage: 'memory' } }, 'postgres:16', 'pw');
    expect(p.probeCommand).toEqual(['pg_isready', '--host', '127.0.0.1', '--username', 'app', '--dbname', 'db']);
  });
});

describe('node images', () => {
  const prepared = (kubernetes: string, inputs: Record<string, string> = {}) => {
    const ws = makeWorkspace({ 'e2e.yaml': `name: nodes\ncluster: { kubernetes: "${kubernetes}" }\n` });
    try {
      return prepare({ config: `${ws.dir}/e2e.yaml`, cache: false, cleanup: 'always', ...inputs }, {});
    } finally {
      ws.remove();
    }
  };

  test('a version without its "v" is the same version, pinned by digest from the release table', () => {
    expect(prepared('1.34.8').config.cluster).toMatchObject({ kubernetes: 'v1.34.8', nodeImage: KIND_RELEASES['v0.32.0'].nodeImages['v1.34.8'] });
    expect(KIND_RELEASES['v0.32.0'].nodeImages['v1.34.8']).toMatch(/^kindest\/node:v1\.34\.8@sha256:[0-9a-f]{64}$/);
  });

  test('a version the kind release does not list is refused before anything starts, naming the ones it does', () => {
    let err: unknown;
    try {
      prepared('v1.34.99');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('cluster.kubernetes: Kubernetes v1.34.99 has no node image in kind v0.32.0\'s release notes; they list v1.36.1, v1.35.5, v1.34.8, v1.33.12');
  });

  test('a kind release the table does not know needs a full node image', () => {
    expect(() => prepared('v1.34.8', { kindVersion: 'v0.99.0' })).toThrow('kind v0.99.0 is not in this action\'s release table');
    expect(prepared('v1.34.8', { kindVersion: 'v0.99.0', nodeImage: 'registry.local/node:v1.34.8' }).config.cluster).toMatchObject({ nodeImage: 'registry.local/node:v1.34.8', kubernetes: 'v1.34.8' });
  });
});

describe("kind's readiness timeout, told from other creation failures", () => {
  const kubeadm = (phaseError: string) =>
    [
      'ERROR: failed to create cluster: failed to init node with kubeadm: command "docker exec --privileged c-control-plane kubeadm init --config=/kind/kubeadm.conf --skip-token-print --v=6" failed with error: exit status 1',
      'Command Output: [wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "/etc/kubernetes/manifests"',
      phaseError,
    ].join('\n');

  test('only a failed wait-control-plane phase counts', async () => {
    const { isControlPlaneTimeout } = await import('../src/kube/kind.js');
    expect(isControlPlaneTimeout(kubeadm("error execution phase wait-control-plane: couldn't initialize a Kubernetes cluster"))).toBe(true);
    // the phase's progress line is printed on every init that gets that far: a later phase's failure is something else
    expect(isControlPlaneTimeout(kubeadm('error execution phase upload-config/kubelet: Error writing Crisocket information for the control-plane node: timed out waiting for the condition'))).toBe(false);
    expect(isControlPlaneTimeout('ERROR: failed to create cluster: failed to ensure docker network: exit status 1')).toBe(false);
  });
});

describe('the user\'s kind nodes', () => {
  const merged = (nodes: string, workers: number) => {
    const ws = makeWorkspace({ 'k.yaml': `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes: ${nodes}\n` });
    try {
      const mapping = { containerPort: 30000, hostPort: 41000 };
      return kindConfig({ nodeImage: 'img', workers, portMappings: [mapping], userConfig: `${ws.dir}/k.yaml`, listenAddress: '127.0.0.1' }).nodes as Record<string, unknown>[];
    } finally {
      ws.remove();
    }
  };
  const ours = { containerPort: 30000, hostPort: 41000, listenAddress: '127.0.0.1', protocol: 'TCP' };

  test('lend their fields by role, not by position: a worker listed first stays a worker', () => {
    const nodes = merged('[{ role: worker, labels: { tier: db } }, { role: control-plane, extraMounts: [{ hostPath: /tmp, containerPath: /x }] }]', 1);
    expect(nodes).toEqual([
      { role: 'control-plane', image: 'img', extraMounts: [{ hostPath: '/tmp', containerPath: '/x' }], extraPortMappings: [ours] },
      { role: 'worker', image: 'img', labels: { tier: 'db' } },
    ]);
  });

  test('a node with no role is a control plane, as kind defaults it; extra workers are kept', () => {
    const nodes = merged('[{ labels: { a: b } }, { role: worker }, { role: worker, labels: { tier: db } }]', 1);
    expect(nodes.map((n) => [n.role, n.labels])).toEqual([
      ['control-plane', { a: 'b' }],
      ['worker', undefined],
      ['worker', { tier: 'db' }],
    ]);
    expect(nodes[0].extraPortMappings).toEqual([ours]);
  });
});

describe("kind's API server port", () => {
  const config = (file: string, apiServerPort?: number) => {
    const ws = makeWorkspace({ 'k.yaml': file });
    try {
      return kindConfig({ nodeImage: 'img', workers: 0, portMappings: [], userConfig: `${ws.dir}/k.yaml`, listenAddress: '127.0.0.1', apiServerPort }).networking as Record<string, unknown>;
    } finally {
      ws.remove();
    }
  };

  test('is the one reserved for the leg, not one kind picks without knowing the reservations', () => {
    expect(config('kind: Cluster\nnetworking: { podSubnet: 10.250.0.0/16 }\n', 41234)).toEqual({ podSubnet: '10.250.0.0/16', apiServerPort: 41234 });
  });

  test("is the user's where their file names one", () => {
    expect(config('kind: Cluster\nnetworking: { apiServerPort: 6443 }\n', 41234)).toEqual({ apiServerPort: 6443 });
  });
});
