/**
 * `down` (the post step and the CLI's down) in-process, against the real daemon: two legs'
 * containers, networks and volumes, made here with their labels, and kind's stand-in from the
 * tool-cache, which deletes a cluster's node containers as kind does.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ProcessRunner, type CommandRunner, type RunOptions, type RunResult } from '../src/exec/runner.js';
import { Secrets } from '../src/exec/secrets.js';
import type { LegState } from '../src/setup/context.js';
import { down } from '../src/setup/down.js';
import { containerExists, leftovers } from './helpers/docker.js';
import { readRecords, toolCacheWithStandins } from './helpers/standins.js';

const IMAGE = 'ds-e2e-test/debian:bookworm';
const KIND_LABEL = 'io.x-k8s.kind.cluster';
const run = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

/** What one leg made: a labelled container on a labelled network, a labelled volume, and its cluster's node. */
function makeLeg(leg: string) {
  const labels = { 'io.github.ds-e2e-setup.leg': leg, 'io.github.ds-e2e-setup.env': 'api' };
  const flags = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  run(['volume', 'create', ...flags, `${leg}-data`]);
  run(['network', 'create', ...flags, `${leg}-net`]);
  run(['run', '--detach', '--name', `${leg}-postgres`, ...flags, '--network', `${leg}-net`, '--mount', `type=volume,src=${leg}-data,dst=/data`, IMAGE, 'sleep', 'infinity']);
  run(['run', '--detach', '--name', `${leg}-control-plane`, '--label', `${KIND_LABEL}=${leg}`, '--label', 'io.x-k8s.kind.role=control-plane', IMAGE, 'sleep', 'infinity']);
  return labels;
}

function state(leg: string, labels: Record<string, string>, over: Partial<LegState> = {}): LegState {
  const workDir = temp('down-');
  return {
    env: 'api',
    clusterName: leg,
    hasCluster: true,
    provider: 'docker',
    labels,
    workDir,
    diagnosticsDir: join(workDir, 'diagnostics'),
    kubeconfig: join(workDir, 'kubeconfig'),
    namespace: 'api-e2e',
    cleanup: 'always',
    ...over,
  };
}

/** The real runner, noting each command line it runs, so the order of the calls can be checked. */
class NotingRunner implements CommandRunner {
  readonly lines: string[] = [];
  private readonly real = new ProcessRunner(new Secrets());
  run(cmd: string, args: readonly string[], opts?: RunOptions): Promise<RunResult> {
    this.lines.push([cmd, ...args].join(' '));
    return this.real.run(cmd, args, opts);
  }
}

/** The services `down` is given: the real runner, and a PATH that kind's directory is added to, as core.addPath does. */
function services() {
  const said: string[] = [];
  const runner = new NotingRunner();
  const addPath = (dir: string) => (process.env.PATH = `${dir}${delimiter}${process.env.PATH}`);
  return { said, runner, services: { runner, secrets: new Secrets(), logger: { info: (m: string) => said.push(m), warn: (m: string) => said.push(`warning: ${m}`) }, addPath } };
}

const temps: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};

const legs = [`down-${process.pid}-a`, `down-${process.pid}-b`];
const saved = { PATH: process.env.PATH, RUNNER_TOOL_CACHE: process.env.RUNNER_TOOL_CACHE, STANDIN_LOG: process.env.STANDIN_LOG };
let toolCache: string;

