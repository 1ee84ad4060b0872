// Stand-in for kubectl. It keeps what was applied in a state folder beside the kubeconfig, answers
// in kubectl's formats, and refuses flags kubectl lacks. It runs no workload and forwards no port:
// tests that need something listening start it themselves (helpers/node-fixtures.ts). Pods are
// reported for applied Deployments, Ready unless named in $STANDIN_UNREADY (comma-separated).
// `kustomize` needs no cluster: it is handed to the real kubectl client this machine image
// carries (the newest kubectl.1.NN beside the `kubectl` on PATH), so rendering is kustomize's own.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CLUSTER_SCOPED, mergeServicePorts, refusal } from './api-rules.mjs';
import { fail, parse, record } from './common.mjs';

const all = process.argv.slice(2);
const GLOBAL = { kubeconfig: 'value', namespace: 'value' };
const { flags: globals } = parse('kubectl', all, all.filter((a, i) => a.startsWith('--kubeconfig') || all[i - 1] === '--kubeconfig'), GLOBAL);
const kubeconfig = globals.kubeconfig;
if (!kubeconfig || !existsSync(kubeconfig)) fail('kubectl', all, `error: stat ${kubeconfig}: no such file or directory`);
const args = all.filter((a, i) => !(a.startsWith('--kubeconfig') || all[i - 1] === '--kubeconfig'));
// One file per object, like a tiny API server: calls that run side by side never lose each other's writes.
const stateDir = `${kubeconfig}.standin`;
mkdirSync(stateDir, { recursive: true });
const fileOf = (o) => join(stateDir, `${o.kind}_${o.metadata.namespace ?? '-'}_${o.metadata.name}.json`);
const state = { objects: readdirSync(stateDir).map((f) => JSON.parse(readFileSync(join(stateDir, f), 'utf8'))) };
const save = (o) => writeFileSync(fileOf(o), JSON.stringify(o, null, 2));
const find = (kind, name, ns) => state.objects.find((o) => o.kind === kind && o.metadata.name === name && (o.metadata.namespace ?? 'default') === ns);
const resource = (kind) => ({ Deployment: 'deployment.apps', Service: 'service', Secret: 'secret', Namespace: 'namespace', EndpointSlice: 'endpointslice.discovery.k8s.io', ConfigMap: 'configmap' })[kind] ?? kind.toLowerCase();
const out = (t) => process.stdout.write(`${t}\n`);

const [verb, ...rest] = args;

