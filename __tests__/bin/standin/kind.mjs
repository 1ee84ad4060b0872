// Stand-in for kind. It answers in kind's formats and refuses flags kind lacks. Where it can, it
// does the real docker work: the `kind` network, a node container per node with the config's
// extraPortMappings published, and `load` checks the image on the host. Create takes
// $STANDIN_KIND_CREATE_MS (default 1500) so timelines can show what overlaps it.
// $STANDIN_KIND_CREATE_FAILURES names a file of failure modes, one line each, consumed one per
// create: `kubeadm-timeout` (the control plane not ready in time, nodes retained as with --retain)
// or `network` (any other failure).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { docker, fail, parse, record, sleep } from './common.mjs';

const all = process.argv.slice(2);
const NODE_IMAGE = 'ds-e2e-test/kind-node:standin-2';
const LABEL = 'io.x-k8s.kind.cluster';
const network = process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK || 'kind';

// node containers carry a role; the "pods" the stand-in kubectl runs carry only the cluster label
const containersOf = (name) => docker(['ps', '--all', '--filter', `label=${LABEL}=${name}`, '--format', '{{.Names}}']).split('\n').filter(Boolean);
const nodesOf = (name) => docker(['ps', '--all', '--filter', `label=${LABEL}=${name}`, '--filter', 'label=io.x-k8s.kind.role', '--format', '{{.Names}}']).split('\n').filter(Boolean);
const clusters = () => [...new Set(docker(['ps', '--all', '--filter', `label=${LABEL}`, '--format', `{{.Label "${LABEL}"}}`]).split('\n').filter(Boolean))].sort();

/** The next injected failure mode, if any: the first line of the file, removed from it. */
function nextFailure() {
  const file = process.env.STANDIN_KIND_CREATE_FAILURES;
  if (!file) return undefined;
  const [first, ...others] = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  writeFileSync(file, others.map((l) => `${l}\n`).join(''));
  return first;
}

const [verb, noun, ...rest] = all;
const cmd = `${verb} ${noun ?? ''}`.trim();

