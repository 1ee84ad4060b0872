// Stand-in for helm v3. It records every call, refuses flags helm lacks, and keeps installed
// releases in a state folder beside the kubeconfig, so `status` and `get manifest` answer in
// helm's formats. It renders nothing and applies nothing to the cluster.
//
// The flag tables are helm's own, at tag v3.21.4 (813176c5): cmd/helm/upgrade.go (lines 255-288),
// cmd/helm/flags.go (addValueOptionsFlags, addChartPathOptionsFlags, bindOutputFlag,
// bindPostRenderFlag), cmd/helm/status.go, cmd/helm/get_manifest.go, and the global flags of
// pkg/cli/environment.go AddFlags.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, parse, record } from './common.mjs';

const V = 'value';
const B = 'bool';
const LIST = 'list';
const GLOBAL = {
  namespace: V, n: V, kubeconfig: V, 'kube-context': V, 'kube-token': V, 'kube-as-user': V, 'kube-as-group': V,
  'kube-apiserver': V, 'kube-ca-file': V, 'kube-tls-server-name': V, 'registry-config': V, 'repository-config': V,
  'repository-cache': V, 'burst-limit': V, qps: V, 'kube-insecure-skip-tls-verify': B, debug: B,
};
const VALUES = { values: LIST, f: LIST, set: LIST, 'set-string': LIST, 'set-file': LIST, 'set-json': LIST, 'set-literal': LIST };
const CHART_PATH = {
  version: V, keyring: V, repo: V, username: V, password: V, 'cert-file': V, 'key-file': V, 'ca-file': V,
  verify: B, 'insecure-skip-tls-verify': B, 'plain-http': B, 'pass-credentials': B,
};
const UPGRADE = {
  ...GLOBAL, ...VALUES, ...CHART_PATH,
  'create-namespace': B, install: B, i: B, devel: B, 'hide-secret': B, 'recreate-pods': B, force: B, 'no-hooks': B,
  'disable-openapi-validation': B, 'skip-crds': B, 'reset-values': B, 'reuse-values': B, 'reset-then-reuse-values': B,
  wait: B, 'wait-for-jobs': B, atomic: B, 'cleanup-on-fail': B, 'render-subchart-notes': B, 'hide-notes': B,
  'skip-schema-validation': B, 'dependency-update': B, 'enable-dns': B, 'take-ownership': B,
  timeout: V, 'history-max': V, labels: V, l: V, description: V, 'dry-run': B, 'post-renderer': V, 'post-renderer-args': V,
  output: V, o: V,
};
const STATUS = { ...GLOBAL, revision: V, output: V, o: V, 'show-desc': B, 'show-resources': B };
const GET_MANIFEST = { ...GLOBAL, revision: V };

const all = process.argv.slice(2);
const [verb, ...rest] = all;

const stateDir = (kubeconfig) => `${kubeconfig}.standin-helm`;

if (verb === 'version') {
  process.stdout.write('version.BuildInfo{Version:"v3.22.0", GitCommit:"stand-in", GoVersion:"go1.24"}\n');
  record('helm', all, 0);
} else if (verb === 'upgrade') {
  const { flags, positionals } = parse('helm', all, rest, UPGRADE);
  if (positionals.length !== 2) fail('helm', all, `Error: "helm upgrade" requires 2 arguments\n\nUsage:  helm upgrade [RELEASE] [CHART] [flags]`);
  const [release, chart] = positionals;
  if (!flags.kubeconfig || !existsSync(flags.kubeconfig)) fail('helm', all, `Error: Kubernetes cluster unreachable: stat ${flags.kubeconfig}: no such file or directory`);
  // pkg/action/install.go LocateChart: a path that does not exist is a repository reference, which needs the network
  if (!existsSync(chart)) fail('helm', all, `Error: path "${chart}" not found`);
  if (statSync(chart).isDirectory() && !existsSync(join(chart, 'Chart.yaml'))) fail('helm', all, `Error: Chart.yaml file is missing`);
  const values = [];
  for (const f of [...(flags.values ?? []), ...(flags.f ?? [])]) {
    if (!existsSync(f)) fail('helm', all, `Error: open ${f}: no such file or directory`);
    values.push({ file: f, content: readFileSync(f, 'utf8') });
  }
  const setFiles = [];
  for (const kv of flags['set-file'] ?? []) {
    const [key, file] = [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)];
    if (!existsSync(file)) fail('helm', all, `Error: failed parsing --set-file data: open ${file}: no such file or directory`);
    setFiles.push({ key, content: readFileSync(file, 'utf8') });
  }
  const ns = flags.namespace ?? flags.n ?? 'default';
  const dir = stateDir(flags.kubeconfig);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${ns}_${release}.json`);
  const revision = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).revision + 1 : 1;
  writeFileSync(file, JSON.stringify({ release, chart, namespace: ns, revision, set: flags.set ?? [], values }));
  if (revision === 1) process.stdout.write(`Release "${release}" does not exist. Installing it now.\n`);
  else process.stdout.write(`Release "${release}" has been upgraded. Happy Helming!\n`);
  process.stdout.write(`NAME: ${release}\nNAMESPACE: ${ns}\nSTATUS: deployed\nREVISION: ${revision}\n`);
  record('helm', all, 0, { helm: { release, chart, namespace: ns, set: flags.set ?? [], setString: flags['set-string'] ?? [], setFiles, values } });
} else if (verb === 'status' || (verb === 'get' && rest[0] === 'manifest')) {
  const args = verb === 'get' ? rest.slice(1) : rest;
  const { flags, positionals } = parse('helm', all, args, verb === 'get' ? GET_MANIFEST : STATUS);
  const ns = flags.namespace ?? flags.n ?? 'default';
  const file = join(stateDir(flags.kubeconfig ?? ''), `${ns}_${positionals[0]}.json`);
  if (!existsSync(file)) fail('helm', all, 'Error: release: not found');
  const r = JSON.parse(readFileSync(file, 'utf8'));
  if (verb === 'status') {
    process.stdout.write(`NAME: ${r.release}\nLAST DEPLOYED: Sun Nov 29 00:00:00 2026\nNAMESPACE: ${r.namespace}\nSTATUS: deployed\nREVISION: ${r.revision}\nTEST SUITE: None\n`);
  } else {
    const templates = statSync(r.chart).isDirectory() && existsSync(join(r.chart, 'templates')) ? readdirSync(join(r.chart, 'templates')).sort() : [];
    for (const t of templates) process.stdout.write(`---\n# Source: ${r.release}/templates/${t}\n${readFileSync(join(r.chart, 'templates', t), 'utf8')}`);
  }
  record('helm', all, 0);
} else {
  fail('helm', all, `Error: unknown command "${verb}" for "helm"`);
}