beforeAll(async () => {
  // kind as a warm runner has it: in the tool-cache, so down finds it with no network
  toolCache = await toolCacheWithStandins();
  temps.push(toolCache);
});

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function restoreEnv() {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

afterEach(() => {
  // what a failed test left; absent is fine
  for (const leg of legs) spawnSync('docker', ['rm', '--force', '--volumes', `${leg}-postgres`, `${leg}-control-plane`, `${leg}-outsider`], { stdio: 'ignore' });
  for (const leg of legs) spawnSync('docker', ['network', 'rm', `${leg}-net`], { stdio: 'ignore' });
  for (const leg of legs) spawnSync('docker', ['volume', 'rm', '--force', `${leg}-data`], { stdio: 'ignore' });
  restoreEnv();
});

describe('down', () => {
  test('deletes the cluster (through the leg\'s own kubeconfig), then exactly the containers, networks and volumes with the leg\'s labels', async () => {
    const [a, b] = legs.map(makeLeg);
    // a container of no leg on the leg's network (kind's node, the act job's container) is disconnected, not removed
    run(['run', '--detach', '--name', `${legs[0]}-outsider`, '--network', `${legs[0]}-net`, IMAGE, 'sleep', 'infinity']);
    process.env.RUNNER_TOOL_CACHE = toolCache;
    process.env.STANDIN_LOG = join(temp('down-log-'), 'standin.jsonl');
    const s = services();
    const st = state(legs[0], a);
    const r = await down(st, s.services, { failed: false, diagnostics: false });
    expect(r).toEqual({ diagnostics: [], kept: false, removed: { cluster: legs[0], containers: [`${legs[0]}-postgres`], networks: [`${legs[0]}-net`], volumes: [`${legs[0]}-data`] } });
    expect(process.env.PATH?.split(delimiter)[0].startsWith(toolCache)).toBe(true); // kind, found in the tool-cache again
    expect(readRecords(process.env.STANDIN_LOG).map((rec) => rec.args)).toEqual([['delete', 'cluster', '--name', legs[0], '--kubeconfig', st.kubeconfig]]);
    expect(leftovers(a)).toEqual({ containers: [], networks: [], volumes: [] });
    expect(containerExists(`${legs[0]}-control-plane`)).toBe(false);
    expect(containerExists(`${legs[0]}-outsider`)).toBe(true);
    // the other leg, and its cluster, are untouched
    expect(leftovers(b)).toEqual({ containers: [`${legs[1]}-postgres`], networks: [`${legs[1]}-net`], volumes: [`${legs[1]}-data`] });
    expect(containerExists(`${legs[1]}-control-plane`)).toBe(true);
    expect(s.said.at(-1)).toBe(`removed cluster ${legs[0]}, 1 container(s), 1 network(s), 1 volume(s) of ${legs[0]}`);
    // the cluster goes first, then the containers, the networks and the volumes
    const first = (prefix: string) => s.runner.lines.findIndex((l) => l.startsWith(prefix));
    const order = ['kind delete cluster', 'docker rm ', 'docker network rm ', 'docker volume rm '].map(first);
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
  });

  test('cleanup on-success after a failure keeps everything and runs nothing', async () => {
    const a = makeLeg(legs[0]);
    process.env.RUNNER_TOOL_CACHE = toolCache;
    process.env.STANDIN_LOG = join(temp('down-log-'), 'standin.jsonl');
    const s = services();
    const r = await down(state(legs[0], a, { cleanup: 'on-success' }), s.services, { failed: true, diagnostics: false });
    expect(r.kept).toBe(true);
    expect(s.runner.lines).toEqual([]);
    expect(readRecords(process.env.STANDIN_LOG)).toEqual([]);
    expect(leftovers(a)).toEqual({ containers: [`${legs[0]}-postgres`], networks: [`${legs[0]}-net`], volumes: [`${legs[0]}-data`] });
    expect(containerExists(`${legs[0]}-control-plane`)).toBe(true);
  });

  test('a kind that cannot run is a warning; the containers are still removed', async () => {
    const a = makeLeg(legs[0]);
    // no kind in the tool-cache, none to download (nothing listens on port 1), none on PATH: only docker
    process.env.RUNNER_TOOL_CACHE = temp('down-empty-tc-');
    const bin = temp('down-bin-');
    symlinkSync(execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim(), join(bin, 'docker'));
    process.env.PATH = bin;
    const s = services();
    const r = await down(state(legs[0], a, { kindUrl: 'http://127.0.0.1:1/kind-{version}-{os}-{arch}' }), s.services, { failed: false, diagnostics: false });
    expect(r.removed.cluster).toBeUndefined();
    expect(r.removed.containers).toEqual([`${legs[0]}-postgres`]);
    expect(leftovers(a)).toEqual({ containers: [], networks: [], volumes: [] });
    expect(s.said).toContain(`warning: could not delete cluster ${legs[0]}: "kind" was not found on PATH`);
  });
});