if (verb === 'version') {
  process.stdout.write('kind v0.32.0 go1.24.0 linux/amd64 (stand-in)\n');
  record('kind', all, 0);
} else if (cmd === 'get clusters') {
  parse('kind', all, rest, {});
  const names = clusters();
  if (names.length === 0) process.stderr.write('No kind clusters found.\n');
  else process.stdout.write(`${names.join('\n')}\n`);
  record('kind', all, 0);
} else if (cmd === 'create cluster') {
  const { flags } = parse('kind', all, rest, { name: 'value', config: 'value', image: 'value', kubeconfig: 'value', wait: 'value', retain: 'bool' });
  const name = flags.name ?? 'kind';
  if (nodesOf(name).length > 0) fail('kind', all, `ERROR: failed to create cluster: node(s) already exist for a cluster with the name "${name}"`);
  const config = flags.config ? parseYaml(readFileSync(flags.config, 'utf8')) : { kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4', nodes: [{ role: 'control-plane' }] };
  if (config.kind !== 'Cluster' || config.apiVersion !== 'kind.x-k8s.io/v1alpha4') fail('kind', all, 'ERROR: failed to create cluster: unknown apiVersion or kind in config');
  process.stderr.write(`Creating cluster "${name}" ...\n`);
  try {
    docker(['network', 'inspect', network]);
  } catch {
    docker(['network', 'create', network]);
  }
  let workers = 0;
  for (const node of config.nodes ?? [{ role: 'control-plane' }]) {
    const nodeName = node.role === 'control-plane' ? `${name}-control-plane` : `${name}-worker${workers++ ? workers : ''}`;
    const ports = node.extraPortMappings ?? [];
    const publish = ports.flatMap((m) => ['--publish', `${m.listenAddress ?? '0.0.0.0'}:${m.hostPort}:${m.containerPort}`]);
    docker([
      'run', '--detach', '--name', nodeName, '--hostname', nodeName, '--network', network,
      '--label', `${LABEL}=${name}`, '--label', `io.x-k8s.kind.role=${node.role}`,
      ...publish, NODE_IMAGE,
    ]);
  }
  const failure = nextFailure();
  if (failure === 'kubeadm-timeout') {
    // kind: kubeadminit/init.go wraps kubeadm's error as "failed to init node with kubeadm", exec's
    // error prints `command "…" failed with error: …`, main.go adds "Command Output:"; kubeadm's
    // wait-control-plane phase fails with "couldn't initialize a Kubernetes cluster".
    fail('kind', all, [
      ' ✓ Preparing nodes 📦',
      ' ✗ Starting control-plane 🕹️',
      `ERROR: failed to create cluster: failed to init node with kubeadm: command "docker exec --privileged ${name}-control-plane kubeadm init --config=/kind/kubeadm.conf --skip-token-print --v=6" failed with error: exit status 1`,
      '',
      'Command Output: [wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "/etc/kubernetes/manifests"',
      '[kubelet-check] Initial timeout of 40s passed.',
      "error execution phase wait-control-plane: couldn't initialize a Kubernetes cluster",
    ].join('\n'));
  }
  if (failure === 'network') fail('kind', all, 'ERROR: failed to create cluster: failed to ensure docker network: command "docker network create -d=bridge kind" failed with error: exit status 1');
  sleep(Number(process.env.STANDIN_KIND_CREATE_MS ?? 1500));
  const kubeconfig = flags.kubeconfig ?? join(process.env.HOME ?? '/root', '.kube', 'config');
  mkdirSync(dirname(kubeconfig), { recursive: true });
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: c3RhbmQtaW4=\n    server: https://127.0.0.1:6443\n  name: kind-${name}\ncontexts:\n- context:\n    cluster: kind-${name}\n    user: kind-${name}\n  name: kind-${name}\ncurrent-context: kind-${name}\npreferences: {}\nusers:\n- name: kind-${name}\n  user:\n    token: stand-in\n`,
  );
  process.stderr.write(` ✓ Ensuring node image (${config.nodes?.[0]?.image ?? flags.image ?? 'default'}) 🖼\nSet kubectl context to "kind-${name}"\n`);
  record('kind', all, 0, { config });
} else if (cmd === 'delete cluster') {
  const { flags } = parse('kind', all, rest, { name: 'value', kubeconfig: 'value' });
  const name = flags.name ?? 'kind';
  process.stderr.write(`Deleting cluster "${name}" ...\n`);
  const containers = containersOf(name);
  if (containers.length) docker(['rm', '--force', '--volumes', ...containers]);
  record('kind', all, 0);
} else if (cmd === 'get kubeconfig') {
  const { flags } = parse('kind', all, rest, { name: 'value', internal: 'bool' });
  const name = flags.name ?? 'kind';
  if (nodesOf(name).length === 0) fail('kind', all, `ERROR: could not locate any control plane nodes for cluster named '${name}'`);
  const server = flags.internal ? `https://${name}-control-plane:6443` : 'https://127.0.0.1:6443';
  process.stdout.write(`apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: ${server}\n  name: kind-${name}\ncontexts:\n- context:\n    cluster: kind-${name}\n    user: kind-${name}\n  name: kind-${name}\ncurrent-context: kind-${name}\nusers:\n- name: kind-${name}\n  user:\n    token: stand-in\n`);
  record('kind', all, 0);
} else if (cmd === 'load docker-image') {
  const { flags, positionals } = parse('kind', all, rest, { name: 'value', nodes: 'value' });
  const name = flags.name ?? 'kind';
  const nodes = nodesOf(name);
  if (nodes.length === 0) fail('kind', all, `ERROR: no nodes found for cluster "${name}"`);
  for (const image of positionals) {
    let id;
    try {
      id = docker(['image', 'inspect', '--format', '{{.Id}}', image]).trim();
    } catch {
      fail('kind', all, `ERROR: image: "${image}" not present locally`);
    }
    for (const node of nodes) process.stdout.write(`Image: "${image}" with ID "${id}" not yet present on node "${node}", loading...\n`);
  }
  record('kind', all, 0);
} else if (cmd === 'load image-archive') {
  // kind v0.32.0 pipes the archive into `ctr --namespace=k8s.io images import --all-platforms
  // --digests` on each node (pkg/cluster/nodeutils/util.go, LoadImageArchive). Like ctr, this
  // refuses an OCI index that lists content the archive does not hold (kind issue #3795).
  const { flags, positionals } = parse('kind', all, rest, { name: 'value', nodes: 'value' });
  const name = flags.name ?? 'kind';
  const nodes = nodesOf(name);
  if (nodes.length === 0) fail('kind', all, `ERROR: no nodes found for cluster "${name}"`);
  const file = positionals[0];
  if (!file) fail('kind', all, 'ERROR: name of image archive is required');
  let entries;
  try {
    // by name without a leading ./, to the name as the archive spells it
    entries = new Map(execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).split('\n').filter(Boolean).map((e) => [e.replace(/^\.\//, ''), e]));
  } catch {
    fail('kind', all, `ERROR: failed to load image: open ${file}: not an image archive`);
  }
  const read = (entry) => JSON.parse(execFileSync('tar', ['-xOf', file, entries.get(entry)], { encoding: 'utf8' }));
  const blob = (digest) => `blobs/${digest.replace(':', '/')}`;
  const platforms = [];
  const walk = (descriptors) => {
    for (const d of descriptors ?? []) {
      if (!entries.has(blob(d.digest))) {
        fail('kind', all, `ERROR: failed to load image: command "ctr --namespace=k8s.io images import --all-platforms --digests -" failed with error: exit status 1\nctr: content digest ${d.digest}: not found`);
      }
      if (d.platform) platforms.push(`${d.platform.os}/${d.platform.architecture}`);
      const inner = read(blob(d.digest));
      if (inner.manifests) walk(inner.manifests);
    }
  };
  if (entries.has('index.json')) walk(read('index.json').manifests);
  const images = entries.has('manifest.json') ? read('manifest.json').map((m) => m.RepoTags ?? []).flat() : [];
  for (const node of nodes) process.stdout.write(`loading ${file} onto node "${node}"\n`);
  record('kind', all, 0, { archive: { images, platforms } });
} else if (cmd === 'export logs') {
  const { flags, positionals } = parse('kind', all, rest, { name: 'value', kubeconfig: 'value' });
  const name = flags.name ?? 'kind';
  const dir = positionals[0] ?? `/tmp/kind-logs-${Date.now()}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kind-version.txt'), 'kind v0.32.0 (stand-in)\n');
  for (const node of nodesOf(name)) {
    mkdirSync(join(dir, node), { recursive: true });
    writeFileSync(join(dir, node, 'inspect.json'), docker(['inspect', node]));
  }
  process.stdout.write(`Exporting logs for cluster "${name}" to:\n${dir}\n`);
  record('kind', all, 0);
} else {
  fail('kind', all, `ERROR: unknown command "${cmd}" for "kind"`);
}