if (verb === 'kustomize') {
  // the real client, which the launcher names (__tests__/helpers/standins.ts)
  const real = process.env.STANDIN_REAL_KUBECTL || fail('kubectl', all, 'error: the stand-in was given no real kubectl to run kustomize with');
  const r = spawnSync(real, args, { encoding: 'utf8' });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  record('kubectl', all, r.status ?? 1);
  process.exit(r.status ?? 1);
} else if (verb === 'apply') {
  const { flags } = parse('kubectl', all, rest, { filename: 'value', f: 'value', namespace: 'value', 'server-side': 'bool', 'force-conflicts': 'bool', 'field-manager': 'value' });
  if ((flags.filename ?? flags.f) !== '-') fail('kubectl', all, 'error: the stand-in reads manifests from stdin only (--filename -)');
  const text = readFileSync(0, 'utf8');
  const objects = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) fail('kubectl', all, `error: error parsing STDIN: ${doc.errors[0].message}`);
    const o = doc.toJS();
    if (o === null) continue;
    if (!o.apiVersion || !o.kind || !o.metadata?.name) fail('kubectl', all, 'error: error validating "STDIN": apiVersion, kind and metadata.name are required');
    if (!CLUSTER_SCOPED.has(o.kind)) {
      // kubectl: an object without a namespace takes --namespace, else the kubeconfig context's
      // (kind sets none), else "default"; one that names another than --namespace is refused
      // (k8s.io/cli-runtime pkg/resource/visitor.go, RequireNamespace)
      if (flags.namespace && o.metadata.namespace && o.metadata.namespace !== flags.namespace) {
        fail('kubectl', all, `error: the namespace from the provided object "${o.metadata.namespace}" does not match the namespace "${flags.namespace}". You must pass '--namespace=${o.metadata.namespace}' to perform this operation.`);
      }
      o.metadata.namespace ??= flags.namespace ?? 'default';
    }
    const why = await refusal(o);
    if (why) fail('kubectl', all, `Error from server (Invalid): error when creating "STDIN": ${why}`);
    objects.push(o);
  }
  const applied = [];
  for (const o of objects) {
    const ns = o.metadata.namespace;
    if (ns && !find('Namespace', ns, 'default') && ns !== 'default') {
      fail('kubectl', all, `Error from server (NotFound): error when creating "STDIN": namespaces "${ns}" not found`);
    }
    const existing = o.kind === 'Namespace' ? find('Namespace', o.metadata.name, 'default') : find(o.kind, o.metadata.name, ns);
    if (existing) state.objects.splice(state.objects.indexOf(existing), 1);
    state.objects.push(o);
    save(o);
    applied.push(o);
    out(`${resource(o.kind)}/${o.metadata.name} ${existing ? 'configured' : 'created'}`);
  }
  record('kubectl', all, 0, { objects: applied });
} else if (verb === 'wait') {
  const { flags, positionals } = parse('kubectl', all, rest, { for: 'value', all: 'bool', timeout: 'value', namespace: 'value' });
  if (flags.for !== 'condition=Ready' || positionals[0] !== 'nodes') fail('kubectl', all, 'error: the stand-in waits only for nodes to be Ready');
  out(`node/${(readFileSync(kubeconfig, 'utf8').match(/name: kind-(\S+)/) ?? [])[1]}-control-plane condition met`);
  record('kubectl', all, 0);
} else if (verb === 'rollout') {
  const { flags, positionals } = parse('kubectl', all, rest, { namespace: 'value', n: 'value', timeout: 'value', watch: 'bool' });
  const [sub, target] = positionals;
  if (sub !== 'status') fail('kubectl', all, `error: unknown command "${sub}" for "kubectl rollout"`);
  const [type, name] = target.split('/');
  const ns = flags.namespace ?? flags.n ?? 'default';
  const isCoreDns = ns === 'kube-system' && name === 'coredns';
  if (!['deployment', 'deploy', 'deployments', 'statefulset', 'daemonset'].includes(type)) fail('kubectl', all, `error: no status viewer has been implemented for ${type}`);
  if (!isCoreDns && !find(type.startsWith('deploy') ? 'Deployment' : type, name, ns)) {
    fail('kubectl', all, `Error from server (NotFound): deployments.apps "${name}" not found`);
  }
  if ((process.env.STANDIN_UNREADY ?? '').split(',').includes(name)) {
    fail('kubectl', all, `error: timed out waiting for the condition`);
  }
  out(`deployment "${name}" successfully rolled out`);
  record('kubectl', all, 0);
} else if (verb === 'patch') {
  const { flags, positionals } = parse('kubectl', all, rest, { namespace: 'value', n: 'value', patch: 'value', p: 'value', type: 'value' });
  const [type, name] = positionals;
  const ns = flags.namespace ?? flags.n ?? 'default';
  const svc = find('Service', name, ns);
  if (type !== 'service' || !svc) fail('kubectl', all, `Error from server (NotFound): services "${name}" not found`);
  const patch = JSON.parse(flags.patch ?? flags.p);
  const patched = { ...svc, spec: { ...svc.spec, type: patch.spec.type ?? svc.spec.type, ports: mergeServicePorts(svc.spec.ports, patch.spec.ports) } };
  const why = await refusal(patched);
  if (why) fail('kubectl', all, `Error from server (Invalid): ${why}`);
  save(patched);
  out(`service/${name} patched`);
  record('kubectl', all, 0, { patch });
} else if (verb === 'get') {
  const { flags, positionals } = parse('kubectl', all, rest, { namespace: 'value', n: 'value', output: 'value', o: 'value', 'sort-by': 'value' });
  const ns = flags.namespace ?? flags.n ?? 'default';
  if (positionals[0] === 'events') {
    process.stderr.write(`No resources found in ${ns} namespace.\n`);
  } else if (positionals[0] === 'pods' && (flags.output ?? flags.o) === 'json') {
    const unready = (process.env.STANDIN_UNREADY ?? '').split(',');
    const items = state.objects
      .filter((o) => o.kind === 'Deployment' && o.metadata.namespace === ns)
      .map((d) => ({ metadata: { name: `${d.metadata.name}-7d4b9c-standin`, labels: d.spec?.template?.metadata?.labels ?? {} }, status: { conditions: [{ type: 'Ready', status: unready.includes(d.metadata.name) ? 'False' : 'True' }] } }));
    out(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  } else {
    fail('kubectl', all, `error: the stand-in cannot get ${positionals.join(' ')}`);
  }
  record('kubectl', all, 0);
} else if (verb === 'describe') {
  const { flags, positionals } = parse('kubectl', all, rest, { namespace: 'value', n: 'value' });
  // like kubectl, literal env values of the pod's containers are shown as they are
  const ns = flags.namespace ?? flags.n ?? 'default';
  const deploy = state.objects.find((o) => o.kind === 'Deployment' && o.metadata.namespace === ns && positionals[1].startsWith(`${o.metadata.name}-`));
  const env = (deploy?.spec?.template?.spec?.containers ?? []).flatMap((c) => c.env ?? []).map((e) => `      ${e.name}:  ${e.value ?? '<set to a key>'}`);
  out(`Name:         ${positionals[1]}\nStatus:       Running\nContainers:\n    Environment:\n${env.join('\n') || '      <none>'}\nConditions:\n  Ready         False\nEvents:       <none>`);
  record('kubectl', all, 0);
} else if (verb === 'logs') {
  const { flags, positionals } = parse('kubectl', all, rest, { namespace: 'value', n: 'value', 'all-containers': 'bool', previous: 'bool', p: 'bool' });
  if (flags.previous || flags.p) fail('kubectl', all, `Error from server (BadRequest): previous terminated container in pod "${positionals[0]}" not found`);
  out(`log line from ${positionals[0]} (stand-in)`);
  record('kubectl', all, 0);
} else if (verb === 'version') {
  parse('kubectl', all, rest, { client: 'bool', output: 'value', o: 'value' });
  out('Client Version: v1.36.1 (stand-in)');
  record('kubectl', all, 0);
} else {
  fail('kubectl', all, `error: unknown command "${verb}" for "kubectl"`);
}
